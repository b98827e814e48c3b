/**
 * The phases of a rollout: a closed union. Every `switch` over a phase ends in {@link assertNever}, so adding a phase is a
 * compile error everywhere it must be handled.
 *
 * ```
 * queued → deploying → verifying → [awaiting_approval] → progressing(step i) … → promoted (guard window) → succeeded
 *          any active phase ─► rolling_back ─► rolled_back | rejected | superseded        (traffic returned to stable)
 *          before any user traffic ─► aborted | rejected | superseded                     (nothing to undo)
 *          rolling_back ─► failed                                                         (a person must act)
 * ```
 */

/** Phases in which a rollout is still moving. */
export const ACTIVE_PHASES = [
  /** Waiting for the target's active rollout to finish. Holds no revision yet. */
  'queued',
  /** The candidate revision is being created with 0% traffic and its own tag URL. */
  'deploying',
  /** Smoke checks run against the candidate's tag URL; still 0% user traffic. */
  'verifying',
  /** A person must approve, before the first traffic or before promotion (per policy). Traffic is held where it is. */
  'awaiting_approval',
  /** Canary step `step` is live: traffic is being applied, then baked, then judged. */
  'progressing',
  /** Held by a person or by an inconclusive analysis: traffic stays where it is until resumed, promoted or rolled back. */
  'paused',
  /** 100% on the candidate; the guard window runs, during which an alert still rolls back to the previous revision. */
  'promoted',
  /** Traffic is being returned to 100% on the stable revision. */
  'rolling_back',
] as const;

/** Phases a rollout never leaves. */
export const TERMINAL_PHASES = [
  /** Promoted and the guard window passed: the candidate is the new stable revision. */
  'succeeded',
  /** The candidate had user traffic and it was returned to the stable revision (analysis, alert, person, failure). */
  'rolled_back',
  /** Stopped before the candidate got any user traffic (deploy or smoke check failed, stopped by a person); nothing to undo. */
  'aborted',
  /** An approver said no, or nobody approved in time; stable serves 100%. */
  'rejected',
  /** A newer build took its place; stable serves 100%. */
  'superseded',
  /** Traffic could not be returned to the stable revision. A person must check the service. */
  'failed',
] as const;

export type ActivePhase = (typeof ACTIVE_PHASES)[number];
export type TerminalPhase = (typeof TERMINAL_PHASES)[number];
export type Phase = ActivePhase | TerminalPhase;

const TERMINAL: ReadonlySet<Phase> = new Set(TERMINAL_PHASES);

/** True once a rollout can never change again. */
export function isTerminal(phase: Phase): phase is TerminalPhase {
  return TERMINAL.has(phase);
}

/** For the `default` branch of an exhaustive switch: a compile error if a case is missing. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
