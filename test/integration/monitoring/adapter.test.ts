/**
 * The production metrics adapter (@google-cloud/monitoring over REST) against the sandbox's Cloud Monitoring stand-in,
 * fed with known requests: exact counts, p99 within the histogram's resolution, window boundaries, the reporting delay,
 * and the error modes. No emulator needed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMonitoringAdapter, type MonitoringAdapter } from '../../../functions/src/adapters/monitoring/adapter.js';
import { MonitoringError } from '../../../functions/src/adapters/monitoring/errors.js';
import { isTransient } from '../../../functions/src/engine/transient.js';
import { analysis, serve, startStandIn, T0, type StandIn } from './support.js';

/** Fast retries: the policy's shape is what is tested, not its patience. */
const FAST_RETRY = { attempts: 3, baseDelayMs: 5 };
const MINUTE = 60_000;
const END = T0 + 5 * MINUTE;

let standIn: StandIn;
let adapter: MonitoringAdapter;

beforeAll(async () => {
  standIn = await startStandIn();
  adapter = createMonitoringAdapter({ endpoint: standIn.url }, FAST_RETRY);
});

afterAll(async () => {
  await adapter?.close();
  await standIn?.api.close();
});

/** Measures `effect` and returns the result with the number of API calls it took. */
async function measured(effect: Parameters<MonitoringAdapter['measure']>[0], s: StandIn = standIn, a = adapter) {
  const before = s.api.calls();
  const metrics = await a.measure(effect);
  return { metrics, calls: s.api.calls() - before };
}

describe('the Monitoring adapter against the stand-in', () => {
  it('counts requests and 5xx of both revisions exactly, with two API calls', async () => {
    serve(standIn.log, 'count-cand', { from: T0, to: END, count: 285 });
    serve(standIn.log, 'count-cand', { from: T0, to: END, count: 12, status: 503 });
    serve(standIn.log, 'count-cand', { from: T0, to: END, count: 3, status: 500 });
    serve(standIn.log, 'count-cand', { from: T0, to: END, count: 7, status: 404 }); // a 4xx is not an error of ours
    serve(standIn.log, 'count-stable', { from: T0, to: END, count: 600 });
    serve(standIn.log, 'count-stable', { from: T0, to: END, count: 6, status: 502 });
    // Another service's revision of the same name must not be counted.
    serve(standIn.log, 'count-cand', { from: T0, to: END, count: 50, status: 503, service: 'other' });

    const { metrics, calls } = await measured(
      analysis({ candidateRevision: 'count-cand', stableRevision: 'count-stable' }),
    );

    expect(metrics.windowStart).toBe(T0);
    expect(metrics.windowEnd).toBe(END);
    expect(metrics.candidate).toMatchObject({ requests: 307, errors: 15 });
    expect(metrics.stable).toMatchObject({ requests: 606, errors: 6 });
    expect(calls).toBe(2);
  });

  it('reads p99 latency from the window’s summed histogram, within the bucket resolution (10%)', async () => {
    // Latencies 1…1000 ms: the true p99 (nearest rank) is 990 ms.
    serve(standIn.log, 'p99-cand', { from: T0, to: END, count: 1000, latencyMs: (i) => i + 1 });
    // Stable: fast, except for one slow minute out of five; a p99 over the whole window must see it, an average of
    // per-minute p99s would dilute it.
    serve(standIn.log, 'p99-stable', { from: T0, to: END, count: 995, latencyMs: 30 });
    serve(standIn.log, 'p99-stable', { from: T0 + 2 * MINUTE, to: T0 + 3 * MINUTE, count: 15, latencyMs: 2_000 });

    const { metrics } = await measured(analysis({ candidateRevision: 'p99-cand', stableRevision: 'p99-stable' }));

    const candidateP99 = metrics.candidate.p99LatencyMs;
    expect(candidateP99).not.toBeNull();
    expect(candidateP99!).toBeGreaterThanOrEqual(990 / 1.1);
    expect(candidateP99!).toBeLessThanOrEqual(990 * 1.1);
    const stableP99 = metrics.stable?.p99LatencyMs ?? null;
    expect(stableP99).not.toBeNull();
    expect(stableP99!).toBeGreaterThanOrEqual(2_000 / 1.1);
    expect(stableP99!).toBeLessThanOrEqual(2_000 * 1.1);
  });

  it('reports the window minute by minute too, with slow-request counts after the latency warm-up', async () => {
    // Minute 1: 100 fast; minute 2: 100 fast + 10 slow errors; minute 3: 100 fast on the candidate, 200 on stable.
    serve(standIn.log, 'minute-cand', { from: T0, to: T0 + MINUTE, count: 100, latencyMs: 20 });
    serve(standIn.log, 'minute-cand', { from: T0 + MINUTE, to: T0 + 2 * MINUTE, count: 100, latencyMs: 20 });
    serve(standIn.log, 'minute-cand', {
      from: T0 + MINUTE,
      to: T0 + 2 * MINUTE,
      count: 10,
      status: 503,
      latencyMs: 900,
    });
    serve(standIn.log, 'minute-cand', { from: T0 + 2 * MINUTE, to: T0 + 3 * MINUTE, count: 100, latencyMs: 20 });
    serve(standIn.log, 'minute-stable', { from: T0, to: T0 + 3 * MINUTE, count: 600, latencyMs: 20 });

    const { metrics, calls } = await measured(
      analysis({
        candidateRevision: 'minute-cand',
        stableRevision: 'minute-stable',
        windowEnd: T0 + 3 * MINUTE,
        latencyWindowStart: T0 + MINUTE,
        latencyThresholdsMs: [100, 500],
      }),
    );

    expect(calls).toBe(2);
    expect(metrics.latencyWindowStart).toBe(T0 + MINUTE);
    expect(metrics.latencyThresholdsMs).toEqual([100, 500]);
    // Totals: counts over the whole window, latencies over the latency window (minutes 2 and 3).
    expect(metrics.candidate).toMatchObject({
      requests: 310,
      errors: 10,
      latency: { requests: 210, slower: [10, 10] },
    });
    expect(metrics.stable).toMatchObject({ requests: 600, errors: 0, latency: { requests: 400, slower: [0, 0] } });
    expect(metrics.minutes?.map((m) => [(m.end - T0) / MINUTE, m.candidate, m.stable])).toEqual([
      [1, { requests: 100, errors: 0 }, { requests: 200, errors: 0 }],
      [
        2,
        { requests: 110, errors: 10, latency: { requests: 110, slower: [10, 10] } },
        expect.objectContaining({ requests: 200 }),
      ],
      [
        3,
        { requests: 100, errors: 0, latency: { requests: 100, slower: [0, 0] } },
        expect.objectContaining({ requests: 200 }),
      ],
    ]);
  });

  it('counts requests in [windowStart, windowEnd): the start is in, the end is out', async () => {
    serve(standIn.log, 'edge-cand', { from: T0 - 1, to: T0, count: 1 }); // 1 ms before: out
    serve(standIn.log, 'edge-cand', { from: T0, to: T0 + 1, count: 1 }); // at the start: in
    serve(standIn.log, 'edge-cand', { from: END - 1, to: END, count: 1 }); // last millisecond: in
    serve(standIn.log, 'edge-cand', { from: END, to: END + 1, count: 1 }); // at the end: out

    const { metrics } = await measured(analysis({ candidateRevision: 'edge-cand' }));

    expect(metrics.candidate.requests).toBe(2);
  });

  it('measures a window of a few seconds exactly, although alignment periods are at least 60 s', async () => {
    const start = T0 + 20_000;
    serve(standIn.log, 'short-cand', { from: T0, to: start, count: 40 }); // same minute, before the window
    serve(standIn.log, 'short-cand', { from: start, to: start + 5_000, count: 25 });
    serve(standIn.log, 'short-cand', { from: start, to: start + 5_000, count: 5, status: 503 });
    serve(standIn.log, 'short-cand', { from: start + 5_000, to: T0 + MINUTE, count: 40 }); // same minute, after it

    const { metrics, calls } = await measured(
      analysis({ candidateRevision: 'short-cand', windowStart: start, windowEnd: start + 5_000 }),
    );

    expect(metrics.candidate).toMatchObject({ requests: 30, errors: 5 });
    expect(calls).toBe(2);
  });

  it('measures a window longer than a minute that is not whole seconds', async () => {
    const end = T0 + 90_500;
    serve(standIn.log, 'long-cand', { from: T0, to: end, count: 181 });
    serve(standIn.log, 'long-cand', { from: end, to: end + 10_000, count: 20 });

    const { metrics } = await measured(analysis({ candidateRevision: 'long-cand', windowEnd: end }));

    expect(metrics.candidate.requests).toBe(181);
  });

  it('answers zeros and no latency for a revision without requests', async () => {
    serve(standIn.log, 'busy-stable', { from: T0, to: END, count: 100 });

    const { metrics } = await measured(analysis({ candidateRevision: 'idle-cand', stableRevision: 'busy-stable' }));

    expect(metrics.candidate).toEqual({ requests: 0, errors: 0, p99LatencyMs: null });
    expect(metrics.stable).toMatchObject({ requests: 100, errors: 0 });
    expect(metrics.stable?.p99LatencyMs).not.toBeNull();
  });

  it('answers a null stable when there is no stable revision, still with two calls', async () => {
    serve(standIn.log, 'alone-cand', { from: T0, to: END, count: 42, status: 503 });
    serve(standIn.log, 'alone-neighbour', { from: T0, to: END, count: 1000 });

    const { metrics, calls } = await measured(analysis({ candidateRevision: 'alone-cand', stableRevision: null }));

    expect(metrics.candidate).toMatchObject({ requests: 42, errors: 42 });
    expect(metrics.stable).toBeNull();
    expect(calls).toBe(2);
  });

  it('makes no call for an empty window (a step shorter than the reporting delay)', async () => {
    const { metrics, calls } = await measured(
      analysis({ candidateRevision: 'count-cand', stableRevision: 'count-stable', windowStart: END, windowEnd: END }),
    );

    expect(metrics.candidate).toEqual({ requests: 0, errors: 0, p99LatencyMs: null });
    expect(metrics.stable).toEqual({ requests: 0, errors: 0, p99LatencyMs: null });
    expect(calls).toBe(0);
  });

  it('does not see requests newer than the reporting delay, until the delay has passed', async () => {
    const delayed = await startStandIn({ reportingDelayMs: MINUTE, now: END + 30_000 });
    const delayedAdapter = createMonitoringAdapter({ endpoint: delayed.url }, FAST_RETRY);
    try {
      serve(delayed.log, 'late-cand', { from: T0, to: END - 40_000, count: 100 }); // reported by END − 30 s
      serve(delayed.log, 'late-cand', { from: END - 20_000, to: END, count: 10 }); // not yet

      const early = await measured(analysis({ candidateRevision: 'late-cand' }), delayed, delayedAdapter);
      expect(early.metrics.candidate.requests).toBe(100);

      delayed.now += MINUTE;
      const later = await measured(analysis({ candidateRevision: 'late-cand' }), delayed, delayedAdapter);
      expect(later.metrics.candidate.requests).toBe(110);
    } finally {
      await delayedAdapter.close();
      await delayed.api.close();
    }
  });

  it('retries a 503 and a 429 and then succeeds', async () => {
    serve(standIn.log, 'retry-cand', { from: T0, to: END, count: 10 });

    standIn.api.failNext('UNAVAILABLE');
    const after503 = await measured(analysis({ candidateRevision: 'retry-cand' }));
    expect(after503.metrics.candidate.requests).toBe(10);
    expect(after503.calls).toBe(3);

    standIn.api.failNext('RESOURCE_EXHAUSTED');
    const after429 = await measured(analysis({ candidateRevision: 'retry-cand' }));
    expect(after429.metrics.candidate.requests).toBe(10);
    expect(after429.calls).toBe(3);
  });

  it('throws a transient error once a 503 outlasts its retries, for the runner to try again later', async () => {
    const before = standIn.api.calls();
    standIn.api.failNext('UNAVAILABLE', 6); // three attempts for each of the two queries

    const error = await adapter.measure(analysis({ candidateRevision: 'retry-cand' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MonitoringError);
    const failure = error as MonitoringError;
    expect(failure.transient).toBe(true);
    expect(failure.status).toBe('UNAVAILABLE');
    expect(failure.message).toMatch(
      /^Cloud Monitoring failed the request_(count|latencies) query for service hello .* 3 times \(UNAVAILABLE\)/,
    );
    expect(isTransient(failure)).toBe(true);
    // Both queries ran in parallel: wait for the other's last attempt before counting.
    await vi.waitFor(() => expect(standIn.api.calls() - before).toBe(6));
  });

  it('throws a permanent error at once when Cloud Monitoring refuses the query', async () => {
    const error = await adapter
      .measure(
        analysis({
          candidateRevision: 'x',
          service: { project: 'someone-else', region: 'europe-west1', service: 'hello' },
        }),
      )
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MonitoringError);
    const failure = error as MonitoringError;
    expect(failure.transient).toBe(false);
    expect(failure.status).toBe('PERMISSION_DENIED');
    expect(failure.message).toMatch(
      /^Cloud Monitoring refused the request_(count|latencies) query for service hello in someone-else\/europe-west1 \(PERMISSION_DENIED\): Permission monitoring\.timeSeries\.list denied/,
    );
    expect(isTransient(failure)).toBe(false);
  });

  it('reads an INVALID_ARGUMENT answer as permanent, with Google’s message', async () => {
    serve(standIn.log, 'invalid-cand', { from: T0, to: END, count: 10 });
    standIn.api.failNext('INVALID_ARGUMENT', 2);

    const error = await adapter.measure(analysis({ candidateRevision: 'invalid-cand' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MonitoringError);
    expect((error as MonitoringError).transient).toBe(false);
    expect((error as MonitoringError).message).toMatch(
      /refused .* \(INVALID_ARGUMENT\): INVALID_ARGUMENT: a fault injected/,
    );
  });

  it('refuses an endpoint that is not http://HOST:PORT', () => {
    expect(() => createMonitoringAdapter({ endpoint: 'monitoring.googleapis.com' })).toThrow(/http:\/\/HOST:PORT/);
    expect(() => createMonitoringAdapter({ endpoint: 'https://127.0.0.1:8080' })).toThrow(/http:\/\/HOST:PORT/);
  });
});
