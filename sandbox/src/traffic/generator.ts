/**
 * A traffic generator, so the router sees steady load as a production service does: GET requests evenly spaced at a
 * given rate, never more than a bounded number in flight (a slot that finds the bound reached is skipped, not queued:
 * a slow revision must not turn into a burst later). Failures are counted, never thrown.
 */
import http from 'node:http';

/** How many requests may be in flight at once by default: a 1.5 s tail at 100 requests a second needs ~150. */
export const DEFAULT_MAX_IN_FLIGHT = 256;

/** A request that has not finished after this long is abandoned and counted as failed. */
const REQUEST_TIMEOUT_MS = 30_000;

/** How long `stop` waits for requests in flight before abandoning them. */
const STOP_GRACE_MS = 5_000;

export interface TrafficOptions {
  /** Where to send: a URL, or a function that finds it (called until it succeeds, e.g. `() => router.serviceUrl(s)`). */
  readonly url: string | (() => Promise<string>);
  /** Requests per second; 0 sends none. */
  readonly ratePerSecond: number;
  /** Path of every request. Default `/`. */
  readonly path?: string;
  /** Default {@link DEFAULT_MAX_IN_FLIGHT}. */
  readonly maxInFlight?: number;
}

/** A running generator. */
export interface Traffic {
  /** Stops sending; resolves once the requests in flight have finished (or been abandoned). */
  stop(): Promise<void>;
  /** Requests sent so far. */
  sent(): number;
  /** Requests that got no HTTP answer (connection refused, reset, timed out); HTTP errors are answers, not failures. */
  errors(): number;
  /** Slots skipped because `maxInFlight` requests were in flight. */
  skipped(): number;
}

/** Starts sending. See the module comment. */
export function startTraffic(options: TrafficOptions): Traffic {
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const intervalMs = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : Infinity;
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let errors = 0;
  let skipped = 0;
  let stopped = false;
  let url = typeof options.url === 'string' ? options.url : null;
  let timer: NodeJS.Timeout | undefined;

  // One lookup at a time; a failed one is tried again at the next slot.
  let lookup: Promise<string | null> | null = null;
  function resolveUrl(): Promise<string | null> {
    if (url !== null) return Promise.resolve(url);
    if (typeof options.url === 'string') return Promise.resolve(options.url);
    lookup ??= options
      .url()
      .then(
        (found) => (url = found),
        () => null,
      )
      .finally(() => (lookup = null));
    return lookup;
  }

  function send(base: string): Promise<void> {
    sent++;
    return new Promise<void>((resolve) => {
      let answered = false;
      const req = http.get(new URL(options.path ?? '/', base), { agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        answered = true;
        res.resume();
        res.once('close', () => {
          if (!res.complete) errors++; // cut off mid-answer
          resolve();
        });
      });
      req.once('timeout', () => req.destroy(new Error('timed out')));
      // An error after the answer began is the answer's: counted when it closes.
      req.once('error', () => {
        if (!answered) {
          errors++;
          resolve();
        }
      });
    });
  }

  async function slot(): Promise<void> {
    const base = await resolveUrl();
    if (base === null || stopped) return;
    if (inFlight.size >= maxInFlight) {
      skipped++;
      return;
    }
    const request = send(base).finally(() => inFlight.delete(request));
    inFlight.add(request);
  }

  // Slots are planned at least one interval apart from the start time, so timer lateness does not accumulate and the
  // rate is never exceeded; after a stall (a busy event loop) the plan restarts from now instead of catching up in a burst.
  let next = Date.now();
  function tick(): void {
    if (stopped) return;
    void slot();
    const now = Date.now();
    next = Math.max(next + intervalMs, now);
    timer = setTimeout(tick, next - now);
  }
  if (Number.isFinite(intervalMs)) tick();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(inFlight),
        new Promise<void>((resolve) => (grace = setTimeout(resolve, STOP_GRACE_MS))),
      ]);
      clearTimeout(grace);
      agent.destroy();
    },
    sent: () => sent,
    errors: () => errors,
    skipped: () => skipped,
  };
}
