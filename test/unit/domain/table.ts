/**
 * The shared machinery of the decide() tables: a row drives a rollout to a phase by answering the effects decide() asked
 * for, sends one event, and checks the outcome, the rollout's next phase, the work effects asked for (with their traffic
 * splits) and the announcements. Rows that change nothing must leave the state object identical and ask for nothing.
 */
import { expect } from 'vitest';
import type { Decision, OutcomeStatus } from '../../../functions/src/domain/decision.js';
import type { RunwayEvent } from '../../../functions/src/domain/events.js';
import type { AnalysisMetrics } from '../../../functions/src/domain/judge.js';
import type { Phase } from '../../../functions/src/domain/phase.js';
import {
  ACTORS,
  FAILING,
  THIN,
  alertOpened,
  announcementProblems,
  canaryPolicy,
  describeWork,
  driveTo,
  forgedResult,
  type Sim,
  type Stage,
} from '../../support/domain-fixtures.js';

export interface Row {
  readonly name: string;
  readonly given: () => Sim;
  /** The rollout whose phase is checked; default the active one. */
  readonly subject?: (sim: Sim) => string;
  readonly when: (sim: Sim) => RunwayEvent;
  readonly status: OutcomeStatus;
  readonly message: RegExp;
  readonly phase: Phase;
  /** {@link describeWork} of the decision; default none. */
  readonly work?: readonly string[];
  readonly then?: (decision: Decision, sim: Sim) => void;
}

/** Runs one row; see the module comment. */
export function runRow(row: Row): void {
  const sim = row.given();
  const subject = row.subject?.(sim) ?? sim.active.id;
  const before = sim.state;
  const event = row.when(sim);
  const timer = event.type === 'timer.elapsed' && sim.hasEffect(event.timerId) ? sim.effect(event.timerId) : null;
  const decision = sim.send(event, timer ? sim.dueAt(timer) : undefined);

  expect(decision.outcome.status).toBe(row.status);
  expect(decision.outcome.message).toMatch(row.message);
  expect(sim.rollout(subject).phase).toBe(row.phase);
  expect(describeWork(decision, sim.now)).toEqual(row.work ?? []);
  if (row.status === 'applied') {
    expect(decision.state.version).toBe(before.version + 1);
    expect(announcementProblems(before, decision)).toEqual([]);
  } else {
    expect(decision.state).toBe(before);
    expect(decision.effects).toEqual([]);
    expect(decision.rollouts).toEqual([]);
  }
  row.then?.(decision, sim);
}

// ─── Givens ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** A rollout at `stage` (canary step `step`) under {@link canaryPolicy}(`patch`). */
export const at =
  (stage: Stage, patch: Record<string, unknown> = {}, step = 0) =>
  (): Sim =>
    driveTo(stage, { policy: canaryPolicy(patch), step });

export const GATE_FIRST = { approval: { required: true, stage: 'beforeFirstTraffic', timeout: '1h' } };
export const GATE_FIRST_PROCEED = {
  approval: { required: true, stage: 'beforeFirstTraffic', timeout: '1h', onTimeout: 'proceed' },
};
export const GATE_PROMOTION = { approval: { required: true, stage: 'beforePromotion', timeout: '1h' } };
export const GATE_PROMOTION_PROCEED = { approval: { required: true, timeout: '1h', onTimeout: 'proceed' } };

/** Paused by a person at `stage`. */
export const pausedAt = (stage: Stage) => (): Sim => {
  const sim = at(stage)();
  sim.command('pause', ACTORS.deployer, 'looking at dashboards');
  return sim;
};

/** Step 1's analysis came back inconclusive once: the one allowed extension is used, and it is analysing again. */
export const extendedOnce =
  (patch: Record<string, unknown> = {}) =>
  (): Sim => {
    const sim = at('progressing:analysing', patch)();
    sim.answer(true, { metrics: THIN }); // inconclusive: bake extended
    sim.answer(); // the extended bake elapses: analysing again
    return sim;
  };

/** Held by the judge: inconclusive past the last extension. */
export const held = (): Sim => {
  const sim = extendedOnce()();
  sim.answer(true, { metrics: THIN });
  return sim;
};

/** Step 1's analysis failed: traffic is on its way back to stable. */
export const rollingBack = (): Sim => {
  const sim = at('progressing:analysing')();
  sim.answer(true, { metrics: FAILING });
  return sim;
};

/** b1 deploying, b2 queued behind it. */
export const queued = (): Sim => {
  const sim = at('deploying')();
  sim.build();
  return sim;
};

/** b1 succeeded. */
export const finished = (): Sim => {
  const sim = at('promoted:guard')();
  sim.answer();
  return sim;
};

// ─── Events ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** The success of what the active rollout waits for. */
export const ok = (sim: Sim): RunwayEvent => sim.answerEvent(true);
/** The failure of what the active rollout waits for. */
export const fails = (sim: Sim): RunwayEvent => sim.answerEvent(false, { reason: 'quota exceeded' });
export const analysis =
  (metrics: AnalysisMetrics) =>
  (sim: Sim): RunwayEvent =>
    sim.answerEvent(true, { metrics });
/** A result for the active rollout answering an effect nobody asked for. */
export const forged =
  (type: Parameters<typeof forgedResult>[0], okResult = true) =>
  (sim: Sim): RunwayEvent =>
    forgedResult(type, sim.active.id, okResult);
/** The last event of `type`, delivered again. */
export const again =
  (type: RunwayEvent['type']) =>
  (sim: Sim): RunwayEvent =>
    sim.lastSent(type);
export const alert = (): RunwayEvent => alertOpened();

export const ROLLBACK = ['traffic rollback stable=100'];
export const STEP_0 = ['traffic step candidate=10 stable=90'];
export const STEP_1 = ['traffic step candidate=50 stable=50'];
export const PROMOTE = ['traffic promote candidate=100'];
/** The default `analysis.metricsDelay` (3m), which {@link canaryPolicy} keeps. */
export const METRICS_DELAY_MS = 180_000;
/** Step 1's first bake timer under {@link canaryPolicy}: its 1m bake plus the 3m metrics delay. */
export const BAKE_0 = 'timer bake +240s';
