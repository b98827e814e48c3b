/**
 * Errors as Google APIs send them over REST: an HTTP status and `{"error": {"code", "message", "status"}}`, which the
 * client libraries (google-gax's REST fallback) read back into a status.
 */

/** The canonical statuses the stand-in answers with. */
export type GoogleStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

/** The HTTP status Google's front end uses for each (google.rpc.Code's HTTP mapping). */
export const HTTP_STATUS_OF: Readonly<Record<GoogleStatus, number>> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** A refusal with its status; the server turns it into Google's error JSON. */
export class ApiError extends Error {
  constructor(
    readonly status: GoogleStatus,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get httpStatus(): number {
    return HTTP_STATUS_OF[this.status];
  }

  /** The response body, as Google sends it. */
  toJSON(): { error: { code: number; message: string; status: GoogleStatus } } {
    return { error: { code: this.httpStatus, message: this.message, status: this.status } };
  }
}

/** Shorthand for the most common refusal. */
export function invalidArgument(message: string): ApiError {
  return new ApiError('INVALID_ARGUMENT', message);
}
