/**
 * Decoding a Pub/Sub message's `data`: base64 → UTF-8 → JSON, each step failing with its own reason, never throwing. A
 * malformed message must be logged and acknowledged with the reason, not retried forever.
 */

/** The JSON in `data`, or why there is none. `holds` says what the publisher puts there, for the messages. */
export function decodeBase64Json(
  data: string | null | undefined,
  holds: string,
): { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly reason: string } {
  if (data === undefined || data === null) return fail(`message.data is missing (${holds}, as base64 JSON)`);
  if (data.length === 0) return fail(`message.data is empty (${holds}, as base64 JSON)`);
  // Buffer.from(…, 'base64') skips characters it does not know instead of failing, so check the alphabet first.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(data) || data.length % 4 === 1) return fail('message.data is not base64');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(data, 'base64'));
  } catch {
    return fail('message.data is not UTF-8 text once decoded from base64');
  }
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch (error) {
    return fail(`message.data is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function fail(reason: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason };
}
