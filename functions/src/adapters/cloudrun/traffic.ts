/**
 * Traffic maths on a service's `traffic` targets, free of the SDK: what split they serve, and the targets that serve
 * another split or carry a tag elsewhere while every other tag stays where it is. Percentages live on untagged entries
 * or on an entry tagged for the same revision; a tag with no traffic is an entry at 0%, as `gcloud` writes them.
 */
import type { TrafficSplit } from '../../domain/effects.js';

export type TargetType = 'LATEST' | 'REVISION';

/** One traffic target. Empty strings stand for absent fields (proto3). */
export interface Target {
  readonly type: TargetType;
  readonly revision: string;
  readonly percent: number;
  readonly tag: string;
}

/** The split `targets` serve: LATEST counts for `latestReady`; percent per revision, in order, 0% left out. */
export function liveSplit(targets: readonly Target[], latestReady: string): TrafficSplit {
  const percents = new Map<string, number>();
  for (const t of targets) {
    if (t.percent <= 0) continue;
    const revision = t.type === 'LATEST' ? latestReady : t.revision;
    percents.set(revision, (percents.get(revision) ?? 0) + t.percent);
  }
  return [...percents].map(([revision, percent]) => ({ revision, percent }));
}

/** The revision serving all traffic, or null when the traffic is split. */
export function stableOf(split: TrafficSplit): string | null {
  const serving = split.filter((e) => e.percent > 0);
  return serving.length === 1 && serving[0]?.percent === 100 ? serving[0].revision || null : null;
}

/** True if some target sends traffic to LATEST (whose revision moves when a new one becomes ready). */
export function followsLatest(targets: readonly Target[]): boolean {
  return targets.some((t) => t.type === 'LATEST' && t.percent > 0);
}

/**
 * Targets that serve exactly `split` by revision name. Every tag stays on its revision, with the revision's percent in
 * `split` or 0%; a tag on LATEST stays on LATEST at 0% (it keeps following the latest ready revision). Untagged entries
 * are replaced.
 */
export function withSplit(targets: readonly Target[], split: TrafficSplit): Target[] {
  const tagged = targets.filter((t) => t.tag);
  const used = new Set<Target>();
  const out: Target[] = [];
  for (const { revision, percent } of split) {
    if (percent <= 0) continue;
    const carrier = tagged.find((t) => t.type === 'REVISION' && t.revision === revision && !used.has(t));
    if (carrier) used.add(carrier);
    out.push({ type: 'REVISION', revision, percent, tag: carrier?.tag ?? '' });
  }
  for (const t of tagged) if (!used.has(t)) out.push({ ...t, percent: 0 });
  return out;
}

/**
 * Targets with `tag` on `revision`: taken off whichever entry had it (an entry left with neither tag nor traffic is
 * dropped) and put on the revision's untagged traffic entry, or on a new entry at 0%.
 */
export function withTag(targets: readonly Target[], tag: string, revision: string): Target[] {
  const out = targets.map((t) => (t.tag === tag ? { ...t, tag: '' } : t)).filter((t) => t.tag || t.percent > 0);
  const i = out.findIndex((t) => t.type === 'REVISION' && t.revision === revision && !t.tag);
  const target = out[i];
  if (target) out[i] = { ...target, tag };
  else out.push({ type: 'REVISION', revision, percent: 0, tag });
  return out;
}

/** True if `tag` is on `revision` (directly, or on LATEST when `revision` is the latest ready one). */
export function hasTag(targets: readonly Target[], tag: string, revision: string, latestReady: string): boolean {
  return targets.some((t) => t.tag === tag && (t.type === 'LATEST' ? latestReady : t.revision) === revision);
}

/** The revision `tag` points at ('' when no target has it). */
export function taggedRevision(targets: readonly Target[], tag: string, latestReady: string): string {
  const t = targets.find((e) => e.tag === tag);
  return !t ? '' : t.type === 'LATEST' ? latestReady : t.revision;
}
