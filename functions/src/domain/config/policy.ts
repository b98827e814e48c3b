/**
 * The policy of one target as the rest of Runway sees it: runway.yaml's target with every default applied, durations in
 * milliseconds, the strategy as a tagged union, and the identity fields filled in.
 */
import type { AnalysisSpec, ApprovalSpec, CandidateSpec, MatchSpec, SmokeSpec, TargetSpec } from './schema.js';

/** `service.environment`, e.g. `checkout.production`. The id of the target's Firestore document too. */
export type TargetId = string;

/** One canary step: a weight held for a bake time, then judged. */
export interface CanaryStep {
  /** Percent of traffic on the candidate, 1–100. */
  readonly weight: number;
  /** Milliseconds. */
  readonly bakeMs: number;
}

/** How traffic moves to the candidate. */
export type StrategyPolicy =
  | { readonly kind: 'canary'; readonly steps: readonly CanaryStep[] }
  | { readonly kind: 'blueGreen' }
  | { readonly kind: 'immediate' };

/** Everything Runway needs to know to run rollouts of one target. Plain data: it is stored on each rollout as a snapshot. */
export interface TargetPolicy {
  readonly id: TargetId;
  /** The key under `targets:` (usually the service's name). */
  readonly serviceKey: string;
  readonly environment: string;
  readonly project: string;
  readonly region: string;
  /** Cloud Run service name. */
  readonly service: string;
  readonly strategy: StrategyPolicy;
  /** Whether Runway deploys the candidate or adopts the one the build deployed, and its revision tag. */
  readonly candidate: CandidateSpec;
  readonly smoke: SmokeSpec;
  readonly analysis: AnalysisSpec;
  /** `fourEyes` comes from the environment's `access` entry: the commit's author may not approve. */
  readonly approval: ApprovalSpec & { readonly fourEyes?: boolean };
  readonly rollback: {
    readonly alertPolicies: readonly string[];
    readonly guardWindowMs: number;
    readonly rollbackOnAlert: 'rollout' | 'always';
    readonly revertWithinMs: number;
  };
  readonly notifications: TargetSpec['notifications'];
  /** Undefined means the default rule: built in this project, `_SERVICE_NAME` (and `_DEPLOY_REGION` when set) name this target. */
  readonly match: MatchSpec | undefined;
  readonly onNewBuild: 'queue' | 'supersede';
}

/** The identity of a target: `service.environment`. */
export function targetIdOf(serviceKey: string, environment: string): TargetId {
  return `${serviceKey}.${environment}`;
}

/** Turns a validated target of runway.yaml into its policy. */
export function toTargetPolicy(
  serviceKey: string,
  environment: string,
  spec: TargetSpec,
  fourEyes = false,
): TargetPolicy {
  return {
    id: targetIdOf(serviceKey, environment),
    serviceKey,
    environment,
    project: spec.project,
    region: spec.region,
    service: spec.service ?? serviceKey,
    strategy: toStrategyPolicy(spec.strategy),
    candidate: spec.candidate,
    smoke: spec.smoke,
    analysis: spec.analysis,
    approval: fourEyes ? { ...spec.approval, fourEyes } : spec.approval,
    rollback: {
      alertPolicies: spec.rollback.alertPolicies,
      guardWindowMs: spec.rollback.guardWindow,
      rollbackOnAlert: spec.rollback.rollbackOnAlert,
      revertWithinMs: spec.rollback.revertWithin,
    },
    notifications: spec.notifications,
    match: spec.match,
    onNewBuild: spec.onNewBuild,
  };
}

function toStrategyPolicy(strategy: TargetSpec['strategy']): StrategyPolicy {
  if (strategy.canary) {
    return { kind: 'canary', steps: strategy.canary.steps.map((s) => ({ weight: s.weight, bakeMs: s.bake })) };
  }
  if (strategy.blueGreen) return { kind: 'blueGreen' };
  return { kind: 'immediate' };
}
