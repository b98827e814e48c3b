/**
 * Property tests of decide() over random event sequences (random-run.ts). A fixed seed keeps CI reproducible; set
 * RUNWAY_FC_SEED / RUNWAY_FC_RUNS to explore. On failure fast-check prints the seed and the shrunk path, and the error
 * carries the trace of the run (event → outcome, step by step).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../functions/src/domain/decision.js';
import { isTerminal } from '../../../functions/src/domain/phase.js';
import type { Rollout } from '../../../functions/src/domain/rollout.js';
import { sameSplit, splitOf } from '../../../functions/src/domain/effects.js';
import { TARGET_ID, announcementProblems } from '../../support/domain-fixtures.js';
import { runScenario, scenarioArb, type Check } from './random-run.js';

const SEED = Number(process.env.RUNWAY_FC_SEED ?? 20_251_104);
const NUM_RUNS = Number(process.env.RUNWAY_FC_RUNS ?? 300);
const MAX_STEPS = 60;
/** A limit for slow machines, not a timing assertion. */
const LIMIT_MS = 120_000;

function fail(message: string): never {
  throw new Error(message);
}

const sameDecision = (again: Decision, first: Decision): void => {
  expect(again, 'decide() is deterministic').toEqual(first);
};

// ─── Checks ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Redelivered results and results for effects nobody asked for change nothing. */
const staleChangesNothing: Check = ({ origin, decision }) => {
  if (origin !== 'redelivery' && origin !== 'garbage') return;
  if (decision.outcome.status === 'applied') fail(`a ${origin} was applied: ${decision.outcome.message}`);
};

/** applied: the version goes up by one and the effects have fresh ids; otherwise the same state object and nothing else. */
const versionsAndIds: Check = ({ before, decision }, { effectIds }) => {
  if (decision.outcome.status !== 'applied') {
    if (decision.state !== before) fail(`${decision.outcome.status}, but the state object changed`);
    if (decision.effects.length > 0 || decision.rollouts.length > 0) fail(`${decision.outcome.status} with effects`);
    return;
  }
  if (decision.state.version !== before.version + 1) fail(`version ${before.version} → ${decision.state.version}`);
  decision.effects.forEach((effect, n) => {
    const want = `${TARGET_ID}:${decision.state.version}:${n}`;
    if (effect.id !== want) fail(`effect id ${effect.id}, want ${want}`);
    if (effectIds.has(effect.id)) fail(`effect id ${effect.id} was used before`);
  });
};

/** Every split sums to 100, with whole positive percentages and no revision twice. */
const splitsAreValid: Check = ({ decision }) => {
  for (const effect of decision.effects) {
    if (effect.type !== 'cloudRun.setTraffic') continue;
    const { split } = effect;
    const sum = split.reduce((total, entry) => total + entry.percent, 0);
    if (sum !== 100) fail(`split sums to ${sum}: ${JSON.stringify(split)}`);
    if (split.some((s) => !Number.isInteger(s.percent) || s.percent <= 0 || s.revision === '')) {
      fail(`bad split entry: ${JSON.stringify(split)}`);
    }
    if (new Set(split.map((s) => s.revision)).size !== split.length) fail(`revision twice: ${JSON.stringify(split)}`);
  }
};

/** A finished rollout never changes and never comes back. */
const terminalIsFinal: Check = ({ decision }, { finished }) => {
  for (const r of decision.rollouts) if (finished.has(r.id)) fail(`finished rollout ${r.id} changed (${r.phase})`);
  const inState = [decision.state.active, ...decision.state.queue].filter((r) => r !== null);
  for (const r of inState) {
    if (finished.has(r.id)) fail(`finished rollout ${r.id} is back in the target`);
    if (decision.rollouts.some((x) => x.id === r.id && isTerminal(x.phase))) fail(`${r.id} finished but still held`);
  }
  for (const r of decision.rollouts) {
    const held = inState.some((x) => x.id === r.id);
    if (isTerminal(r.phase) === held) fail(`${r.id} is ${r.phase} and ${held ? '' : 'not '}in the target`);
  }
};

/** One active rollout at most, in a moving phase; a queue of at most one queued rollout; a halted target runs nothing. */
const targetShape: Check = ({ decision }) => {
  const { active, queue, halted } = decision.state;
  if (active && (isTerminal(active.phase) || active.phase === 'queued')) fail(`active rollout is ${active.phase}`);
  if (queue.length > 1) fail(`${queue.length} rollouts queued`);
  if (queue.some((r) => r.phase !== 'queued')) fail(`queue holds a ${queue[0]?.phase} rollout`);
  if (active && queue.some((r) => r.id === active.id)) fail('the active rollout is also queued');
  // A halted target starts nothing on its own; a person's revert is the one thing that may run (and lifts the halt).
  if (halted && active && active.kind !== 'revert') fail(`halted by ${halted.rolloutId} yet ${active.id} is active`);
};

/**
 * A rollout that may have had user traffic (it asked for some and Cloud Run did not refuse it) and ends rolled_back,
 * rejected or superseded ended because Cloud Run confirmed 100% on its stable revision; `rolled_back` always ends that way
 * and only after traffic was asked for; `failed` happens only when the rollback could not be applied (or there was
 * nothing to return to). A rollout that was told of a split changed by hand goes by the live split it was told of
 * instead, so only the world check below applies to it.
 */
const rollbacksReturnToStable: Check = ({ decision, event, answered }, { traffic, failedTraffic, conflicted }) => {
  for (const r of decision.rollouts) {
    const mine = (traffic.get(r.id) ?? []).filter((e) => e.purpose !== 'rollback');
    // A revert's candidate is the revision that served everyone before it: it had traffic without asking for any.
    if (r.phase === 'rolled_back' && mine.length === 0 && r.kind !== 'revert') {
      fail(`${r.id} rolled back without traffic asked`);
    }
    const mayHaveHadTraffic = mine.some((e) => !failedTraffic.has(e.id));
    const toldOfHandChange = conflicted.has(r.id);
    if (
      r.phase === 'rolled_back' ||
      ((r.phase === 'rejected' || r.phase === 'superseded') && mayHaveHadTraffic && !toldOfHandChange)
    ) {
      const last = traffic.get(r.id)?.at(-1);
      const toStable = [{ revision: r.stableRevision, percent: 100 }];
      if (last?.purpose !== 'rollback' || JSON.stringify(last.split) !== JSON.stringify(toStable)) {
        fail(`${r.id} ended ${r.phase}; its last traffic change was ${JSON.stringify(last)}`);
      }
      if (event.type !== 'traffic.applied' || answered?.id !== last.id)
        fail(`${r.id} ended before its rollback applied`);
    }
    if (r.phase === 'failed' && decision.state.halted?.rolloutId !== r.id) fail(`${r.id} failed without halting`);
    if (r.phase === 'failed') {
      const rollbackFailed =
        (event.type === 'traffic.failed' || event.type === 'traffic.conflict') &&
        answered?.type === 'cloudRun.setTraffic' &&
        answered.purpose === 'rollback';
      if (!rollbackFailed && r.stableRevision !== null) fail(`${r.id} failed, but not for a failed rollback`);
    }
  }
};

/**
 * Only what a rollout waits for moves it: a first delivery of a result counts only if its rollout is active or queued and
 * waits for exactly that effect or timer; for traffic, the change must still be unconfirmed (the one last asked for, or an
 * earlier one it replaced, which Cloud Run may still have applied).
 */
const onlyAwaitedResultsCount: Check = ({ origin, answered, before, decision }) => {
  if (origin !== 'result' || answered === null || decision.outcome.status !== 'applied') return;
  const r = [before.active, ...before.queue].find((x) => x?.id === answered.rolloutId);
  if (!r) fail(`a result for ${answered.rolloutId}, which is not in the target, was applied`);
  const wait = r.waitingFor;
  const { pending, earlier } = r.traffic;
  const awaited =
    answered.type === 'cloudRun.setTraffic'
      ? pending?.effectId === answered.id || earlier.some((request) => request.effectId === answered.id)
      : wait !== null && (wait.kind === 'timer' ? wait.timerId : wait.effectId) === answered.id;
  if (!awaited) fail(`${answered.type} ${answered.id} was applied though ${r.id} waits for ${JSON.stringify(wait)}`);
};

const announcements: Check = ({ before, decision }) => {
  const problems = announcementProblems(before, decision);
  if (problems.length > 0) fail(problems.join('; '));
};

/**
 * In Cloud Run's real split, a candidate that was stopped (not promoted) has no traffic left when its rollout ends —
 * unless a person changed the split by hand and no traffic change has told Runway so yet (it cannot undo what it has not
 * been told of). A split changed by hand that Runway *was* told of counts: its rollout must undo it.
 */
const stoppedCandidatesServeNoOne: Check = ({ decision }, { world, handSplitUnseen }) => {
  if (handSplitUnseen) return;
  for (const r of decision.rollouts) {
    if (!isStopped(r) || !r.candidate) continue;
    const share = world.find((s) => s.revision === r.candidate?.revision)?.percent ?? 0;
    if (share > 0) fail(`${r.id} ended ${r.phase} while Cloud Run sends ${share}% to its candidate`);
  }
};

/**
 * A split changed by hand is left alone: a traffic.conflict asks for no traffic change. The rollout remembers the live
 * split and takes the candidate's share from it; if it was the change last asked for, the rollout pauses (a person
 * decides) or, while rolling back, fails and halts the target.
 */
const conflictsLeaveTheSplitAlone: Check = ({ event, decision, before }) => {
  if (event.type !== 'traffic.conflict' || decision.outcome.status !== 'applied') return;
  const traffic = decision.effects.filter((e) => e.type === 'cloudRun.setTraffic');
  if (traffic.length > 0) fail(`a conflict asked for traffic: ${JSON.stringify(traffic)}`);
  const was = [before.active, ...before.queue].find((r) => r?.id === event.rolloutId);
  const r = decision.rollouts.find((x) => x.id === event.rolloutId);
  if (!was || !r) return fail(`conflict applied to ${event.rolloutId}, which did not change`);
  const share = event.actual.find((s) => s.revision === was.candidate?.revision)?.percent ?? 0;
  if (r.traffic.candidatePercent !== share) fail(`candidate share ${r.traffic.candidatePercent}, live ${share}`);
  if (JSON.stringify(r.splitChangedByHand?.actual) !== JSON.stringify(event.actual)) fail('live split not remembered');
  if (was.traffic.pending?.effectId !== event.effectId) {
    if (r.phase !== was.phase) fail(`an earlier change's conflict moved ${was.phase} to ${r.phase}`);
    return;
  }
  const want = was.phase === 'rolling_back' ? 'failed' : 'paused';
  if (r.phase !== want) fail(`conflict in ${was.phase} left it ${r.phase}, want ${want}`);
  if (want === 'paused' && (r.waitingFor !== null || r.pause?.actor.kind !== 'system')) {
    fail(`paused by a conflict but waits for ${JSON.stringify(r.waitingFor)}, pause ${JSON.stringify(r.pause)}`);
  }
};

/**
 * Every traffic change says which splits it expects: a rollback none (it overrides); any other change none exactly when
 * its rollout was told of a split changed by hand, and otherwise at least the split Cloud Run last confirmed and every
 * one asked for and not yet confirmed.
 */
const expectedSplitsAreHonest: Check = ({ decision }) => {
  for (const effect of decision.effects) {
    if (effect.type !== 'cloudRun.setTraffic') continue;
    if (effect.purpose === 'rollback') {
      if (effect.expected !== null) fail(`a rollback expects ${JSON.stringify(effect.expected)}`);
      continue;
    }
    // The rollout as the decision left it: its revisions are known, and this change is its pending one.
    const r = decision.rollouts.find((x) => x.id === effect.rolloutId);
    if (!r || r.traffic.pending?.effectId !== effect.id)
      return fail(`${effect.id} is not its rollout's pending change`);
    if ((effect.expected === null) !== (r.splitChangedByHand !== null)) {
      fail(
        `expected ${JSON.stringify(effect.expected)} with splitChangedByHand ${JSON.stringify(r.splitChangedByHand)}`,
      );
    }
    if (effect.expected === null) continue;
    const percents = [r.traffic.candidatePercent, ...r.traffic.earlier.map((q) => q.candidatePercent)];
    for (const percent of percents) {
      const want = splitOf(r.stableRevision, r.candidate?.revision ?? null, percent);
      if (!effect.expected.some(({ split }) => sameSplit(split, want))) {
        fail(`${effect.id} does not expect ${JSON.stringify(want)}: ${JSON.stringify(effect.expected)}`);
      }
    }
  }
};

/** Once Cloud Run confirms one of Runway's own splits, the mark of a split changed by hand is gone. */
const appliedClearsTheMark: Check = ({ event, decision }) => {
  if (event.type !== 'traffic.applied' || decision.outcome.status !== 'applied') return;
  const r = decision.rollouts.find((x) => x.id === event.rolloutId);
  if (r && r.splitChangedByHand !== null) fail(`${r.id} still marks a split changed by hand after traffic.applied`);
};

function isStopped(r: Rollout): boolean {
  return r.phase === 'aborted' || r.phase === 'rolled_back' || r.phase === 'rejected' || r.phase === 'superseded';
}

/** Counts, into `seen`, the paths through a split changed by hand that the runs reach. */
function countConflicts(seen: {
  pausedByConflict: number;
  earlierConflict: number;
  resumedOver: number;
  undone: number;
}) {
  const check: Check = ({ event, decision, before }) => {
    if (decision.outcome.status !== 'applied' || !('rolloutId' in event)) return;
    const was = [before.active, ...before.queue].find((r) => r?.id === event.rolloutId);
    if (!was) return;
    if (event.type === 'traffic.conflict') {
      if (was.traffic.pending?.effectId === event.effectId) seen.pausedByConflict += 1;
      else seen.earlierConflict += 1;
    }
    if (was.splitChangedByHand === null) return;
    if (event.type === 'command.resume') seen.resumedOver += 1;
    const now = decision.rollouts.find((r) => r.id === was.id);
    if (was.traffic.candidatePercent > 0 && was.phase !== 'rolling_back' && now?.phase === 'rolling_back')
      seen.undone += 1;
  };
  return check;
}

/**
 * Everything decide() hands the engine can be stored in Firestore as it is: no array directly inside an array (Firestore
 * refuses those: "Cannot convert an array value in an array value"), no functions, no class instances.
 */
const storableInFirestore: Check = ({ decision }) => {
  const visit = (value: unknown, path: string, inArray: boolean): void => {
    if (Array.isArray(value)) {
      if (inArray) fail(`${path} is an array inside an array`);
      value.forEach((item, i) => visit(item, `${path}[${i}]`, true));
    } else if (typeof value === 'function') {
      fail(`${path} is a function`);
    } else if (value !== null && typeof value === 'object') {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) fail(`${path} is not a plain object`);
      for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`, false);
    }
  };
  decision.effects.forEach((effect) => visit(effect, effect.id, false));
  decision.rollouts.forEach((rollout) => visit(rollout, rollout.id, false));
  visit(decision.state, 'state', false);
};

// ─── Properties ──────────────────────────────────────────────────────────────────────────────────────────────────────

function property(checks: readonly Check[]) {
  return fc.property(scenarioArb(MAX_STEPS), (scenario) => runScenario(scenario, checks, sameDecision));
}

describe('decide(): properties over random event sequences', () => {
  it(
    'keeps its invariants: splits, final rollouts, rollbacks to stable, stale results, one active, versions, ids, purity, hand-changed splits, storable',
    () => {
      const checks = [
        staleChangesNothing,
        versionsAndIds,
        splitsAreValid,
        terminalIsFinal,
        targetShape,
        rollbacksReturnToStable,
        onlyAwaitedResultsCount,
        announcements,
        conflictsLeaveTheSplitAlone,
        expectedSplitsAreHonest,
        appliedClearsTheMark,
        storableInFirestore,
      ];
      fc.assert(property(checks), { seed: SEED, numRuns: NUM_RUNS });
    },
    LIMIT_MS,
  );

  it(
    'never leaves user traffic on a stopped candidate (Cloud Run modelled as the last applied split), hand-changed splits included',
    () => {
      // The path that matters most here (a promotion while a step's traffic is unconfirmed, then that step's late
      // confirmation, then a failed promotion) is rare: with 300 runs this seed never reaches it, hence the budget.
      const seen = { pausedByConflict: 0, earlierConflict: 0, resumedOver: 0, undone: 0 };
      fc.assert(property([stoppedCandidatesServeNoOne, countConflicts(seen)]), { seed: SEED, numRuns: NUM_RUNS * 4 });
      // Not invariants: a guard that the runs reach splits changed by hand at all, so the checks above mean something.
      expect(seen.pausedByConflict, 'conflicts that paused a rollout').toBeGreaterThan(0);
      expect(seen.earlierConflict, 'conflicts for a change a newer one replaced').toBeGreaterThan(0);
      expect(seen.resumedOver, 'resumes over a split changed by hand').toBeGreaterThan(0);
      expect(seen.undone, 'stops that had to undo a split changed by hand').toBeGreaterThan(0);
    },
    LIMIT_MS,
  );
});
