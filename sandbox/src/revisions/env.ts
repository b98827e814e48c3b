/**
 * The environment of a revision process: Cloud Run's own variables, and the image's behaviour profile for the demo app
 * (sandbox/app/hello.mjs documents each variable). Nothing of the host's environment leaks in, as on Cloud Run.
 */
import type { BehaviourProfile } from '../images.js';
import type { RevisionSpec } from '../types.js';

/** The variables the demo app of `spec` starts with, listening on `port`. */
export function revisionEnv(spec: RevisionSpec, profile: BehaviourProfile, port: number): Record<string, string> {
  return {
    PORT: String(port),
    K_SERVICE: spec.service,
    K_REVISION: spec.revision,
    K_CONFIGURATION: spec.service,
    DEMO_IMAGE: spec.image,
    DEMO_ERROR_RATE: String(profile.errorRate),
    DEMO_BASE_MS: String(profile.latency.baseMs),
    DEMO_TAIL_MS: String(profile.latency.tailMs),
    DEMO_TAIL_SHARE: String(profile.latency.tailShare),
    DEMO_HEALTH_STATUS: String(profile.healthStatus),
    DEMO_CRASH: profile.startup.fails ? '1' : '0',
  };
}
