/**
 * Which engine failures are worth retrying. Triggers acknowledge what can never succeed (a malformed message) and let the
 * platform redeliver only what may: Firestore unavailable or contended, a network blip.
 */

/** gRPC codes worth retrying: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED (contention), INTERNAL, UNAVAILABLE. */
const TRANSIENT_GRPC_CODES: ReadonlySet<number> = new Set([4, 8, 10, 13, 14]);
/** The same as text (Firebase's spelling), and network failures. */
const TRANSIENT_TEXT_CODES: ReadonlySet<string> = new Set([
  'deadline-exceeded',
  'resource-exhausted',
  'aborted',
  'internal',
  'unavailable',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'ENOTFOUND',
]);

/** True for failures that may go away on their own (Firestore unavailable, contention, a network blip). */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return TRANSIENT_GRPC_CODES.has(code);
  return typeof code === 'string' && TRANSIENT_TEXT_CODES.has(code);
}
