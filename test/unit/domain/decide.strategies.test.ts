/**
 * decide(), end to end: each strategy driven from build to success by answering the effects it asks for, with and
 * without smoke checks and approval gates; a first-ever deploy with no stable revision; a deploy that creates no new
 * revision. Each journey is the sequence of phases the rollout went through and the traffic it asked for.
 */
import { describe, expect, it } from 'vitest';
import { isTerminal } from '../../../functions/src/domain/phase.js';
import type { Rollout } from '../../../functions/src/domain/rollout.js';
import {
  ACTORS,
  alertOpened,
  STABLE_REVISION,
  TARGET_ID,
  canaryPolicy,
  command,
  describeWork,
  driveTo,
  policyOf,
  Sim,
  type SimOptions,
} from '../../support/domain-fixtures.js';

interface Journey {
  /** Phases in order (`progressing#i` for canary step i), without repeats. */
  readonly phases: string[];
  /** Every traffic change asked for. */
  readonly traffic: string[];
  /** Every work effect kind asked for, e.g. `smoke`, `analysis`, `timer bake`. */
  readonly kinds: Set<string>;
  readonly final: Rollout;
  readonly sim: Sim;
}

/** Builds b1 and proceeds along the happy path (answers succeed, approvals given) until it ends. */
function journey(options: SimOptions, proceed: (sim: Sim) => void = (sim) => sim.proceed()): Journey {
  const sim = new Sim(options);
  const phases: string[] = [];
  const traffic: string[] = [];
  const kinds = new Set<string>();
  const record = (): void => {
    const decision = sim.decisions.at(-1);
    if (!decision) return;
    const r = decision.rollouts.find((x) => x.id === `${TARGET_ID}@b1`);
    if (r) {
      const label = r.phase === 'progressing' ? `progressing#${r.step}` : r.phase;
      if (phases.at(-1) !== label) phases.push(label);
    }
    for (const line of describeWork(decision, sim.now)) {
      if (line.startsWith('traffic')) traffic.push(line);
      kinds.add(line.split(' +')[0] ?? line);
    }
  };
  sim.build();
  record();
  for (let i = 0; i < 40 && !sim.finished.has(`${TARGET_ID}@b1`); i++) {
    proceed(sim);
    record();
  }
  const final = sim.rollout(`${TARGET_ID}@b1`);
  expect(isTerminal(final.phase)).toBe(true);
  return { phases, traffic, kinds, final, sim };
}

const SMOKE = { checks: [{ path: '/healthz' }] };

describe('decide(): strategies end to end', () => {
  it('canary: 10% then 50%, each baked and judged, then 100% and the guard window', () => {
    const j = journey({ policy: canaryPolicy() });
    expect(j.phases).toEqual(['deploying', 'verifying', 'progressing#0', 'progressing#1', 'promoted', 'succeeded']);
    expect(j.traffic).toEqual([
      'traffic step candidate=10 stable=90',
      'traffic step candidate=50 stable=50',
      'traffic promote candidate=100',
    ]);
    expect(j.final.verdicts.map((v) => [v.step, v.result])).toEqual([
      [0, 'pass'],
      [1, 'pass'],
    ]);
    expect(j.sim.state).toMatchObject({
      active: null,
      stable: { revision: 'checkout-b1', rolloutId: `${TARGET_ID}@b1` },
    });
  });

  it('canary whose last step is 100%: promotion needs no further traffic change', () => {
    const steps = [{ weight: 25 }, { weight: 100, bake: '30s' }];
    const j = journey({ policy: canaryPolicy({ strategy: { canary: { steps } } }) });
    expect(j.traffic).toEqual(['traffic step candidate=25 stable=75', 'traffic step candidate=100']);
    expect(j.phases).toEqual(['deploying', 'verifying', 'progressing#0', 'progressing#1', 'promoted', 'succeeded']);
  });

  it('canary with the default steps from runway.yaml (10%, 50%, 5m bake each) and the default 3m metrics delay', () => {
    const sim = driveTo('progressing:baking', { policy: policyOf({}) });
    // Checked every 20 s (the default sequential.checkEvery) until the bake and the delay are over.
    expect(describeWork(sim.decisions.at(-1)!, sim.now)).toEqual(['timer bake +20s']);
    expect(sim.active.bakeEndsAt).toBe(sim.now + 480_000);
  });

  it('blueGreen: 0%, smoke checks, then 100% at once; no canary steps and no analysis', () => {
    const j = journey({ policy: policyOf({ strategy: { blueGreen: {} }, smoke: SMOKE }) });
    expect(j.phases).toEqual(['deploying', 'verifying', 'promoted', 'succeeded']);
    expect(j.traffic).toEqual(['traffic promote candidate=100']);
    expect(j.kinds.has('analysis')).toBe(false);
  });

  it('immediate: 100% at once after the smoke checks (the same path as blueGreen today, as documented)', () => {
    const j = journey({ policy: policyOf({ strategy: { immediate: {} }, smoke: SMOKE }) });
    expect(j.phases).toEqual(['deploying', 'verifying', 'promoted', 'succeeded']);
    expect(j.traffic).toEqual(['traffic promote candidate=100']);
  });

  it('immediate without smoke checks: straight from deploying to promoted', () => {
    const j = journey({ policy: policyOf({ strategy: { immediate: {} } }) });
    expect(j.phases).toEqual(['deploying', 'promoted', 'succeeded']);
    expect(j.kinds.has('smoke')).toBe(false);
  });

  it('canary without smoke checks: no verifying phase', () => {
    const j = journey({ policy: canaryPolicy({ smoke: { checks: [] } }) });
    expect(j.phases).toEqual(['deploying', 'progressing#0', 'progressing#1', 'promoted', 'succeeded']);
    expect(j.kinds.has('smoke')).toBe(false);
  });

  it('no guard window: success as soon as 100% is confirmed', () => {
    const j = journey({ policy: canaryPolicy({ rollback: { guardWindow: 0 } }) });
    expect(j.phases.slice(-2)).toEqual(['promoted', 'succeeded']);
    expect(j.kinds.has('timer guard')).toBe(false);
  });
});

describe('decide(): approval gates end to end', () => {
  it('canary, beforeFirstTraffic: one gate after the smoke checks, none before promotion', () => {
    const j = journey({ policy: canaryPolicy({ approval: { required: true, stage: 'beforeFirstTraffic' } }) });
    expect(j.phases).toEqual([
      'deploying',
      'verifying',
      'awaiting_approval',
      'progressing#0',
      'progressing#1',
      'promoted',
      'succeeded',
    ]);
    expect(j.final.approval).toMatchObject({ stage: 'beforeFirstTraffic', decision: { approved: true } });
  });

  it('canary, beforePromotion (the default stage): the gate after the last step, at 50%', () => {
    const j = journey({ policy: canaryPolicy({ approval: { required: true } }) });
    expect(j.phases).toEqual([
      'deploying',
      'verifying',
      'progressing#0',
      'progressing#1',
      'awaiting_approval',
      'promoted',
      'succeeded',
    ]);
  });

  it('blueGreen with beforeFirstTraffic: its one switch is the promotion, so the gate is recorded before promotion', () => {
    const policy = policyOf({ strategy: { blueGreen: {} }, approval: { required: true, stage: 'beforeFirstTraffic' } });
    const j = journey({ policy });
    expect(j.phases).toEqual(['deploying', 'awaiting_approval', 'promoted', 'succeeded']);
    expect(j.final.approval?.stage).toBe('beforePromotion');
  });

  it('nobody answers before promotion and the policy rejects: traffic returns to stable, rollout rejected', () => {
    const policy = canaryPolicy({ approval: { required: true, timeout: '2h' } });
    const j = journey({ policy }, (sim) => (sim.active.phase === 'awaiting_approval' ? sim.answer() : sim.proceed()));
    expect(j.phases.slice(-3)).toEqual(['awaiting_approval', 'rolling_back', 'rejected']);
    expect(j.traffic.at(-1)).toBe('traffic rollback stable=100');
    expect(j.final.ending?.cause).toBe('approval_timeout');
    expect(j.sim.state.stable?.revision).toBe(STABLE_REVISION);
  });

  it('nobody answers before promotion and the policy proceeds: promoted', () => {
    const policy = canaryPolicy({ approval: { required: true, onTimeout: 'proceed' } });
    const j = journey({ policy }, (sim) => (sim.active.phase === 'awaiting_approval' ? sim.answer() : sim.proceed()));
    expect(j.phases.slice(-3)).toEqual(['awaiting_approval', 'promoted', 'succeeded']);
    expect(j.final.approval?.decision).toMatchObject({ approved: true, actor: { kind: 'system' } });
  });

  it('the approval timer is due after the configured timeout', () => {
    const sim = driveTo('approval:beforeFirstTraffic', {
      policy: canaryPolicy({ approval: { required: true, stage: 'beforeFirstTraffic', timeout: '90m' } }),
    });
    expect(sim.active.approval).toMatchObject({ requestedAt: sim.now, deadlineAt: sim.now + 90 * 60_000 });
    expect(describeWork(sim.decisions.at(-1)!, sim.now)).toEqual(['timer approval +5400s']);
  });
});

describe('decide(): a first-ever deploy (no stable revision)', () => {
  it('goes straight to 100%, even under a canary policy, and becomes the stable revision', () => {
    const j = journey({ policy: canaryPolicy(), stable: null });
    expect(j.phases).toEqual(['deploying', 'verifying', 'promoted', 'succeeded']);
    expect(j.traffic).toEqual(['traffic promote candidate=100']);
    expect(j.sim.state.stable).toMatchObject({ revision: 'checkout-b1' });
  });

  it('with an approval gate before the first traffic, the gate is before its one switch', () => {
    const policy = canaryPolicy({ approval: { required: true, stage: 'beforeFirstTraffic' } });
    const j = journey({ policy, stable: null });
    expect(j.phases).toEqual(['deploying', 'verifying', 'awaiting_approval', 'promoted', 'succeeded']);
    expect(j.final.approval?.stage).toBe('beforePromotion');
  });

  it('a rollback in the guard window cannot return anywhere: failed, target halted, urgent; resume starts the next', () => {
    const sim = driveTo('promoted:guard', { stable: null });
    sim.build(); // b2 queues
    const failed = sim.command('rollback', ACTORS.deployer, 'errors after release');
    expect(failed.rollouts).toMatchObject([
      { id: `${TARGET_ID}@b1`, phase: 'failed', ending: { reason: /there is no earlier revision to roll back to/ } },
    ]);
    expect(describeWork(failed, sim.now)).toEqual([]);
    expect(failed.effects).toContainEqual(
      expect.objectContaining({ type: 'notify', topic: 'failed', severity: 'urgent' }),
    );
    expect(failed.state).toMatchObject({
      active: null,
      halted: { rolloutId: `${TARGET_ID}@b1` },
      queue: [{ phase: 'queued' }],
    });

    const resumed = sim.send(command('resume', `${TARGET_ID}@b1`, ACTORS.deployer));
    expect(resumed.state).toMatchObject({ halted: null, active: { id: `${TARGET_ID}@b2`, phase: 'deploying' } });
  });

  it('an alert while its promotion is still being applied fails it the same way', () => {
    const sim = driveTo('promoted:traffic', { stable: null });
    const d = sim.send(alertOpened());
    expect(d.rollouts[0]?.phase).toBe('failed');
    expect(d.state.halted?.rolloutId).toBe(`${TARGET_ID}@b1`);
  });
});

describe('decide(): a deploy whose revision is already the stable one', () => {
  it('succeeds at once: what was asked for already serves everyone; no traffic is moved', () => {
    const sim = new Sim();
    sim.build();
    const d = sim.answer(true, { revision: STABLE_REVISION, stableRevision: STABLE_REVISION });
    expect(d.outcome).toMatchObject({
      status: 'applied',
      message: /revision checkout-00001-old is already the stable revision/,
    });
    expect(d.rollouts).toMatchObject([{ phase: 'succeeded', ending: { reason: /already serves 100%/ } }]);
    expect(describeWork(d, sim.now)).toEqual([]);
    expect(d.state.stable).toMatchObject({ revision: STABLE_REVISION, rolloutId: `${TARGET_ID}@b1` });
  });

  it('the target’s stable revision is used when Cloud Run reports none', () => {
    const sim = new Sim();
    sim.build();
    const d = sim.answer(true, { revision: STABLE_REVISION, stableRevision: null });
    expect(d.rollouts[0]?.phase).toBe('succeeded');
  });
});
