/**
 * The words of smoke results: durations, body excerpts and network failures put the way a person reading a failed
 * rollout needs them (what was expected, what came back, and enough of the body to guess why).
 */

/** Longest body excerpt quoted in an error, in characters. */
const EXCERPT_CHARS = 120;

/** `850 ms`, `1.2 s`: milliseconds below a second, else seconds with one decimal. */
export function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** `0.4 s`: always seconds, for run summaries. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

/** `body: "unhealthy: db down…"` (whitespace collapsed, cut with `…`), or `empty body`. */
export function bodyExcerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return 'empty body';
  const cut = flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
  return `body: ${JSON.stringify(cut)}`;
}

/** A JSON value in a message: `"ok"`, `3`, `null`, `{"a":1}` (cut when long). */
export function jsonText(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/** What the common network failures mean, by errno. */
const NETWORK_MEANINGS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the body stopped arriving',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};

/**
 * A failed request in a sentence, e.g. `could not reach http://127.0.0.1:8080/healthz: connection refused
 * (ECONNREFUSED)`. fetch throws `TypeError('fetch failed')` and hides the reason in `cause` (an errno error, or an
 * AggregateError when every address of the host refused).
 */
export function networkFailure(url: string, error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const code = errnoOf(cause);
  if (code !== null) {
    const meaning = NETWORK_MEANINGS[code];
    return `could not reach ${url}: ${meaning ? `${meaning} (${code})` : code}`;
  }
  return `could not reach ${url}: ${messageOf(cause)}`;
}

function errnoOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.length > 0 ? errnoOf(inner[0]) : null;
}

/** An error's message, or the thing itself as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
