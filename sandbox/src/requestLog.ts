/**
 * The router's request log: every request it forwarded, kept in memory for the Monitoring stand-in and for benchmarks.
 * Bounded, oldest dropped first, so a sandbox left running for days does not grow without end.
 */
import type { Millis, RequestLog, RequestRecord } from './types.js';

/** How many requests are kept by default: at 20 requests a second, a little over an hour and a half. */
export const DEFAULT_REQUESTS_KEPT = 120_000;

/** An in-memory {@link RequestLog}. */
export function createRequestLog(capacity = DEFAULT_REQUESTS_KEPT): RequestLog {
  let records: RequestRecord[] = [];
  return {
    record(entry) {
      records.push(entry);
      // Drop in chunks: trimming one entry per request would copy the array every time.
      if (records.length > capacity * 1.1) records = records.slice(records.length - capacity);
    },
    between(service: string, revision: string, start: Millis, end: Millis) {
      return records.filter((r) => r.service === service && r.revision === revision && r.at >= start && r.at < end);
    },
    all() {
      return records;
    },
  };
}
