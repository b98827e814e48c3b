/**
 * The sandbox's own control endpoints that benchmarks read: when each traffic split began to be served
 * (`GET /sandbox/served` on the Cloud Run stand-in), and what the router served a revision (`GET /sandbox/requests` on
 * the Monitoring stand-in).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitoringApi, requestSummary } from '../../../sandbox/src/monitoring/api.js';
import { createRequestLog } from '../../../sandbox/src/requestLog.js';
import { freshService, startCloudRunSandbox, type CloudRunSandbox } from '../../support/cloudrun-sandbox.js';

let sandbox: CloudRunSandbox;
beforeAll(async () => {
  sandbox = await startCloudRunSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

describe('GET /sandbox/served', () => {
  it('lists each split when it began to be served, oldest first', async () => {
    const ref = freshService();
    const { revision: first } = await sandbox.api.createService(ref, 'hello:v1');
    const before = Date.now();
    await sandbox.api.setTrafficByHand(ref, [{ revision: first, percent: 100 }]); // the same split: no new entry
    const response = await fetch(`${sandbox.url}/sandbox/served?service=${ref.service}`);
    const { history } = (await response.json()) as { history: { at: number; split: unknown }[] };
    expect(history.map((h) => h.split)).toEqual([[{ revision: first, percent: 100 }]]);
    expect(history[0]?.at).toBeLessThanOrEqual(before);
  });

  it('answers 404 for a service it does not have', async () => {
    const response = await fetch(`${sandbox.url}/sandbox/served?service=nope`);
    expect(response.status).toBe(404);
  });
});

describe('requestSummary (GET /sandbox/requests)', () => {
  const log = createRequestLog();
  for (const [at, revision, tag, status] of [
    [1_000, 'r1', 'candidate', 200],
    [2_000, 'r1', null, 200],
    [3_000, 'r1', null, 503],
    [4_000, 'r2', null, 200],
  ] as const) {
    log.record({ at, service: 'hello', revision, tag, status, latencyMs: 5 });
  }

  it('counts user traffic and tag-URL requests apart', () => {
    expect(requestSummary(log, new URLSearchParams({ service: 'hello', revision: 'r1' }))).toEqual({
      service: 'hello',
      revision: 'r1',
      users: { count: 2, errors: 1, firstAt: 2_000, lastAt: 3_000 },
      tagged: { count: 1 },
    });
  });

  it('is served over HTTP, and refuses a request without service and revision', async () => {
    const api = createMonitoringApi({ log, project: 'demo-runway', region: 'europe-west1' });
    const url = await api.listen(0);
    try {
      const ok = await fetch(`${url}/sandbox/requests?service=hello&revision=r2`);
      expect(await ok.json()).toMatchObject({ users: { count: 1, firstAt: 4_000 } });
      const bad = await fetch(`${url}/sandbox/requests?service=hello`);
      expect(bad.status).toBe(400);
    } finally {
      await api.close();
    }
  });
});
