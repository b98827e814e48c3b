/**
 * The Cloud Run Admin API stand-in (sandbox/src/cloudrun) with small test doubles for what it drives: a revision host
 * that starts one loopback HTTP server per revision (an image whose name contains `crash` fails to start, with Cloud
 * Run's message) and a router that hands out fixed fake URLs. Enough to test the Cloud Run adapter over the real wire
 * protocol without the demo app or the weighted router.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createCloudRunAdapter,
  type CloudRunAdapter,
  type CloudRunTuning,
} from '../../functions/src/adapters/cloudrun/index.js';
import type { DeployCandidate, SetTraffic, TrafficSplit } from '../../functions/src/domain/effects.js';
import { createCloudRunApi, type CloudRunApi, type ServiceRef } from '../../sandbox/src/cloudrun/api.js';
import type { RevisionHost, RevisionProcess, RevisionSpec, Router } from '../../sandbox/src/types.js';

/** What Cloud Run says when a container does not start. */
export const CRASH_MESSAGE =
  'The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable. ' +
  'Logs for this revision might contain more information.';

/** A host whose revisions are tiny HTTP servers answering `{ revision, image }`. */
export class LoopbackRevisionHost implements RevisionHost {
  private readonly running = new Map<string, { process: RevisionProcess; server: Server }>();
  /** Every spec asked for, in order. */
  readonly started: RevisionSpec[] = [];

  async start(spec: RevisionSpec): Promise<RevisionProcess> {
    this.started.push(spec);
    // Starting takes a moment in Cloud Run too: the operation is seen not done at least once.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (spec.image.includes('crash')) throw new Error(CRASH_MESSAGE);
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ revision: spec.revision, image: spec.image }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const process: RevisionProcess = {
      revision: spec.revision,
      url: `http://127.0.0.1:${port}`,
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
    this.running.set(spec.revision, { process, server });
    return process;
  }

  get(revision: string): RevisionProcess | undefined {
    return this.running.get(revision)?.process;
  }

  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map(({ process }) => process.stop()));
  }
}

/** Fixed fake URLs, shaped like Cloud Run's: `https://SERVICE-sandbox.a.run.app`, `https://TAG---SERVICE-sandbox.a.run.app`. */
export const fakeRouter: Router = {
  serviceUrl: (service) => Promise.resolve(`https://${service}-sandbox.a.run.app`),
  tagUrl: (service, tag) => Promise.resolve(`https://${tag}---${service}-sandbox.a.run.app`),
  close: () => Promise.resolve(),
};

/** A running stand-in with its host. */
export interface CloudRunSandbox {
  readonly api: CloudRunApi;
  readonly host: LoopbackRevisionHost;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port. */
export async function startCloudRunSandbox(): Promise<CloudRunSandbox> {
  const host = new LoopbackRevisionHost();
  const api = createCloudRunApi({ host, router: fakeRouter });
  const url = await api.listen(0);
  return {
    api,
    host,
    url,
    close: async () => {
      await api.close();
      await host.stopAll();
    },
  };
}

let serial = 0;

/** A service name of its own for each test, so tests share one sandbox without seeing each other. */
export function freshService(project = 'demo-runway', region = 'europe-west1'): ServiceRef {
  serial += 1;
  return { project, region, service: `svc${serial}-${Math.random().toString(36).slice(2, 6)}` };
}

/** Retries, polls and timeouts short enough for tests, long enough for a loaded 2-core machine. */
export const TEST_TUNING: Partial<CloudRunTuning> = {
  attempts: 4,
  retryDelayMs: 20,
  pollMs: 20,
  maxPollMs: 200,
  operationTimeoutMs: 30_000,
  conflictAttempts: 4,
};

/** A stand-in with the production adapter pointed at it: what each Cloud Run test file starts in its `beforeAll`. */
export interface SandboxWithAdapter {
  readonly sandbox: CloudRunSandbox;
  readonly cloudRun: CloudRunAdapter;
  close(): Promise<void>;
}

/** Starts the stand-in and points an adapter at it (no metadata-server probe: the sandbox needs no credentials). */
export async function sandboxWithAdapter(tuning: Partial<CloudRunTuning> = TEST_TUNING): Promise<SandboxWithAdapter> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const sandbox = await startCloudRunSandbox();
  const cloudRun = adapterFor(sandbox, tuning);
  return {
    sandbox,
    cloudRun,
    close: async () => {
      await cloudRun.close();
      await sandbox.close();
    },
  };
}

/** The production adapter pointed at the sandbox. */
export function adapterFor(sandbox: CloudRunSandbox, tuning: Partial<CloudRunTuning> = TEST_TUNING): CloudRunAdapter {
  return createCloudRunAdapter({ endpoint: sandbox.url, tuning });
}

let effects = 0;

/** A deploy effect for `ref` (a new rollout each time unless `rolloutId` is given). */
export function deployEffect(
  ref: ServiceRef,
  image: string,
  options: { rolloutId?: string; tag?: string; source?: DeployCandidate['source'] } = {},
): DeployCandidate {
  effects += 1;
  const rolloutId = options.rolloutId ?? `${ref.service}.test:rollout-${effects}`;
  return {
    type: 'cloudRun.deployCandidate',
    id: `${ref.service}.test:${effects}:0`,
    targetId: `${ref.service}.test`,
    rolloutId,
    service: ref,
    image,
    tag: options.tag ?? 'candidate',
    source: options.source ?? 'deploy',
  };
}

/** A traffic effect for `ref`. */
export function trafficEffect(
  ref: ServiceRef,
  split: TrafficSplit,
  expected: readonly TrafficSplit[] | null,
  purpose: SetTraffic['purpose'] = 'step',
): SetTraffic {
  effects += 1;
  return {
    type: 'cloudRun.setTraffic',
    id: `${ref.service}.test:${effects}:0`,
    targetId: `${ref.service}.test`,
    rolloutId: `${ref.service}.test:rollout`,
    service: ref,
    split,
    purpose,
    expected: expected === null ? null : expected.map((s) => ({ split: s })),
  };
}

/** The service's `traffic` as `revision/tag percent` lines, sorted: easy to compare in assertions. */
export function trafficLines(api: CloudRunApi, ref: ServiceRef): string[] {
  const traffic = (api.service(ref)?.traffic ?? []) as {
    type?: string;
    revision?: string;
    percent?: number;
    tag?: string;
  }[];
  return traffic
    .map((t) => {
      const target = t.type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' ? 'LATEST' : (t.revision ?? '');
      return `${target}${t.tag ? ` #${t.tag}` : ''} ${t.percent ?? 0}%`;
    })
    .sort();
}

/**
 * Writes the service over the API as another tool would (Terraform, `gcloud run deploy`): a PATCH of the whole resource,
 * no update mask, with `change` applied to what was read. Waits until the change is reconciled.
 */
export async function writeAsAnotherTool(
  sandbox: CloudRunSandbox,
  ref: ServiceRef,
  change: (service: Record<string, unknown>) => void,
): Promise<void> {
  const url = `${sandbox.url}/v2/projects/${ref.project}/locations/${ref.region}/services/${ref.service}`;
  const headers = { authorization: 'Bearer test', 'content-type': 'application/json' };
  const read = await fetch(url, { headers });
  const service = (await read.json()) as Record<string, unknown>;
  change(service);
  const write = await fetch(url, { method: 'PATCH', headers, body: JSON.stringify(service) });
  const op = (await write.json()) as { name?: string; error?: { message: string } };
  if (!write.ok || !op.name) throw new Error(`PATCH failed: HTTP ${write.status} ${JSON.stringify(op)}`);
  for (;;) {
    const poll = await fetch(`${sandbox.url}/v2/${op.name}`, { headers });
    const state = (await poll.json()) as { done?: boolean };
    if (state.done) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
