/**
 * decide(), target-level events: builds arriving (start, queue, supersede), duplicate builds, failed builds in the
 * target's history, a target removed from runway.yaml, and alerts.
 */
import { describe, expect, it } from 'vitest';
import { RECENT_BUILDS_KEPT } from '../../../functions/src/domain/rollout.js';
import {
  ACTORS,
  FAILING,
  TARGET_ID,
  alertClosed,
  alertOpened,
  buildFailed,
  buildInfo,
  buildSucceeded,
  canaryPolicy,
  describeWork,
  driveTo,
  policyOf,
  Sim,
  type Stage,
} from '../../support/domain-fixtures.js';
import { rollingBack } from './table.js';

const B1 = `${TARGET_ID}@b1`;
const B2 = `${TARGET_ID}@b2`;
const B3 = `${TARGET_ID}@b3`;

/** Id and phase of each rollout a decision touched. */
function touched(d: { rollouts: readonly { id: string; phase: string }[] }): [string, string][] {
  return d.rollouts.map((r) => [r.id, r.phase]);
}

describe('decide(): a build arrives', () => {
  it('on an idle target: a rollout starts deploying its image at 0% with a candidate tag', () => {
    const sim = new Sim();
    const d = sim.build();
    expect(d.outcome).toEqual({ status: 'applied', message: `rollout ${B1} started` });
    expect(d.effects[0]).toEqual({
      id: `${TARGET_ID}:1:0`,
      targetId: TARGET_ID,
      type: 'cloudRun.deployCandidate',
      rolloutId: B1,
      service: { project: 'acme-prod', region: 'europe-west1', service: 'checkout' },
      image: buildInfo('b1').image,
      tag: 'candidate',
      source: 'deploy',
    });
    expect(d.state.active).toMatchObject({
      id: B1,
      phase: 'deploying',
      build: buildInfo('b1'),
      policy: canaryPolicy(),
      createdAt: sim.now,
      step: -1,
      traffic: { candidatePercent: 0, pending: null },
    });
    expect(d.state.recentBuilds[0]).toMatchObject({ buildId: 'b1', status: 'SUCCESS', rolloutId: B1, at: sim.now });
  });

  it.each<[string, Record<string, unknown>, { source: string; tag: string }]>([
    ['the default: Runway deploys it, tagged candidate', {}, { source: 'deploy', tag: 'candidate' }],
    [
      'candidate.source build: adopt what the build deployed',
      { candidate: { source: 'build' } },
      { source: 'build', tag: 'candidate' },
    ],
    ['candidate.tag: its own tag', { candidate: { tag: 'canary' } }, { source: 'deploy', tag: 'canary' }],
    ['both', { candidate: { source: 'build', tag: 'next' } }, { source: 'build', tag: 'next' }],
  ])('the deploy effect takes source and tag from the policy: %s', (_name, target, expected) => {
    const sim = new Sim({ policy: policyOf(target) });
    const d = sim.build();
    expect(d.effects[0]).toMatchObject({ type: 'cloudRun.deployCandidate', image: buildInfo('b1').image, ...expected });
  });

  it('a queued rollout deploys with the policy it was created with, even if runway.yaml changed since', () => {
    const sim = driveTo('progressing:baking');
    sim.build(); // b2 queued under the fixture's policy (source deploy)
    sim.policy = canaryPolicy({ candidate: { source: 'build', tag: 'next' } });
    sim.command('rollback', ACTORS.deployer, 'make way');
    const d = sim.answer(); // b1 rolled back: b2 starts
    expect(d.effects.find((e) => e.type === 'cloudRun.deployCandidate')).toMatchObject({
      rolloutId: B2,
      source: 'deploy',
      tag: 'candidate',
    });
  });

  it('while another is active: it queues', () => {
    const sim = driveTo('progressing:baking');
    const d = sim.build();
    expect(d.outcome).toEqual({ status: 'applied', message: `rollout ${B2} queued behind ${B1}` });
    expect(d.state.queue).toMatchObject([{ id: B2, phase: 'queued' }]);
    expect(d.state.active?.id).toBe(B1);
    expect(describeWork(d, sim.now)).toEqual([]);
    expect(d.effects.map((e) => e.type)).toEqual(['events.publish', 'notify']);
  });

  it('a third build supersedes the second in the queue: only the newest waits', () => {
    const sim = driveTo('progressing:baking');
    sim.build();
    const d = sim.build();
    expect(touched(d)).toEqual([
      [B2, 'superseded'],
      [B3, 'queued'],
    ]);
    expect(d.rollouts[0]?.ending).toMatchObject({ cause: 'superseded', reason: 'replaced by build b3' });
    expect(d.state.queue.map((r) => r.id)).toEqual([B3]);
  });

  it.each<[string, (sim: Sim) => void, string]>([
    ['succeeds', (sim) => sim.answer(), 'succeeded'],
    ['is rolled back', (sim) => sim.command('rollback', ACTORS.deployer, 'bad'), 'rolled_back'],
    ['is aborted', (sim) => sim.command('abort', ACTORS.deployer, 'wrong build'), 'rolled_back'],
    ['fails its analysis', (sim) => sim.answer(true, { metrics: FAILING }), 'rolled_back'],
  ])('the queued rollout starts when the active one %s', (_, stop, endsAs) => {
    const sim = driveTo('progressing:analysing', { policy: canaryPolicy({ rollback: { guardWindow: 0 } }), step: 1 });
    sim.build();
    stop(sim);
    const d = sim.state.active?.id === B1 ? sim.answer() : sim.decisions.at(-1)!;
    expect(touched(d)).toEqual([
      [B1, endsAs],
      [B2, 'deploying'],
    ]);
    expect(describeWork(d, sim.now)).toEqual([`deploy ${B2}`]);
  });

  it('the queued rollout starts when the active one is stopped before any traffic', () => {
    const sim = driveTo('deploying');
    sim.build();
    const d = sim.answer(false);
    expect(touched(d)).toEqual([
      [B1, 'aborted'],
      [B2, 'deploying'],
    ]);
  });
});

describe('decide(): onNewBuild: supersede', () => {
  const supersede = (stage: Stage, extra: Record<string, unknown> = {}): Sim =>
    driveTo(stage, { policy: canaryPolicy({ onNewBuild: 'supersede', ...extra }) });

  it('active at 0%: superseded at once, the new build deploys in the same decision', () => {
    const sim = supersede('verifying');
    const d = sim.build();
    expect(touched(d)).toEqual([
      [B2, 'deploying'],
      [B1, 'superseded'],
    ]);
    expect(d.rollouts[1]?.ending).toMatchObject({ cause: 'superseded', reason: 'replaced by build b2' });
    expect(describeWork(d, sim.now)).toEqual([`deploy ${B2}`]);
  });

  it('active awaiting approval before any traffic: superseded at once', () => {
    const sim = supersede('approval:beforeFirstTraffic', { approval: { required: true, stage: 'beforeFirstTraffic' } });
    expect(touched(sim.build())).toEqual([
      [B2, 'deploying'],
      [B1, 'superseded'],
    ]);
  });

  it('active with traffic: rolls back first, ends superseded, then the new build starts', () => {
    const sim = supersede('progressing:baking');
    const d = sim.build();
    expect(d.state.active).toMatchObject({ id: B1, phase: 'rolling_back', rollbackEndsAs: 'superseded' });
    expect(describeWork(d, sim.now)).toEqual(['traffic rollback stable=100']);
    expect(d.state.queue.map((r) => r.id)).toEqual([B2]);
    const done = sim.answer();
    expect(touched(done)).toEqual([
      [B1, 'superseded'],
      [B2, 'deploying'],
    ]);
  });

  it('promoted, in the guard window: succeeds early (it already serves everyone), then the new build starts', () => {
    const sim = supersede('promoted:guard');
    const d = sim.build();
    expect(touched(d)).toEqual([
      [B2, 'deploying'],
      [B1, 'succeeded'],
    ]);
    expect(d.rollouts[1]?.ending?.reason).toMatch(/guard window ended early by a newer build/);
    expect(d.state.stable?.revision).toBe('checkout-b1');
  });

  it('promoted, 100% not yet confirmed: waits; on confirmation it succeeds early instead of guarding', () => {
    const sim = supersede('promoted:traffic');
    const d = sim.build();
    expect(touched(d)).toEqual([[B2, 'queued']]);
    const confirmed = sim.answer();
    expect(touched(confirmed)).toEqual([
      [B1, 'succeeded'],
      [B2, 'deploying'],
    ]);
    expect(describeWork(confirmed, sim.now)).toEqual([`deploy ${B2}`]);
  });

  it('rolling back: left alone to finish as it was going; the new build waits', () => {
    const sim = rollingBack();
    sim.policy = canaryPolicy({ onNewBuild: 'supersede' });
    const d = sim.build();
    expect(touched(d)).toEqual([[B2, 'queued']]);
    expect(d.state.active).toMatchObject({ id: B1, phase: 'rolling_back', rollbackEndsAs: 'rolled_back' });
    expect(touched(sim.answer())).toEqual([
      [B1, 'rolled_back'],
      [B2, 'deploying'],
    ]);
  });
});

describe('decide(): duplicate builds', () => {
  it('the build of the running rollout again: ignored, nothing changes', () => {
    const sim = driveTo('progressing:baking');
    const before = sim.state;
    const d = sim.send(buildSucceeded(buildInfo('b1')));
    expect(d.outcome).toEqual({ status: 'ignored', message: `rollout ${B1} is already running` });
    expect(d.state).toBe(before);
    expect(d.effects).toEqual([]);
  });

  it('the build of the queued rollout again: ignored', () => {
    const sim = driveTo('deploying');
    sim.build();
    expect(sim.send(buildSucceeded(buildInfo('b2'))).outcome.status).toBe('ignored');
  });

  it('the build of a finished rollout again: ignored, it is never rolled out twice', () => {
    const sim = driveTo('deploying');
    sim.answer(false);
    const before = sim.state;
    const d = sim.send(buildSucceeded(buildInfo('b1')));
    expect(d.outcome).toEqual({ status: 'ignored', message: `build b1 was already rolled out to ${TARGET_ID}` });
    expect(d.state).toBe(before);
  });
});

describe('decide(): failed builds', () => {
  it('are recorded in the history and announced', () => {
    const sim = new Sim();
    const build = buildInfo('f1', { finishedAt: 123_000 });
    const d = sim.send(buildFailed(build, 'TIMEOUT'));
    expect(d.outcome).toEqual({ status: 'applied', message: 'build f1 recorded as TIMEOUT' });
    expect(d.state.recentBuilds).toEqual([
      {
        buildId: 'f1',
        status: 'TIMEOUT',
        image: build.image,
        commitSha: build.commitSha,
        branch: 'main',
        logUrl: build.logUrl,
        rolloutId: null,
        at: 123_000,
      },
    ]);
    expect(d.effects).toMatchObject([
      {
        type: 'notify',
        severity: 'warning',
        topic: 'build.failed',
        rolloutId: null,
        text: /build f1 ended TIMEOUT \(https:/,
      },
      { type: 'events.publish', eventType: 'runway.build.failed', data: { buildId: 'f1', status: 'TIMEOUT' } },
    ]);
  });

  it('leave the active rollout alone', () => {
    const sim = driveTo('progressing:baking');
    const d = sim.send(buildFailed(buildInfo('f1')));
    expect(d.state.active).toBe(sim.decisions.at(-2)?.state.active);
    expect(d.rollouts).toEqual([]);
  });

  it(`keep the newest ${RECENT_BUILDS_KEPT}, newest first`, () => {
    const sim = new Sim();
    for (let i = 1; i <= 25; i++) sim.send(buildFailed(buildInfo(`f${i}`), 'FAILURE'));
    sim.build();
    const ids = sim.state.recentBuilds.map((b) => b.buildId);
    expect(ids).toHaveLength(RECENT_BUILDS_KEPT);
    expect(ids.slice(0, 3)).toEqual(['b1', 'f25', 'f24']);
    expect(ids.at(-1)).toBe('f7');
  });
});

describe('decide(): a target removed from runway.yaml (policy null)', () => {
  it('refuses new builds and failed builds, changing nothing', () => {
    const sim = new Sim({ policy: null });
    const before = sim.state;
    const d = sim.build();
    expect(d.outcome).toEqual({ status: 'refused', message: `target ${TARGET_ID} is not in runway.yaml` });
    expect(d.state).toBe(before);
    expect(sim.send(buildFailed(buildInfo('f1'))).outcome.status).toBe('refused');
  });

  it('still runs a rollout in flight to its end, with the policy it started with', () => {
    const sim = driveTo('progressing:baking');
    sim.policy = null;
    expect(sim.runToEnd().phase).toBe('succeeded');
  });

  it('a changed policy does not alter a rollout in flight', () => {
    const sim = driveTo('progressing:baking');
    sim.policy = policyOf({ strategy: { immediate: {} } });
    sim.proceed(); // bake elapsed
    const d = sim.proceed(); // analysis passed: the old policy's second step
    expect(describeWork(d, sim.now)).toEqual(['traffic step candidate=50 stable=50']);
  });
});

describe('decide(): alerts', () => {
  it('with nothing running: noted and announced', () => {
    const sim = new Sim();
    const d = sim.send(alertOpened());
    expect(d.outcome).toEqual({ status: 'applied', message: 'incident incident-1 noted: no rollout to roll back' });
    expect(d.effects).toMatchObject([
      { type: 'events.publish', eventType: 'runway.incident.opened', data: { incidentId: 'incident-1' } },
      { type: 'notify', topic: 'alert.opened', text: /checkout 5xx/ },
    ]);
  });

  it('drop the queued rollouts and roll back the active one', () => {
    const sim = driveTo('progressing:baking');
    sim.build();
    const d = sim.send(alertOpened());
    expect(touched(d)).toEqual([
      [B2, 'aborted'],
      [B1, 'rolling_back'],
    ]);
    expect(d.state.active?.ending).toMatchObject({
      cause: 'alert',
      reason: 'alert "checkout 5xx": 5xx ratio above 2% for 1 minute',
    });
  });

  it('while rolling back: the queued rollouts are dropped, the rollback goes on', () => {
    const sim = rollingBack();
    sim.build();
    const d = sim.send(alertOpened());
    expect(d.outcome.message).toMatch(/already rolling back; 1 queued rollout\(s\) dropped/);
    expect(touched(d)).toEqual([[B2, 'aborted']]);
    expect(describeWork(d, sim.now)).toEqual([]);
  });

  it('a closed incident is recorded and announced, and changes no rollout', () => {
    const sim = driveTo('promoted:guard');
    const before = sim.state;
    const d = sim.send(alertClosed());
    expect(d.outcome).toEqual({
      status: 'applied',
      message: 'incident incident-1 closed before its open was received',
    });
    expect(d.rollouts).toEqual([]);
    expect(d.state.active).toEqual(before.active);
    expect(d.state.incidents).toEqual([
      expect.objectContaining({ incidentId: 'incident-1', state: 'closed', openedAt: null, action: 'none' }),
    ]);
    expect(d.effects).toMatchObject([
      { type: 'events.publish', eventType: 'runway.incident.closed' },
      { type: 'notify', topic: 'alert.closed', severity: 'info' },
    ]);
  });
});
