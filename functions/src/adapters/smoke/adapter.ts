/**
 * The production {@link SmokePort}: runs a target's smoke checks, in order, against the candidate's revision tag URL
 * before it gets any user traffic.
 *
 * Each check is attempted until it meets its expectations or its retries are spent (check.ts); the first check that
 * fails ends the run and the checks after it are recorded as not run. The whole run, waits included, stays within the
 * smoke `deadline`: an attempt's timeout is cut to what is left, no retry starts that could not finish in time, and a
 * check the run does not reach in time fails as "not run: deadline passed".
 *
 * Failures: a candidate that does not answer, answers wrongly or too slowly fails its check — a result, never a thrown
 * error, since that is the smoke failure itself. The one thing thrown is a failure to get an identity token
 * ({@link IdentityTokenError}, transient): the effect runner retries the run later.
 */
import { formatDuration } from '../../domain/config/duration.js';
import type { SmokeCheckSpec, SmokeSpec } from '../../domain/config/schema.js';
import type { RunSmokeChecks } from '../../domain/effects.js';
import type { SmokeResult } from '../../domain/rollout.js';
import type { SmokeOutcome, SmokePort } from '../../engine/ports.js';
import { notRun, runCheck, type CheckContext } from './check.js';
import { googleIdTokens, IdentityTokenError, type IdTokenSource } from './idTokens.js';
import { formatSeconds } from './text.js';

/** Everything with side effects, injectable for tests. */
export interface SmokeAdapterOptions {
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Default: Google identity tokens from Application Default Credentials, made on the first check that needs one. */
  readonly idTokens?: IdTokenSource;
  /** Milliseconds; measures latency and the deadline. Default `Date.now`. */
  readonly now?: () => number;
  /** Waits between attempts. Default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Creates the smoke port. */
export function createSmokeAdapter(options: SmokeAdapterOptions = {}): SmokePort {
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // Lazily: most targets need no token, and GoogleAuth looks for credentials when it is first used.
  let idTokens: IdTokenSource | null = options.idTokens ?? null;
  const tokens = (): IdTokenSource => (idTokens ??= googleIdTokens());

  return {
    async run(effect: RunSmokeChecks): Promise<SmokeOutcome> {
      const { smoke, url } = effect;
      const checks = smoke.checks;
      if (checks.length === 0) return { passed: true, results: [], reason: 'no smoke checks configured' };
      if (url === null) {
        return failAll(checks, 'the candidate has no tag URL', 'the candidate has no tag URL to run smoke checks on');
      }
      const baseUrl = url.replace(/\/+$/, '');
      let origin: string;
      try {
        origin = new URL(baseUrl).origin;
      } catch {
        const why = `the candidate's URL ${JSON.stringify(url)} is not a URL`;
        return failAll(checks, why, why);
      }

      const started = now();
      const ctx: CheckContext = {
        baseUrl,
        deadlineAt: started + smoke.deadline,
        deadlineMs: smoke.deadline,
        authorize: smoke.identityToken ? authorizer(smoke, origin, tokens) : null,
        fetch: fetchFn,
        now,
        sleep,
      };
      const results: SmokeResult[] = [];
      for (const [i, check] of checks.entries()) {
        const { result, deadlineHit } = await runCheck(check, ctx);
        results.push(result);
        if (result.ok) continue;
        const why = deadlineHit ? 'deadline passed' : `check ${JSON.stringify(result.name)} failed`;
        results.push(...checks.slice(i + 1).map((later) => notRun(later, why)));
        return { passed: false, results, reason: failureReason(result, smoke) };
      }
      const count = `${checks.length} check${checks.length === 1 ? '' : 's'}`;
      return { passed: true, results, reason: `${count} passed in ${formatSeconds(now() - started)}` };
    },
  };
}

/**
 * The identity-token header for each check. The token's audience is `audience`, else the origin of the URL called
 * (Cloud Run accepts its run.app URLs as audiences). It goes in `Authorization: Bearer`, or, when the check sends an
 * `Authorization` header of its own for the application, in `X-Serverless-Authorization`, which Cloud Run checks first
 * and removes before the request reaches the container.
 */
function authorizer(
  smoke: SmokeSpec,
  origin: string,
  tokens: () => IdTokenSource,
): (check: SmokeCheckSpec) => Promise<Record<string, string>> {
  const audience = smoke.audience ?? origin;
  return async (check) => {
    let token: string;
    try {
      token = await tokens().tokenFor(audience);
    } catch (error) {
      throw new IdentityTokenError(audience, error);
    }
    const ownAuthorization = Object.keys(check.headers).some((key) => key.toLowerCase() === 'authorization');
    return { [ownAuthorization ? 'X-Serverless-Authorization' : 'Authorization']: `Bearer ${token}` };
  };
}

/** Every check failed before any could run, for the same reason. */
function failAll(checks: readonly SmokeCheckSpec[], why: string, reason: string): SmokeOutcome {
  return { passed: false, results: checks.map((check) => notRun(check, why)), reason };
}

/** `smoke check "GET /healthz" failed after 3 attempts: expected status 200, got 503 (…)`. */
function failureReason(result: SmokeResult, smoke: SmokeSpec): string {
  const name = JSON.stringify(result.name);
  if (result.attempts === 0 && result.error === 'not run: deadline passed') {
    return `smoke check ${name} was not run: the smoke deadline of ${formatDuration(smoke.deadline)} passed first`;
  }
  const tries = result.attempts === 0 ? '' : ` after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
  return `smoke check ${name} failed${tries}: ${result.error ?? 'no reason given'}`;
}
