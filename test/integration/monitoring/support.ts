/**
 * Shared by the Monitoring tests: a request log filled with known requests, the stand-in over it on a loopback port,
 * and analysis effects to measure.
 */
import type { RunAnalysis } from '../../../functions/src/domain/effects.js';
import { createMonitoringApi, type MonitoringApi } from '../../../sandbox/src/monitoring/api.js';
import { createRequestLog } from '../../../sandbox/src/requestLog.js';
import type { RequestLog } from '../../../sandbox/src/types.js';

export const PROJECT = 'demo-runway';
export const REGION = 'europe-west1';
/** A fixed, whole-minute start so windows and periods are easy to reason about. */
export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** A stand-in over its own log, listening, with a clock the test moves. */
export interface StandIn {
  readonly log: RequestLog;
  readonly api: MonitoringApi;
  readonly url: string;
  /** What the stand-in believes the time is. */
  now: number;
}

export async function startStandIn(options: { reportingDelayMs?: number; now?: number } = {}): Promise<StandIn> {
  const log = createRequestLog();
  const clock = { now: options.now ?? T0 + 3_600_000 };
  const api = createMonitoringApi({
    log,
    project: PROJECT,
    region: REGION,
    now: () => clock.now,
    reportingDelayMs: options.reportingDelayMs ?? 0,
  });
  const url = await api.listen(0, '127.0.0.1');
  // The clock object itself is the stand-in's clock: moving `now` on the result moves what the stand-in sees.
  return Object.assign(clock, { log, api, url });
}

/** Records `count` requests of `revision` spread evenly over [from, to), with the given status and latency. */
export function serve(
  log: RequestLog,
  revision: string,
  spec: {
    readonly from: number;
    readonly to: number;
    readonly count: number;
    readonly status?: number;
    readonly latencyMs?: number | ((i: number) => number);
    readonly service?: string;
  },
): void {
  const { from, to, count } = spec;
  for (let i = 0; i < count; i++) {
    const latency = spec.latencyMs ?? 20;
    log.record({
      at: from + Math.floor(((to - from) * i) / count),
      service: spec.service ?? 'hello',
      revision,
      tag: null,
      status: spec.status ?? 200,
      latencyMs: typeof latency === 'function' ? latency(i) : latency,
    });
  }
}

/** An analysis of `candidate` against `stable` over [windowStart, windowEnd) of service `hello`. */
export function analysis(overrides: Partial<RunAnalysis> & Pick<RunAnalysis, 'candidateRevision'>): RunAnalysis {
  return {
    id: 'hello.local:7:0',
    targetId: 'hello.local',
    rolloutId: 'hello.local@build-1',
    type: 'analysis.run',
    service: { project: PROJECT, region: REGION, service: 'hello' },
    stableRevision: null,
    windowStart: T0,
    windowEnd: T0 + 5 * 60_000,
    ...overrides,
  };
}
