/**
 * Firestore document ids from Runway's ids. A document id may not contain `/`, may not be `.` or `..` and may not look
 * like `__x__`; event ids come from outside (Pub/Sub message ids, Slack trigger ids…) and can contain anything. The
 * encoding is percent-encoding of just the characters that need it, so the usual ids (`checkout.production:3:0`,
 * `checkout.production@build-1`) stay readable in the console, and {@link rawIdOf} reverses it exactly.
 */

/** The document id for `raw`. Throws on an empty id, which no event or effect may have. */
export function docIdOf(raw: string): string {
  if (raw === '') throw new Error('an id must not be empty');
  const id = raw.replace(/%/g, '%25').replace(/\//g, '%2F');
  if (id === '.' || id === '..') return id.replace(/\./g, '%2E');
  if (/^__.*__$/.test(id)) return `%5F${id.slice(1)}`;
  return id;
}

/** The raw id a document id was made from. */
export function rawIdOf(docId: string): string {
  return decodeURIComponent(docId);
}
