/**
 * The production Cloud Run port, on `@google-cloud/run` v2 (Admin API v2, REST). See client.ts for endpoints,
 * deploy.ts / adopt.ts / setTraffic.ts for what each effect does, errors.ts and call.ts for failures and retries.
 *
 * API calls on the happy path: a deploy is GET service, PATCH service, then GET operation until the revision is ready
 * (one poll per 250 ms, growing to 3 s); a traffic change is GET service, PATCH service, GET operation(s); a traffic
 * change that is already live is one GET.
 */
import type { DeployCandidate, SetTraffic } from '../../domain/effects.js';
import { assertNever } from '../../domain/phase.js';
import type { CloudRunPort, DeployResult, TrafficResult } from '../../engine/ports.js';
import { adoptCandidate } from './adopt.js';
import { createClients } from './client.js';
import type { CloudRunContext } from './context.js';
import { deployCandidate } from './deploy.js';
import { answeringRefusals } from './refusal.js';
import { setTraffic } from './setTraffic.js';
import { DEFAULT_TUNING, type CloudRunTuning } from './tuning.js';

export { candidateRevisionName } from './names.js';
export type { CloudRunTuning } from './tuning.js';

/** The environment variable with the endpoint of a stand-in (the sandbox), e.g. `http://127.0.0.1:8090`. */
export const CLOUD_RUN_ENDPOINT_ENV = 'RUNWAY_CLOUD_RUN_ENDPOINT';

export interface CloudRunAdapterOptions {
  /** Unset: Google's API with Application Default Credentials. `http://host:port`: the sandbox. See client.ts. */
  readonly endpoint?: string;
  /** Retries, polling and timeouts; tests shorten them. */
  readonly tuning?: Partial<CloudRunTuning>;
}

/** The Cloud Run port, with a way to release its HTTP connections. */
export interface CloudRunAdapter extends CloudRunPort {
  close(): Promise<void>;
}

/** Creates the adapter. Nothing is contacted until the first effect. */
export function createCloudRunAdapter(options: CloudRunAdapterOptions = {}): CloudRunAdapter {
  const ctx: CloudRunContext = {
    clients: createClients(options.endpoint),
    tuning: { ...DEFAULT_TUNING, ...options.tuning },
  };
  return {
    deployCandidate(effect: DeployCandidate): Promise<DeployResult> {
      switch (effect.source) {
        case 'deploy':
          return answeringRefusals(effect.service, 'deploy a candidate revision of', () =>
            deployCandidate(ctx, effect),
          );
        case 'build':
          return answeringRefusals(effect.service, 'adopt the candidate revision of', () =>
            adoptCandidate(ctx, effect),
          );
        default:
          return assertNever(effect.source, 'deploy source');
      }
    },
    setTraffic(effect: SetTraffic): Promise<TrafficResult> {
      return answeringRefusals(effect.service, 'set the traffic of', () => setTraffic(ctx, effect));
    },
    close: () => ctx.clients.close(),
  };
}
