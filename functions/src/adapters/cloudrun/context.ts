import type { CloudRunClients } from './client.js';
import type { CloudRunTuning } from './tuning.js';

/** What every operation of the adapter needs: the clients and how patient to be. */
export interface CloudRunContext {
  readonly clients: CloudRunClients;
  readonly tuning: CloudRunTuning;
}
