/**
 * What a failed Cloud Run API call means. google-gax's REST transport (google-gax 5 with gaxios 7) does not turn HTTP
 * errors into gRPC statuses: the error it throws carries the HTTP status on `code` and Google's error JSON as its message,
 * or a Node network code (`ECONNRESET`). This reads any of those shapes, and a proper gRPC status too, into one
 * {@link ApiFailure} with the canonical gRPC code, which is what retries and the engine decide on.
 */

/** gRPC status codes (google.rpc.Code) the adapter tells apart. */
export const Code = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const CODE_BY_NAME: Readonly<Record<string, number>> = Code;
const NAME_BY_CODE = new Map<number, string>(Object.entries(Code).map(([name, code]) => [code, name]));

/** google.rpc.Code's HTTP mapping, backwards, for an error body that names no status. */
const CODE_BY_HTTP: Readonly<Record<number, number>> = {
  400: Code.INVALID_ARGUMENT,
  401: Code.UNAUTHENTICATED,
  403: Code.PERMISSION_DENIED,
  404: Code.NOT_FOUND,
  409: Code.ABORTED,
  412: Code.FAILED_PRECONDITION,
  429: Code.RESOURCE_EXHAUSTED,
  499: Code.CANCELLED,
  500: Code.INTERNAL,
  501: Code.UNIMPLEMENTED,
  502: Code.UNAVAILABLE,
  503: Code.UNAVAILABLE,
  504: Code.DEADLINE_EXCEEDED,
};

/** Node's network failures: the request may not have reached Cloud Run, or its answer was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

/** Failures worth retrying: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED (429), INTERNAL, UNAVAILABLE (503), network. */
const TRANSIENT = new Set<number>([Code.DEADLINE_EXCEEDED, Code.RESOURCE_EXHAUSTED, Code.INTERNAL, Code.UNAVAILABLE]);

/** Failures that will not go away by retrying the same request. */
const PERMANENT = new Set<number>([
  Code.INVALID_ARGUMENT,
  Code.NOT_FOUND,
  Code.ALREADY_EXISTS,
  Code.PERMISSION_DENIED,
  Code.FAILED_PRECONDITION,
  Code.OUT_OF_RANGE,
  Code.UNIMPLEMENTED,
  Code.UNAUTHENTICATED,
]);

/** A failed call, in gRPC terms. */
export interface ApiFailure {
  /** The canonical gRPC code. */
  readonly code: number;
  /** Cloud Run's own message, without the JSON around it. */
  readonly message: string;
}

/** The name of a gRPC code (`UNAVAILABLE`), for messages. */
export function codeName(code: number): string {
  return NAME_BY_CODE.get(code) ?? `code ${code}`;
}

export function isTransientCode(code: number): boolean {
  return TRANSIENT.has(code);
}

export function isPermanentCode(code: number): boolean {
  return PERMANENT.has(code);
}

/**
 * An error the adapter throws or inspects: `code` is the gRPC code, so the engine's transient check (engine/transient.ts)
 * and the runner's backoff see what Cloud Run meant.
 */
export class CloudRunApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CloudRunApiError';
  }
}

/** Reads any error a Cloud Run call can throw into its gRPC code and Cloud Run's message. */
export function failureOf(error: unknown): ApiFailure {
  if (error instanceof CloudRunApiError) return { code: error.code, message: error.message };
  if (typeof error !== 'object' || error === null) return { code: Code.UNKNOWN, message: String(error) };
  const { code, message, status, details } = error as {
    code?: unknown;
    message?: unknown;
    status?: unknown;
    details?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return { code: Code.UNAVAILABLE, message: text || code };
  const body = googleErrorBody(text);
  if (body) {
    const byName = body.status ? CODE_BY_NAME[body.status] : undefined;
    const httpStatus = body.code ?? (typeof status === 'number' ? status : undefined);
    const mapped = byName ?? (httpStatus !== undefined ? CODE_BY_HTTP[httpStatus] : undefined);
    return { code: mapped ?? Code.UNKNOWN, message: body.message || text };
  }
  // A proper gRPC status (the gRPC transport, or a google-gax that maps REST errors itself).
  if (typeof code === 'number' && code >= 0 && code <= 16) {
    return { code, message: typeof details === 'string' && details ? details : text };
  }
  const http = typeof status === 'number' ? status : typeof code === 'number' ? code : undefined;
  if (http !== undefined && CODE_BY_HTTP[http] !== undefined) return { code: CODE_BY_HTTP[http], message: text };
  return { code: Code.UNKNOWN, message: text || JSON.stringify(error) };
}

/** `{"error": {"code", "message", "status"}}` read from a message, or null. */
function googleErrorBody(text: string): { code?: number; message: string; status?: string } | null {
  const start = text.indexOf('{');
  if (start < 0) return null;
  try {
    const parsed: unknown = JSON.parse(text.slice(start));
    const inner = (parsed as { error?: unknown }).error;
    if (typeof inner !== 'object' || inner === null) return null;
    const { code, message, status } = inner as { code?: unknown; message?: unknown; status?: unknown };
    return {
      ...(typeof code === 'number' && { code }),
      message: typeof message === 'string' ? message : '',
      ...(typeof status === 'string' && { status }),
    };
  } catch {
    return null;
  }
}
