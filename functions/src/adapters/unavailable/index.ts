/**
 * Stand-ins for the production adapters this version of Runway does not have yet: Cloud Run, smoke checks and metrics
 * (issue 3), Slack and email (issue 5), Pub/Sub events (issue 4).
 *
 * They are honest rather than pretending: Cloud Run answers every deploy with a permanent failure that says why, so a
 * rollout ends at once as `aborted` with that reason instead of waiting forever; smoke and metrics say the same should they
 * ever be asked. Notifications and published events are written as structured log lines instead: a legitimate no-op,
 * since both are best effort and never hold up a rollout.
 */
import type {
  DeployCandidate,
  Notify,
  PublishEvent,
  RunAnalysis,
  RunSmokeChecks,
  SetTraffic,
} from '../../domain/effects.js';
import type { AnalysisMetrics } from '../../domain/judge.js';
import type {
  CloudRunPort,
  DeployResult,
  EventPublisherPort,
  MetricsPort,
  NotifierPort,
  SmokeOutcome,
  SmokePort,
  TrafficResult,
} from '../../engine/ports.js';
import { eventLoggedNotPublished, notificationLogged } from '../../logs.js';

export const CLOUD_RUN_UNAVAILABLE = 'Cloud Run deployment is not available in this version of Runway';
export const SMOKE_UNAVAILABLE = 'smoke checks are not available in this version of Runway';
export const METRICS_UNAVAILABLE = 'metric analysis is not available in this version of Runway';

/** Refuses every deploy and traffic change, permanently. */
export const unavailableCloudRun: CloudRunPort = {
  deployCandidate: (_effect: DeployCandidate): Promise<DeployResult> =>
    Promise.resolve({ ok: false, reason: CLOUD_RUN_UNAVAILABLE }),
  setTraffic: (_effect: SetTraffic): Promise<TrafficResult> =>
    Promise.resolve({ ok: false, reason: CLOUD_RUN_UNAVAILABLE }),
};

/** Fails every smoke run, permanently (unreachable in practice: no candidate is ever deployed). */
export const unavailableSmoke: SmokePort = {
  run: (_effect: RunSmokeChecks): Promise<SmokeOutcome> =>
    Promise.resolve({ passed: false, results: [], reason: SMOKE_UNAVAILABLE }),
};

/**
 * Metrics have no failure result in the domain: refusing means throwing, which the runner retries. Unreachable in
 * practice (no candidate is ever deployed); if it were reached, a person can still roll the rollout back.
 */
export const unavailableMetrics: MetricsPort = {
  measure: (_effect: RunAnalysis): Promise<AnalysisMetrics> => Promise.reject(new Error(METRICS_UNAVAILABLE)),
};

/** Writes each notification as a log line. */
export const logNotifier: NotifierPort = {
  notify: (effect: Notify): Promise<void> => {
    notificationLogged(effect);
    return Promise.resolve();
  },
};

/** Writes each event as a log line. */
export const logPublisher: EventPublisherPort = {
  publish: (effect: PublishEvent): Promise<void> => {
    eventLoggedNotPublished(effect);
    return Promise.resolve();
  },
};
