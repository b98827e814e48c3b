/**
 * Errors as the Cloud Run Admin API sends them over REST: an HTTP status and
 * `{"error": {"code": HTTP, "message", "status": "CANONICAL_CODE"}}`. google-gax's REST fallback reads `status` back into
 * the gRPC code (ABORTED = 10, …), which is what the adapter decides on.
 */

/** The canonical statuses the stand-in answers with. */
export type GoogleStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'ABORTED'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

/** The HTTP status Google's front end uses for each (google.rpc.Code's HTTP mapping). */
export const HTTP_STATUS_OF: Readonly<Record<GoogleStatus, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** The gRPC code of each, for errors carried inside a long-running Operation (`google.rpc.Status`). */
export const GRPC_CODE_OF: Readonly<Record<GoogleStatus, number>> = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
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

/** The HTTP statuses a test can inject, each with the status and message the real API sends with it. */
export type FaultStatus = 429 | 503 | 409 | 500;

/** The error the real API answers with for an injected HTTP status. */
export function faultError(status: FaultStatus): ApiError {
  switch (status) {
    case 429:
      return new ApiError(
        'RESOURCE_EXHAUSTED',
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per region' of service " +
          "'run.googleapis.com' for consumer 'project_number:000000000000'.",
      );
    case 503:
      return new ApiError('UNAVAILABLE', 'The service is currently unavailable.');
    case 409:
      return etagMismatch();
    case 500:
      return new ApiError('INTERNAL', 'Internal error encountered.');
  }
}

/** A write whose etag is not the resource's current one (AIP-154: ABORTED, HTTP 409). */
export function etagMismatch(): ApiError {
  return new ApiError(
    'ABORTED',
    'The etag provided does not match the current etag of the resource: it was modified since it was read. ' +
      'Read it again and retry.',
  );
}

/** Shorthand for the most common refusal. */
export function invalidArgument(message: string): ApiError {
  return new ApiError('INVALID_ARGUMENT', message);
}
