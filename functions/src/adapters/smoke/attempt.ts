/**
 * One attempt of one smoke check: a single HTTP request to the candidate, its status, its body and how long it took.
 * Nothing here judges the answer (verify.ts does); a request that got no answer is described, never thrown, because the
 * candidate not answering is exactly what a smoke check exists to find.
 */
import { formatMs, messageOf, networkFailure } from './text.js';

/** Bodies are read up to this many bytes: enough for any health answer, bounded against a candidate that streams. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** What to send. `headers` already hold the identity token, if any. */
export interface AttemptRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** Abort after this long (the check's timeout, or less when the run's deadline is nearer). */
  readonly timeoutMs: number;
}

/** The candidate answered (any status), or the request failed with a sentence saying how. */
export type AttemptOutcome =
  | {
      readonly kind: 'answered';
      readonly status: number;
      /** From sending the request to the end of the body. */
      readonly latencyMs: number;
      readonly body: string;
      /** The body was longer than {@link BODY_LIMIT_BYTES}; `body` is its beginning. */
      readonly truncated: boolean;
    }
  | { readonly kind: 'failed'; readonly timedOut: boolean; readonly error: string };

/** What an attempt needs from its surroundings. */
export interface AttemptDeps {
  readonly fetch: typeof fetch;
  readonly now: () => number;
}

/** Sends `request` once. Never throws. */
export async function attempt(request: AttemptRequest, deps: AttemptDeps): Promise<AttemptOutcome> {
  const signal = AbortSignal.timeout(Math.max(1, request.timeoutMs));
  const started = deps.now();
  try {
    const response = await deps.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      // The check is about the candidate's own answer: a redirect (to a login page, another host) is not followed, so
      // `expectStatus: 302` can be checked and a 200 from somewhere else never passes for the candidate.
      redirect: 'manual',
    });
    const { text, truncated } = await readBody(response);
    return { kind: 'answered', status: response.status, latencyMs: deps.now() - started, body: text, truncated };
  } catch (error) {
    if (signal.aborted) {
      return { kind: 'failed', timedOut: true, error: `no answer within ${formatMs(request.timeoutMs)}` };
    }
    return { kind: 'failed', timedOut: false, error: describeFailure(request.url, error) };
  }
}

/** The body as text, at most {@link BODY_LIMIT_BYTES} of it. The timeout's signal covers the reading too. */
async function readBody(response: Response): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  // undici types the stream's chunks as `any`; a fetch body's chunks are bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > BODY_LIMIT_BYTES) {
      chunks.push(value.subarray(0, BODY_LIMIT_BYTES - size));
      size = BODY_LIMIT_BYTES;
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(bytes), truncated };
}

/** fetch's own refusals (a bad URL, a body on GET) are not network failures: say what they are. */
function describeFailure(url: string, error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (error instanceof TypeError && cause === undefined) return `the request could not be made: ${messageOf(error)}`;
  return networkFailure(url, error);
}
