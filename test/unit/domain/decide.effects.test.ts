/**
 * decide(), the effects themselves: deterministic, unique ids; announcements (events.publish on every phase or step
 * change, notify on every phase or step change, severities, wording); determinism and purity.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../../functions/src/domain/decide.js';
import type { Decision } from '../../../functions/src/domain/decision.js';
import type { Notify, PublishEvent } from '../../../functions/src/domain/effects.js';
import {
  ACTORS,
  FAILING,
  TARGET_ID,
  announcementProblems,
  buildFailed,
  buildInfo,
  canaryPolicy,
  deepFreeze,
  driveTo,
  Sim,
} from '../../support/domain-fixtures.js';
import { rollingBack } from './table.js';

const notes = (d: Decision): Notify[] => d.effects.filter((e): e is Notify => e.type === 'notify');
const publishes = (d: Decision): PublishEvent[] =>
  d.effects.filter((e): e is PublishEvent => e.type === 'events.publish');

/** A full run: b1 succeeds with b2 queued behind it, b2 is rolled back, a build fails. */
function fullRun(): Sim {
  const sim = driveTo('progressing:baking');
  sim.build();
  sim.runToEnd();
  sim.answer(); // b2 deployed
  sim.answer(); // smoke passed
  sim.command('rollback', ACTORS.deployer, 'not today');
  sim.answer();
  sim.send(buildFailed(buildInfo('f1')));
  return sim;
}

describe('decide(): effect ids', () => {
  it('are `${targetId}:${version}:${n}`: the new version, numbered in order from 0', () => {
    const sim = fullRun();
    for (const d of sim.decisions) {
      expect(d.effects.map((e) => e.id)).toEqual(d.effects.map((_, n) => `${TARGET_ID}:${d.state.version}:${n}`));
      for (const e of d.effects) expect(e.targetId).toBe(TARGET_ID);
    }
  });

  it('never repeat across a run', () => {
    const ids = fullRun().decisions.flatMap((d) => d.effects.map((e) => e.id));
    expect(ids.length).toBeGreaterThan(30);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are the same for the same input', () => {
    const sim = driveTo('progressing:analysing');
    const event = sim.answerEvent(true, { metrics: FAILING });
    const state = deepFreeze(sim.state);
    const first = decide(state, deepFreeze(event), sim.now + 1, sim.policy);
    const second = decide(state, event, sim.now + 1, sim.policy);
    expect(second).toEqual(first);
    expect(first.effects[0]?.id).toBe(`${TARGET_ID}:${state.version + 1}:0`);
  });

  it('timer ids are the ids of the timer.schedule effects that asked for them', () => {
    const sim = driveTo('progressing:baking');
    const timer = sim.decisions.at(-1)!.effects[0]!;
    expect(sim.active.waitingFor).toEqual({ kind: 'timer', timerId: timer.id, purpose: 'bake' });
  });
});

describe('decide(): announcements', () => {
  it('every decision of a full run announces exactly the phase and step changes', () => {
    const sim = fullRun();
    let before = new Sim().state;
    for (const d of sim.decisions) {
      expect(announcementProblems(before, d)).toEqual([]);
      before = d.state;
    }
  });

  it('a phase change: runway.rollout.<phase> with the rollout summary, and a notification', () => {
    const sim = driveTo('progressing:traffic');
    const d = sim.decisions.at(-1)!;
    expect(publishes(d)).toEqual([
      expect.objectContaining({
        rolloutId: `${TARGET_ID}@b1`,
        eventType: 'runway.rollout.progressing',
        at: sim.now,
        data: {
          rolloutId: `${TARGET_ID}@b1`,
          targetId: TARGET_ID,
          kind: 'release',
          phase: 'progressing',
          step: 0,
          candidatePercent: 0,
          candidateRevision: 'checkout-b1',
          stableRevision: 'checkout-00001-old',
          image: buildInfo('b1').image,
          commitSha: buildInfo('b1').commitSha,
          buildId: 'b1',
          ending: null,
          stop: null,
        },
      }),
    ]);
    expect(notes(d)).toEqual([
      expect.objectContaining({
        topic: 'progressing',
        severity: 'info',
        text: expect.stringMatching(/^checkout.production: [0-9a-f]{7} is progressing/),
      }),
    ]);
  });

  it('a step change alone is published and notified (the Slack message shows the new weight)', () => {
    const sim = driveTo('progressing:analysing');
    const d = sim.answer();
    expect(publishes(d).map((e) => [e.eventType, e.data.step])).toEqual([['runway.rollout.progressing', 1]]);
    expect(notes(d).map((e) => [e.topic, e.severity])).toEqual([['progressing', 'info']]);
  });

  it('no phase or step change: no announcement', () => {
    const sim = driveTo('progressing:baking');
    const d = sim.answer(); // bake elapsed: analysing, same phase and step
    expect(publishes(d)).toEqual([]);
    expect(notes(d)).toEqual([]);
  });

  it('two rollouts changing in one decision are both announced', () => {
    const sim = driveTo('promoted:guard');
    sim.build();
    const d = sim.answer();
    expect(publishes(d).map((e) => e.eventType)).toEqual(['runway.rollout.succeeded', 'runway.rollout.deploying']);
  });

  it.each<[string, () => Decision, string, RegExp]>([
    ['succeeded', () => driveTo('promoted:guard').answer(), 'info', /succeeded \(promoted; guard window passed\)$/],
    [
      'rolling back',
      () => rollingBack().decisions.at(-1)!,
      'warning',
      /is rolling back \(analysis failed: error rate 10%/,
    ],
    ['rolled back', () => rollingBack().answer(), 'warning', /was rolled back \(analysis failed/],
    [
      'failed',
      () => rollingBack().answer(false),
      'urgent',
      /FAILED: traffic could not be returned to the stable revision/,
    ],
    ['rejected', () => rejected(), 'warning', /was rejected \(freeze \(by alex/],
    [
      'aborted by a failed deploy',
      () => driveTo('deploying').answer(false),
      'warning',
      /was stopped before any user traffic \(deploy failed/,
    ],
    ['aborted by a person', () => stoppedByPerson(), 'info', /was stopped before any user traffic \(wrong build/],
    ['superseded', () => superseded(), 'info', /was superseded by a newer build/],
    ['paused by the judge', () => heldByJudge(), 'info', /is paused \(analysis inconclusive/],
  ])('%s: severity %s', (_, decision, severity, text) => {
    const d = decision();
    const note = notes(d).at(0);
    expect(note?.severity).toBe(severity);
    expect(note?.text).toMatch(text);
  });
});

function rejected(): Decision {
  const sim = driveTo('approval:beforeFirstTraffic', {
    policy: canaryPolicy({ approval: { required: true, stage: 'beforeFirstTraffic' } }),
  });
  return sim.command('reject', ACTORS.approver, 'freeze');
}

function stoppedByPerson(): Decision {
  return driveTo('verifying').command('abort', ACTORS.deployer, 'wrong build');
}

function superseded(): Decision {
  const sim = driveTo('deploying');
  sim.build();
  const d = sim.build();
  return { ...d, effects: d.effects.filter((e) => e.rolloutId === `${TARGET_ID}@b2`) };
}

function heldByJudge(): Decision {
  const sim = driveTo('progressing:analysing', {
    policy: canaryPolicy({ analysis: { inconclusive: { maxExtensions: 0 } } }),
  });
  return sim.answer(true, { metrics: { ...FAILING, candidate: { requests: 1, errors: 0, p99LatencyMs: 10 } } });
}
