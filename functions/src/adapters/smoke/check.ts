/**
 * One smoke check, retries included: attempts until one meets every expectation, the check's `retries` are spent, or
 * the run's deadline leaves no room for another attempt. Waits between attempts grow from {@link BACKOFF_BASE_MS},
 * doubling, up to {@link BACKOFF_CAP_MS}: a candidate that is still warming up gets a few seconds, not a hammering.
 */
import type { SmokeCheckSpec } from '../../domain/config/schema.js';
import { formatDuration } from '../../domain/config/duration.js';
import type { SmokeResult } from '../../domain/rollout.js';
import { attempt, type AttemptDeps } from './attempt.js';
import { verify } from './verify.js';
import { formatMs } from './text.js';

/** Wait before the first retry… */
export const BACKOFF_BASE_MS = 500;
/** …doubling up to this. */
export const BACKOFF_CAP_MS = 5_000;

/** The wait after failed attempt number `attempts` (1-based): 500 ms, 1 s, 2 s, 4 s, 5 s, 5 s… */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempts - 1, 10));
}

/** What a check runs with, shared by every check of a run. */
export interface CheckContext extends AttemptDeps {
  /** The candidate's URL without a trailing slash; the check's path is appended. */
  readonly baseUrl: string;
  /** When the whole run must be over (epoch ms on `now`'s clock), and the configured length, for messages. */
  readonly deadlineAt: number;
  readonly deadlineMs: number;
  /** Headers that go on every request (the identity token), asked for once per check; null when none. */
  readonly authorize: ((check: SmokeCheckSpec) => Promise<Record<string, string>>) | null;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A check's result, and whether the run's deadline is what ended it (then later checks are "not run" for that). */
export interface CheckRun {
  readonly result: SmokeResult;
  readonly deadlineHit: boolean;
}

/** The name a check is shown by: its own, or `METHOD path`. */
export function checkName(check: SmokeCheckSpec): string {
  return check.name ?? `${check.method} ${check.path}`;
}

/** The result of a check that was never attempted. */
export function notRun(check: SmokeCheckSpec, why: string): SmokeResult {
  return { name: checkName(check), ok: false, status: null, latencyMs: null, attempts: 0, error: `not run: ${why}` };
}

/** Runs `check` to its verdict. Throws only what `authorize` throws (no identity token). */
export async function runCheck(check: SmokeCheckSpec, ctx: CheckContext): Promise<CheckRun> {
  const name = checkName(check);
  if (check.body !== undefined && (check.method === 'GET' || check.method === 'HEAD')) {
    // fetch refuses it; trying again would not help, and the fix is in runway.yaml.
    const error = `a ${check.method} request cannot have a body: remove body or use POST, PUT or PATCH`;
    return { result: { name, ok: false, status: null, latencyMs: null, attempts: 0, error }, deadlineHit: false };
  }
  if (ctx.deadlineAt - ctx.now() <= 0) return { result: notRun(check, 'deadline passed'), deadlineHit: true };

  const headers = { ...defaultHeaders(check), ...(ctx.authorize ? await ctx.authorize(check) : {}) };
  const deadline = formatDuration(ctx.deadlineMs);
  let attempts = 0;
  for (;;) {
    const remaining = ctx.deadlineAt - ctx.now();
    // At least 1 ms: a timer's lateness can leave the deadline a hair behind us after a wait.
    const timeoutMs = Math.max(1, Math.min(check.timeout, remaining));
    attempts += 1;
    const outcome = await attempt(
      { url: ctx.baseUrl + check.path, method: check.method, headers, body: check.body, timeoutMs },
      ctx,
    );
    let status: number | null = null;
    let latencyMs: number | null = null;
    let error: string | null;
    let deadlineHit = false;
    if (outcome.kind === 'answered') {
      ({ status, latencyMs } = outcome);
      error = verify(check, outcome);
    } else if (outcome.timedOut && timeoutMs < check.timeout) {
      error = `no answer within ${formatMs(timeoutMs)}, when the smoke deadline of ${deadline} passed`;
      deadlineHit = true;
    } else {
      error = outcome.error;
    }
    const result = (ok: boolean, why: string | null): CheckRun => ({
      result: { name, ok, status, latencyMs, attempts, error: why },
      deadlineHit,
    });
    if (error === null) return result(true, null);
    if (deadlineHit || attempts > check.retries) return result(false, error);
    const wait = backoffMs(attempts);
    if (ctx.now() + wait >= ctx.deadlineAt) {
      deadlineHit = true;
      return result(false, `${error}; no time left for another attempt within the smoke deadline of ${deadline}`);
    }
    await ctx.sleep(wait);
  }
}

/**
 * The check's own headers, plus a User-Agent that lets the candidate's logs tell smoke traffic from users' unless the
 * check sets its own.
 */
function defaultHeaders(check: SmokeCheckSpec): Record<string, string> {
  const own = Object.keys(check.headers).some((key) => key.toLowerCase() === 'user-agent');
  return own ? { ...check.headers } : { 'User-Agent': 'Runway-Smoke-Check', ...check.headers };
}
