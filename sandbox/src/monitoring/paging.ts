/**
 * Pages of a `timeSeries.list` answer. With the FULL view `pageSize` counts points (a series may continue on the next
 * page, repeating its identity), with HEADERS it counts series, as documented. The page token carries where the next page
 * starts and the visibility cut-off of the first page, so that requests arriving meanwhile do not shift the pages, and a
 * fingerprint of the query, so that a token is only accepted by the query that issued it.
 */
import { createHash } from 'node:crypto';
import { invalidArgument } from './errors.js';
import type { TimeSeriesJson } from './timeSeries.js';

/** Where a page starts, and the cut-off the whole listing uses. */
export interface PageCursor {
  readonly visibleUntil: number;
  readonly series: number;
  readonly point: number;
}

/** A fingerprint of the query parameters other than the page token. */
export function fingerprintOf(params: URLSearchParams): string {
  const entries = [...params.entries()].filter(([k]) => k !== 'pageToken' && k !== 'pageSize');
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 16);
}

export function encodeToken(cursor: PageCursor, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ ...cursor, q: fingerprint })).toString('base64url');
}

/** Reads a token issued by {@link encodeToken} for the same query; throws INVALID_ARGUMENT otherwise. */
export function decodeToken(token: string, fingerprint: string): PageCursor {
  const invalid = invalidArgument(`Invalid page token: "${token}".`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid;
  const { visibleUntil, series, point, q } = parsed as Record<string, unknown>;
  if (q !== fingerprint) throw invalid;
  if (typeof visibleUntil !== 'number' || !Number.isInteger(series) || !Number.isInteger(point)) throw invalid;
  return { visibleUntil, series: series as number, point: point as number };
}

/** One page of `all` from `cursor`, and the cursor of the next page (null on the last). */
export function pageOf(
  all: readonly TimeSeriesJson[],
  cursor: PageCursor,
  pageSize: number,
  view: 'FULL' | 'HEADERS',
): { readonly page: TimeSeriesJson[]; readonly next: PageCursor | null } {
  if (view === 'HEADERS') {
    const page = all.slice(cursor.series, cursor.series + pageSize).map((s) => ({ ...s, points: [] }));
    const end = cursor.series + page.length;
    return { page, next: end < all.length ? { ...cursor, series: end, point: 0 } : null };
  }
  const page: TimeSeriesJson[] = [];
  let room = pageSize;
  let s = cursor.series;
  let p = cursor.point;
  while (s < all.length && room > 0) {
    const series = all[s]!;
    const points = series.points.slice(p, p + room);
    page.push({ ...series, points });
    room -= points.length;
    p += points.length;
    if (p >= series.points.length) {
      s++;
      p = 0;
    }
  }
  return { page, next: s < all.length ? { visibleUntil: cursor.visibleUntil, series: s, point: p } : null };
}
