/**
 * The ports the engine and its effect runner need from the outside world. Each is a narrow interface; production adapters
 * live in `adapters/<system>/`, in-memory ones for tests in `adapters/memory/`.
 *
 * Error contract (DESIGN.md rule 6): a port **throws** for a transient failure (network, quota, 5xx) and the runner retries
 * it with backoff; a **permanent** failure (Cloud Run refused the image, a smoke check failed) is returned as a value and
 * becomes a domain event that the state machine handles.
 */
import type {
  DeployCandidate,
  Notify,
  PublishEvent,
  RunAnalysis,
  RunSmokeChecks,
  ScheduleTimer,
  SetTraffic,
  TrafficSplit,
} from '../domain/effects.js';
import type { AnalysisMetrics } from '../domain/judge.js';
import type { SmokeResult } from '../domain/rollout.js';

/** Where time comes from (DESIGN.md rule 8). Tests inject a fake. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** The answer to a deploy: the new revision with its tag URL and the revision that served 100% before, or why it failed. */
export type DeployResult =
  | {
      readonly ok: true;
      readonly revision: string;
      readonly url: string | null;
      readonly stableRevision: string | null;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * The answer to a traffic change: the split Cloud Run now serves; or that someone changed the split by hand (the live
 * split was none of the effect's `expected` ones), with what is live; or why it could not be applied.
 */
export type TrafficResult =
  | { readonly ok: true; readonly split: TrafficSplit }
  | { readonly ok: false; readonly conflict: true; readonly actual: TrafficSplit; readonly reason: string }
  | { readonly ok: false; readonly conflict?: false; readonly reason: string };

/** Cloud Run Admin API: create candidate revisions and move traffic. Both calls are idempotent by the effect's id. */
export interface CloudRunPort {
  deployCandidate(effect: DeployCandidate): Promise<DeployResult>;
  setTraffic(effect: SetTraffic): Promise<TrafficResult>;
}

/** The outcome of a run of smoke checks. */
export interface SmokeOutcome {
  readonly passed: boolean;
  readonly results: SmokeResult[];
  /** Why it failed, or a short summary when it passed. */
  readonly reason: string;
}

/** Runs the smoke checks against a candidate's tag URL. */
export interface SmokePort {
  run(effect: RunSmokeChecks): Promise<SmokeOutcome>;
}

/** Measures candidate and stable revisions over the effect's window (Cloud Monitoring). */
export interface MetricsPort {
  measure(effect: RunAnalysis): Promise<AnalysisMetrics>;
}

/** Delivers `timer.elapsed` for the effect's id at its `dueAt` (Cloud Tasks, or Firestore + the sweep). */
export interface TimerPort {
  schedule(effect: ScheduleTimer): Promise<void>;
}

/** Tells people (Slack, email). Best effort: must check the effect's id before sending so a retry does not repeat it. */
export interface NotifierPort {
  notify(effect: Notify): Promise<void>;
}

/** Publishes Runway's own events (the `runway-events` topic). */
export interface EventPublisherPort {
  publish(effect: PublishEvent): Promise<void>;
}

/** Every port the effect runner calls. */
export interface EffectPorts {
  readonly cloudRun: CloudRunPort;
  readonly smoke: SmokePort;
  readonly metrics: MetricsPort;
  readonly timers: TimerPort;
  readonly notifier: NotifierPort;
  readonly publisher: EventPublisherPort;
}
