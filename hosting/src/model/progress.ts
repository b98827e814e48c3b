/** A rollout's progress through its strategy's steps, and its live traffic weights. Pure. */
import type { Rollout } from '../../../functions/src/domain/rollout.js';
import { assertNever, isTerminal } from '../../../functions/src/domain/phase.js';

/** One step of the way to 100%. */
export interface StepView {
  readonly weight: number;
  readonly state: 'done' | 'current' | 'upcoming';
}

/**
 * The steps: each canary weight, then 100% (promotion). Steps before the rollout's current one are done, its current
 * one is current while it runs (or where it stopped), a promoted or succeeded rollout has done them all.
 */
export function stepsOf(r: Pick<Rollout, 'policy' | 'step' | 'phase' | 'promotedAt'>): StepView[] {
  const strategy = r.policy.strategy;
  let weights: number[];
  switch (strategy.kind) {
    case 'canary':
      weights = [...strategy.steps.map((s) => s.weight).filter((w) => w < 100), 100];
      break;
    case 'blueGreen':
    case 'immediate':
      weights = [100];
      break;
    default:
      return assertNever(strategy, 'strategy');
  }
  const promoted = r.phase === 'promoted' || r.phase === 'succeeded' || r.promotedAt !== null;
  const last = weights.length - 1;
  const current = promoted ? last : r.step;
  return weights.map((weight, i) => ({
    weight,
    state: promoted || i < current ? 'done' : i === current && !isWaitingToStart(r) ? 'current' : 'upcoming',
  }));
}

function isWaitingToStart(r: Pick<Rollout, 'step'>): boolean {
  return r.step < 0;
}

/** `step 2 of 3 (50%)`, `promoted`, `before the first step`. */
export function progressLabel(r: Pick<Rollout, 'policy' | 'step' | 'phase' | 'promotedAt'>): string {
  const steps = stepsOf(r);
  const done = steps.filter((s) => s.state === 'done').length;
  if (done === steps.length) return `all ${steps.length} step${steps.length === 1 ? '' : 's'} done (100%)`;
  const current = steps.findIndex((s) => s.state === 'current');
  if (current < 0) return `before the first step (${steps.length} to go)`;
  return `step ${current + 1} of ${steps.length} (${steps[current]!.weight}%)`;
}

/** Where traffic is: the candidate's confirmed share, the stable revision's, and a change asked for and unconfirmed. */
export interface Weights {
  readonly candidate: number;
  readonly stable: number;
  readonly pending: number | null;
}

/**
 * The live weights of a rollout. A finished one serves nothing on its candidate unless it succeeded, except a failed one:
 * its rollback was not applied, so the last confirmed split is what serves.
 */
export function liveWeights(r: Pick<Rollout, 'traffic' | 'phase'>): Weights {
  const finished = isTerminal(r.phase) && r.phase !== 'failed';
  const candidate = r.phase === 'succeeded' ? 100 : finished ? 0 : r.traffic.candidatePercent;
  const pending = isTerminal(r.phase) ? null : (r.traffic.pending?.candidatePercent ?? null);
  return { candidate, stable: 100 - candidate, pending };
}
