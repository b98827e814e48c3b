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
  if (halted && active) fail(`halted by ${halted.rolloutId} yet ${active.id} is active`);
};

/**
 * A rollout that may have had user traffic (it asked for some and Cloud Run did not refuse it) and ends rolled_back,
 * rejected or superseded ended because Cloud Run confirmed 100% on its stable revision; `rolled_back` always ends that way
 * and only after traffic was asked for; `failed` happens only when the rollback could not be applied (or there was
 * nothing to return to).
 */
const rollbacksReturnToStable: Check = ({ decision, event, answered }, { traffic, failedTraffic }) => {
  for (const r of decision.rollouts) {
    const mine = (traffic.get(r.id) ?? []).filter((e) => e.purpose !== 'rollback');
    if (r.phase === 'rolled_back' && mine.length === 0) fail(`${r.id} rolled back without traffic asked`);
    const mayHaveHadTraffic = mine.some((e) => !failedTraffic.has(e.id));
    if (r.phase === 'rolled_back' || ((r.phase === 'rejected' || r.phase === 'superseded') && mayHaveHadTraffic)) {
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
        event.type === 'traffic.failed' && answered?.type === 'cloudRun.setTraffic' && answered.purpose === 'rollback';
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

/** In Cloud Run's real split, a candidate that was stopped (not promoted) has no traffic left when its rollout ends. */
const stoppedCandidatesServeNoOne: Check = ({ decision }, { world }) => {
  for (const r of decision.rollouts) {
    if (!isStopped(r) || !r.candidate) continue;
    const share = world.find((s) => s.revision === r.candidate?.revision)?.percent ?? 0;
    if (share > 0) fail(`${r.id} ended ${r.phase} while Cloud Run sends ${share}% to its candidate`);
  }
};

function isStopped(r: Rollout): boolean {
  return r.phase === 'aborted' || r.phase === 'rolled_back' || r.phase === 'rejected' || r.phase === 'superseded';
}

// ─── Properties ──────────────────────────────────────────────────────────────────────────────────────────────────────

function property(checks: readonly Check[]) {
  return fc.property(scenarioArb(MAX_STEPS), (scenario) => runScenario(scenario, checks, sameDecision));
}

describe('decide(): properties over random event sequences', () => {
  it(
    'keeps its invariants: splits, final rollouts, rollbacks to stable, stale results, one active, versions, ids, purity',
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
      ];
      fc.assert(property(checks), { seed: SEED, numRuns: NUM_RUNS });
    },
    LIMIT_MS,
  );

  it(
    'never leaves user traffic on a stopped candidate (Cloud Run modelled as the last applied split)',
    () => {
      // The path that matters most here (a promotion while a step's traffic is unconfirmed, then that step's late
      // confirmation, then a failed promotion) is rare: with 300 runs this seed never reaches it, hence the budget.
      fc.assert(property([stoppedCandidatesServeNoOne]), { seed: SEED, numRuns: NUM_RUNS * 4 });
    },
    LIMIT_MS,
  );
});
