/**
 * What a failed Cloud Monitoring call means, and the brief retry of the transient ones.
 *
 * Failures reach the adapter in two shapes. google-gax's REST transport (used here, see client.ts) surfaces an HTTP
 * error as the transport's error (a GaxiosError) whose `code`/`status` is the HTTP status and whose message is Google's
 * error JSON (`{"error": {"code": 503, "message": …, "status": "UNAVAILABLE"}}`); a GoogleError carries a gRPC code
 * (14 for UNAVAILABLE) instead; network failures carry an errno (`ECONNREFUSED`). All are read into one status.
 *
 * Transient (retried a few times within the call, then thrown for the effect runner to retry later): UNAVAILABLE,
 * RESOURCE_EXHAUSTED (429), DEADLINE_EXCEEDED, INTERNAL, ABORTED and network failures. Permanent (thrown at once):
 * everything else, e.g. INVALID_ARGUMENT, PERMISSION_DENIED, NOT_FOUND. Either way the thrown {@link MonitoringError}
 * carries the gRPC `code`, so the engine's `isTransient` classifies it the same way.
 */

/** google.rpc.Code names by number. */
const GRPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;
export type StatusName = (typeof GRPC_CODES)[number];

/** The status Google's front end maps each HTTP status to. */
function statusOfHttp(http: number): StatusName {
  switch (http) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return http >= 500 ? 'INTERNAL' : http >= 400 ? 'FAILED_PRECONDITION' : 'UNKNOWN';
  }
}

const TRANSIENT_STATUSES: ReadonlySet<StatusName> = new Set([
  'UNAVAILABLE',
  'RESOURCE_EXHAUSTED',
  'DEADLINE_EXCEEDED',
  'INTERNAL',
  'ABORTED',
]);

const NETWORK_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

/** A failure read: its status, Google's message, and whether trying again may help. */
export interface FailureInfo {
  readonly status: StatusName;
  readonly message: string;
  readonly transient: boolean;
}

/** Reads any error thrown by the client. */
export function describeFailure(error: unknown): FailureInfo {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    status?: unknown;
    message?: unknown;
    details?: unknown;
  };
  const rawMessage = typeof e.message === 'string' ? e.message : String(error);
  const google = googleErrorIn(rawMessage);
  const message = google?.message ?? (typeof e.details === 'string' && e.details ? e.details : rawMessage);
  if (google?.status && (GRPC_CODES as readonly string[]).includes(google.status)) {
    const status = google.status as StatusName;
    return { status, message, transient: TRANSIENT_STATUSES.has(status) };
  }
  if (typeof e.code === 'string' && NETWORK_ERRORS.has(e.code)) {
    return { status: 'UNAVAILABLE', message: `${e.code}: ${message}`, transient: true };
  }
  const numeric = typeof e.code === 'number' ? e.code : typeof e.status === 'number' ? e.status : null;
  if (numeric !== null) {
    // gRPC codes are 0–16; anything from 100 up is an HTTP status.
    const status = numeric < 100 ? (GRPC_CODES[numeric] ?? 'UNKNOWN') : statusOfHttp(numeric);
    return { status, message, transient: TRANSIENT_STATUSES.has(status) };
  }
  // No code at all: a bug or an unexpected failure; let the runner try again later rather than give up.
  return { status: 'UNKNOWN', message, transient: true };
}

/** Google's `{"error": {...}}` body inside an error message, if the message is one. */
function googleErrorIn(text: string): { status?: string; message?: string } | null {
  const start = text.indexOf('{');
  if (start < 0) return null;
  try {
    const parsed: unknown = JSON.parse(text.slice(start));
    const inner = (parsed as { error?: { status?: unknown; message?: unknown } }).error;
    if (typeof inner !== 'object' || inner === null) return null;
    return {
      status: typeof inner.status === 'string' ? inner.status : undefined,
      message: typeof inner.message === 'string' ? inner.message : undefined,
    };
  } catch {
    return null;
  }
}

/** A failed Cloud Monitoring query, with the gRPC `code` of its status. */
export class MonitoringError extends Error {
  readonly code: number;

  constructor(
    message: string,
    readonly status: StatusName,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MonitoringError';
    this.code = GRPC_CODES.indexOf(status);
  }
}

/** How often and how patiently to retry a transient failure within one call. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Wait before the n-th retry: `baseDelayMs · 4^(n−1)`. */
  readonly baseDelayMs: number;
}

/** Three attempts, 250 ms then 1 s apart: brief, since the effect runner retries a thrown analysis later anyway. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250 };

/**
 * Runs `call`, retrying transient failures per `policy`; throws a {@link MonitoringError} naming `what` when it gives up
 * or at once on a permanent failure.
 */
export async function withRetry<T>(
  what: string,
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = describeFailure(error);
      if (!failure.transient) {
        throw new MonitoringError(
          `Cloud Monitoring refused ${what} (${failure.status}): ${failure.message}`,
          failure.status,
          false,
          { cause: error },
        );
      }
      if (attempt >= policy.attempts) {
        throw new MonitoringError(
          `Cloud Monitoring failed ${what} ${attempt} times (${failure.status}): ${failure.message}`,
          failure.status,
          true,
          { cause: error },
        );
      }
      await sleep(policy.baseDelayMs * 4 ** (attempt - 1));
    }
  }
}
