/** What decide() returns. */
import type { Effect } from './effects.js';
import type { Rollout, TargetState } from './rollout.js';

/**
 * How an event was taken:
 * - `applied`: the state changed (the version went up);
 * - `ignored`: nothing to do, and nothing wrong (a stale result, a closed alert, a build for a rollout already running);
 * - `refused`: a command or event that makes no sense now, or that the actor may not give; `message` says why.
 */
export type OutcomeStatus = 'applied' | 'ignored' | 'refused';

export interface Outcome {
  readonly status: OutcomeStatus;
  /** One sentence for the audit log and for the person who gave the command. */
  readonly message: string;
}

export interface Decision {
  /** The new state; the same object as the input when nothing changed. */
  readonly state: TargetState;
  /** To run after the state is saved, in order. */
  readonly effects: readonly Effect[];
  readonly outcome: Outcome;
  /** Every rollout this decision created, changed or finished, as it is now (finished ones have left `state`). */
  readonly rollouts: readonly Rollout[];
}
