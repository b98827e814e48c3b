/**
 * decide(), when someone changes the traffic split by hand during a rollout. Each traffic change carries the splits Runway
 * may have left the service in (`expected`, from expectedSplits()); Cloud Run's adapter answers `traffic.conflict` when the
 * live split is none of them. Then the rollout pauses with the reason, leaves the person's split live, remembers it
 * (`splitChangedByHand`) and takes the candidate's share from it; the next change a person asks for (resume, promote)
 * overrides it, and Runway's own split being confirmed again clears the mark. A rollback always overrides.
 */
import { describe, expect, it } from 'vitest';
import { expectedSplits } from '../../../functions/src/domain/flow.js';
import type { Effect, ExpectedSplit, SetTraffic, TrafficSplit } from '../../../functions/src/domain/effects.js';
import { isTerminal } from '../../../functions/src/domain/phase.js';
import type { ActiveRollout } from '../../../functions/src/domain/rollout.js';
import {
  ACTORS,
  STABLE_REVISION,
  alertOpened,
  TARGET_ID,
  canaryPolicy,
  describeWork,
  driveTo,
  resultOf,
  trafficConflictOf,
  workEffects,
  type Sim,
} from '../../support/domain-fixtures.js';
import {
  GATE_PROMOTION,
  PROMOTE,
  ROLLBACK,
  STEP_0,
  STEP_1,
  again,
  at,
  forged,
  pausedAt,
  rollingBack,
  runRow,
  type Row,
} from './table.js';

/** The splits a traffic change expects, unwrapped. */
function splitsOf(expected: readonly ExpectedSplit[] | null): readonly TrafficSplit[] | null {
  return expected === null ? null : expected.map((e) => e.split);
}

const B1 = `${TARGET_ID}@b1`;
const CANDIDATE = 'checkout-b1';

/** The awaited traffic change answered with a conflict: the live split is `split` (`candidate`/`stable` by name). */
const conflictWith = (split: TrafficSplit) => (sim: Sim) => trafficConflictOf(sim.awaited(), sim.named(split));

/** Someone moved the candidate to 20% by hand. */
const TWENTY: TrafficSplit = [
  { revision: 'candidate', percent: 20 },
  { revision: 'stable', percent: 80 },
];
/** Someone rolled back by hand. */
const ALL_STABLE: TrafficSplit = [{ revision: 'stable', percent: 100 }];

function setTrafficIn(effects: readonly Effect[]): SetTraffic {
  const found = effects.find((e): e is SetTraffic => e.type === 'cloudRun.setTraffic');
  if (!found) throw new Error('no traffic change asked for');
  return found;
}

const handMark = (sim: Sim) => sim.rollout(B1).splitChangedByHand;

// ─── expected splits ─────────────────────────────────────────────────────────────────────────────────────────────────

describe('expectedSplits(): the splits Runway may have left the service in', () => {
  const base = (): ActiveRollout => driveTo('progressing:baking').active;
  const split = (percent: number): TrafficSplit =>
    percent === 0
      ? [{ revision: STABLE_REVISION, percent: 100 }]
      : percent === 100
        ? [{ revision: CANDIDATE, percent: 100 }]
        : [
            { revision: CANDIDATE, percent },
            { revision: STABLE_REVISION, percent: 100 - percent },
          ];

  it.each<[string, Partial<ActiveRollout>, number[] | null]>([
    ['the confirmed split alone', { traffic: { candidatePercent: 10, pending: null, earlier: [] } }, [10]],
    [
      'the confirmed one, then every unconfirmed one (earlier ones, then the pending one)',
      {
        traffic: {
          candidatePercent: 0,
          pending: { effectId: 'p', candidatePercent: 100 },
          earlier: [
            { effectId: 'a', candidatePercent: 10 },
            { effectId: 'b', candidatePercent: 50 },
          ],
        },
      },
      [0, 10, 50, 100],
    ],
    [
      'each split once',
      {
        traffic: {
          candidatePercent: 10,
          pending: { effectId: 'p', candidatePercent: 10 },
          earlier: [{ effectId: 'a', candidatePercent: 10 }],
        },
      },
      [10],
    ],
    ['nothing confirmed yet: 100% on stable', { traffic: { candidatePercent: 0, pending: null, earlier: [] } }, [0]],
    [
      'none once a person was told the split was changed by hand: the next change overrides it',
      { splitChangedByHand: { actual: [{ revision: 'x', percent: 100 }], at: 0 } },
      null,
    ],
  ])('%s', (_name, patch, percents) => {
    const expected = splitsOf(expectedSplits({ ...base(), ...patch }));
    expect(expected).toEqual(percents === null ? null : percents.map(split));
  });

  it('a first deploy (no stable revision) expects no traffic at all before its switch', () => {
    const sim = driveTo('promoted:traffic', { stable: null });
    expect(splitsOf(setTrafficIn(sim.decisions.at(-1)!.effects).expected)).toEqual([[]]);
  });
});

describe('decide(): traffic changes carry the splits they expect', () => {
  it.each<[string, () => Sim, readonly TrafficSplit[] | null]>([
    ['step 1 expects 100% on stable', at('progressing:traffic'), [[{ revision: STABLE_REVISION, percent: 100 }]]],
    [
      'step 2 expects step 1’s split',
      at('progressing:traffic', {}, 1),
      [
        [
          { revision: CANDIDATE, percent: 10 },
          { revision: STABLE_REVISION, percent: 90 },
        ],
      ],
    ],
    [
      'promotion expects the last step’s split',
      at('promoted:traffic'),
      [
        [
          { revision: CANDIDATE, percent: 50 },
          { revision: STABLE_REVISION, percent: 50 },
        ],
      ],
    ],
    ['a rollback expects nothing: it overrides whatever is live', rollingBack, null],
  ])('%s', (_name, given, expected) => {
    const sim = given();
    expect(splitsOf(setTrafficIn(sim.decisions.at(-1)!.effects).expected)).toEqual(expected);
  });

  it('a promotion while step 1 is unconfirmed expects either split', () => {
    const sim = driveTo('progressing:traffic');
    const d = sim.command('promote', ACTORS.deployer);
    expect(splitsOf(setTrafficIn(d.effects).expected)).toEqual([
      [{ revision: STABLE_REVISION, percent: 100 }],
      [
        { revision: CANDIDATE, percent: 10 },
        { revision: STABLE_REVISION, percent: 90 },
      ],
    ]);
  });
});

// ─── traffic.conflict, phase by phase ────────────────────────────────────────────────────────────────────────────────

const ROWS: Row[] = [
  {
    name: 'progressing (traffic) × conflict → paused, the person’s split left live and taken as the candidate’s share',
    given: at('progressing:traffic'),
    when: conflictWith(TWENTY),
    status: 'applied',
    message:
      /paused: traffic split changed outside Runway \(live: checkout-b1 20%, checkout-00001-old 80%\); left as it is\. Resume to apply the step over it, promote, or roll back\./,
    phase: 'paused',
    then: (d, sim) =>
      expect(d.state.active).toMatchObject({
        waitingFor: null,
        traffic: { candidatePercent: 20, pending: null, earlier: [] },
        splitChangedByHand: { actual: sim.named(TWENTY), at: sim.now },
        pause: { actor: { kind: 'system' }, reason: /^traffic split changed outside Runway/, at: sim.now },
      }),
  },
  {
    name: 'progressing (traffic) × conflict with a split that gives the candidate nothing → paused at 0%',
    given: at('progressing:traffic'),
    when: conflictWith([{ revision: 'checkout-00000-hotfix', percent: 100 }]),
    status: 'applied',
    message: /live: checkout-00000-hotfix 100%/,
    phase: 'paused',
    then: (d) => expect(d.state.active?.traffic).toEqual({ candidatePercent: 0, pending: null, earlier: [] }),
  },
  {
    name: 'progressing (traffic, step 2) × conflict → paused',
    given: at('progressing:traffic', {}, 1),
    when: conflictWith(ALL_STABLE),
    status: 'applied',
    message: /paused: traffic split changed outside Runway \(live: checkout-00001-old 100%\)/,
    phase: 'paused',
    then: (d) => expect(d.state.active).toMatchObject({ step: 1, traffic: { candidatePercent: 0 } }),
  },
  {
    name: 'paused (while traffic asked) × conflict → still paused, now with the conflict as the reason',
    given: pausedAt('progressing:traffic'),
    when: conflictWith(TWENTY),
    status: 'applied',
    message: /paused: traffic split changed outside Runway/,
    phase: 'paused',
    then: (d) =>
      expect(d.state.active?.pause).toMatchObject({ actor: { kind: 'system' }, reason: /changed outside Runway/ }),
  },
  {
    name: 'awaiting approval (step 1 still unconfirmed) × conflict for it → paused, the gate closed until resumed',
    given: () => {
      const policy = canaryPolicy({ strategy: { canary: { steps: [{ weight: 10 }] } }, approval: { required: true } });
      const sim = driveTo('progressing:traffic', { policy });
      sim.command('promote', ACTORS.deployer); // the gate opens while step 1's change is still the pending one
      return sim;
    },
    when: (sim) => trafficConflictOf(sim.lastEffect('cloudRun.setTraffic'), sim.named(TWENTY)),
    status: 'applied',
    message: /paused: traffic split changed outside Runway/,
    phase: 'paused',
    then: (d) =>
      expect(d.state.active).toMatchObject({ waitingFor: null, traffic: { candidatePercent: 20, pending: null } }),
  },
  {
    name: 'promoted (traffic) × conflict → paused before 100%',
    given: at('promoted:traffic'),
    when: conflictWith(ALL_STABLE),
    status: 'applied',
    message: /paused: traffic split changed outside Runway \(live: checkout-00001-old 100%\)/,
    phase: 'paused',
    then: (d) =>
      expect(d.state.active).toMatchObject({
        promotedAt: null,
        waitingFor: null,
        traffic: { candidatePercent: 0, pending: null },
      }),
  },
  {
    name: 'rolling back × conflict → failed and the target halted: a person must look',
    given: rollingBack,
    when: conflictWith(TWENTY),
    status: 'applied',
    message: /rollback FAILED/,
    phase: 'failed',
    then: (d) => {
      expect(d.rollouts[0]).toMatchObject({
        ending: { cause: 'analysis_failed', reason: /^rollback refused: the live split/ },
        splitChangedByHand: { actual: [{ percent: 20 }, { percent: 80 }] },
      });
      expect(d.state.halted).toMatchObject({ rolloutId: B1, reason: /^rollback refused/ });
    },
  },
  {
    name: 'progressing (baking) × a conflict for a change nobody asked for → ignored',
    given: at('progressing:baking'),
    when: forged('conflict'),
    status: 'ignored',
    message: /stale traffic conflict/,
    phase: 'progressing',
  },
  {
    name: 'paused by a conflict × the conflict again → ignored',
    given: () => {
      const sim = at('progressing:traffic')();
      sim.send(conflictWith(TWENTY)(sim));
      return sim;
    },
    when: again('traffic.conflict'),
    status: 'ignored',
    message: /stale traffic conflict/,
    phase: 'paused',
  },
  {
    name: 'progressing (baking) × a conflict for the change it already confirmed → ignored',
    given: at('progressing:baking'),
    when: (sim) => trafficConflictOf(sim.lastEffect('cloudRun.setTraffic'), sim.named(TWENTY)),
    status: 'ignored',
    message: /stale traffic conflict/,
    phase: 'progressing',
  },
];

describe('decide(): traffic.conflict in each phase', () => {
  it.each(ROWS)('$name', runRow);
});

describe('decide(): a conflict for an earlier change a newer one replaced', () => {
  it('is remembered (the person’s split, the candidate’s share) without pausing: the newer change is still awaited', () => {
    const sim = driveTo('progressing:traffic');
    const step = sim.awaited();
    sim.command('promote', ACTORS.deployer);
    const promotion = sim.awaited();
    const d = sim.send(trafficConflictOf(step, sim.named(TWENTY)));
    expect(d.outcome).toMatchObject({
      status: 'applied',
      message: /an earlier traffic change found a split changed by hand/,
    });
    expect(d.state.active).toMatchObject({
      phase: 'promoted',
      waitingFor: { kind: 'traffic', effectId: promotion.id },
      traffic: { candidatePercent: 20, pending: { effectId: promotion.id }, earlier: [] },
      splitChangedByHand: { actual: sim.named(TWENTY) },
    });
    expect(describeWork(d, sim.now)).toEqual([]);
  });
});

// ─── after a conflict ────────────────────────────────────────────────────────────────────────────────────────────────

/** Step `step`'s traffic met a split changed by hand to `live`: paused. */
function conflicted(live: TrafficSplit = TWENTY, step = 0, patch: Record<string, unknown> = {}): Sim {
  const sim = driveTo('progressing:traffic', { policy: canaryPolicy(patch), step });
  sim.conflict(live);
  expect(sim.active.phase).toBe('paused');
  return sim;
}

describe('decide(): resume after a conflict', () => {
  it('re-applies the step over the person’s split, then bakes it afresh once Cloud Run confirms', () => {
    const sim = conflicted();
    const resumed = sim.command('resume', ACTORS.deployer);
    expect(describeWork(resumed, sim.now)).toEqual(STEP_0);
    expect(setTrafficIn(resumed.effects)).toMatchObject({ purpose: 'step', expected: null });
    expect(resumed.state.active).toMatchObject({ phase: 'progressing', pause: null });
    expect(handMark(sim)).not.toBeNull(); // until Cloud Run confirms Runway's split

    const confirmed = sim.answer();
    expect(describeWork(confirmed, sim.now)).toEqual(['timer bake +240s']);
    expect(confirmed.state.active).toMatchObject({
      splitChangedByHand: null,
      stepStartedAt: sim.now,
      traffic: { candidatePercent: 10, pending: null },
    });
  });

  it('at step 2 re-applies step 2', () => {
    const sim = conflicted(ALL_STABLE, 1);
    const resumed = sim.command('resume', ACTORS.deployer);
    expect(describeWork(resumed, sim.now)).toEqual(STEP_1);
    expect(setTrafficIn(resumed.effects).expected).toBeNull();
  });

  it('the next traffic change after Runway’s split is confirmed again expects splits once more', () => {
    const sim = conflicted();
    sim.command('resume', ACTORS.deployer);
    sim.answer(); // step 1 confirmed: the mark is cleared
    sim.answer(); // baked
    const passed = sim.answer(); // analysed: step 2
    expect(splitsOf(setTrafficIn(passed.effects).expected)).toEqual([
      [
        { revision: CANDIDATE, percent: 10 },
        { revision: STABLE_REVISION, percent: 90 },
      ],
    ]);
  });

  it('a second conflict after resuming pauses again', () => {
    const sim = conflicted();
    sim.command('resume', ACTORS.deployer);
    const again = sim.conflict(ALL_STABLE);
    expect(again.state.active).toMatchObject({ phase: 'paused', traffic: { candidatePercent: 0 } });
  });

  it.each<[string, Record<string, unknown>]>([
    ['blue-green', { strategy: { blueGreen: {} } }],
    ['immediate', { strategy: { immediate: {} } }],
  ])('%s: the switch met a split changed by hand; resume goes on to the switch, over it', (_name, patch) => {
    const sim = driveTo('promoted:traffic', { policy: canaryPolicy(patch) });
    expect(sim.active.step).toBe(-1);
    sim.conflict(TWENTY);
    expect(sim.active).toMatchObject({ phase: 'paused', step: -1, traffic: { candidatePercent: 20 } });
    const resumed = sim.command('resume', ACTORS.deployer);
    expect(resumed.state.active?.phase).toBe('promoted');
    expect(describeWork(resumed, sim.now)).toEqual(PROMOTE);
    expect(setTrafficIn(resumed.effects).expected).toBeNull();
    const confirmed = sim.answer();
    expect(confirmed.state.active).toMatchObject({ splitChangedByHand: null, waitingFor: { purpose: 'guard' } });
  });

  it('blue-green approved before its switch is not asked again after the conflict', () => {
    const sim = driveTo('promoted:traffic', {
      policy: canaryPolicy({ strategy: { blueGreen: {} }, ...GATE_PROMOTION }),
    });
    expect(sim.active.approval?.decision?.approved).toBe(true);
    sim.conflict(ALL_STABLE);
    const resumed = sim.command('resume', ACTORS.deployer);
    expect(resumed.state.active?.phase).toBe('promoted');
    expect(describeWork(resumed, sim.now)).toEqual(PROMOTE);
  });
});

describe('decide(): other commands after a conflict', () => {
  it('promote overrides the person’s split', () => {
    const sim = conflicted();
    const d = sim.command('promote', ACTORS.deployer);
    expect(describeWork(d, sim.now)).toEqual(PROMOTE);
    expect(setTrafficIn(d.effects).expected).toBeNull();
  });

  it('promote still stops at the approval gate first', () => {
    const sim = conflicted(TWENTY, 0, GATE_PROMOTION);
    const d = sim.command('promote', ACTORS.deployer);
    expect(d.state.active?.phase).toBe('awaiting_approval');
    const approved = sim.command('approve', ACTORS.approver);
    expect(setTrafficIn(approved.effects)).toMatchObject({ purpose: 'promote', expected: null });
  });

  it('abort rolls back when the person’s split gives the candidate traffic (its share was taken from it)', () => {
    // Before the conflict Runway had confirmed 0% and asked for 10%; the conflict says 20% is live.
    const sim = conflicted(TWENTY);
    const d = sim.command('abort', ACTORS.deployer, 'someone is testing by hand');
    expect(d.state.active?.phase).toBe('rolling_back');
    expect(describeWork(d, sim.now)).toEqual(ROLLBACK);
    expect(setTrafficIn(d.effects).expected).toBeNull();
    const done = sim.answer();
    expect(done.rollouts[0]).toMatchObject({ phase: 'rolled_back', splitChangedByHand: null });
  });

  it('abort ends at once when the person’s split gives the candidate nothing', () => {
    const sim = conflicted(ALL_STABLE);
    const d = sim.command('abort', ACTORS.deployer, 'someone rolled back by hand');
    expect(d.rollouts[0]?.phase).toBe('aborted');
    expect(workEffects(d)).toEqual([]);
  });

  it('rollback at step 2 after a person returned everyone to stable: nothing left to undo, it ends at once', () => {
    // Runway had confirmed 10% at step 1; the conflict says 0% is live now, and that is what Runway goes by.
    const sim = conflicted(ALL_STABLE, 1);
    expect(sim.active.traffic).toEqual({ candidatePercent: 0, pending: null, earlier: [] });
    const d = sim.command('rollback', ACTORS.deployer, 'unclear state');
    expect(d.state.active).toBeNull();
    expect(isTerminal(d.rollouts[0]?.phase ?? 'paused')).toBe(true);
    expect(workEffects(d)).toEqual([]);
  });

  it('an alert rolls back over the person’s split', () => {
    const sim = conflicted(TWENTY);
    const d = sim.send(alertOpened());
    expect(describeWork(d, sim.now)).toEqual(ROLLBACK);
  });
});

describe('decide(): traffic.applied clears the mark of a split changed by hand', () => {
  it('also when it confirms a change nobody waits for any more (Runway’s own split is live again)', () => {
    // Step 1 asked (10%), a person promotes (100% asked), the promotion meets a split changed by hand: paused. Then the
    // earlier step-1 change is confirmed late.
    const sim = driveTo('progressing:traffic');
    const step = sim.awaited();
    sim.command('promote', ACTORS.deployer);
    sim.conflict(TWENTY);
    expect(handMark(sim)).not.toBeNull();
    const d = sim.send(resultOf(step, true));
    expect(d.outcome.status).toBe('applied');
    expect(d.state.active).toMatchObject({
      phase: 'paused',
      splitChangedByHand: null,
      traffic: { candidatePercent: 10 },
    });
  });
});
