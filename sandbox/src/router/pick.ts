/**
 * Picking a revision by weight, as Cloud Run's front end spreads a service's requests over its traffic split.
 */
import type { RouteTable } from '../types.js';

/**
 * The revision that serves a request, given a draw uniform in [0, 1): the split's revisions laid end to end by percent,
 * the draw scaled to their total (100, unless the split is mid-change). Null when no revision has a positive percent.
 */
export function pickRevision(split: RouteTable['split'], draw: number): string | null {
  const weighted = split.filter((entry) => entry.percent > 0);
  const total = weighted.reduce((sum, entry) => sum + entry.percent, 0);
  let point = draw * total;
  for (const entry of weighted) {
    if (point < entry.percent) return entry.revision;
    point -= entry.percent;
  }
  // Only reached by rounding at the very top of the range, or with nothing to pick.
  return weighted.at(-1)?.revision ?? null;
}
