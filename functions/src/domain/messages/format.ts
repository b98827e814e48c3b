/** Small formatting helpers shared by Slack messages and emails. Pure. */
import type { Verdict } from '../judge.js';
import type { Rollout } from '../rollout.js';

/** Text safe inside Slack mrkdwn: `&`, `<` and `>` escaped, as Slack asks. */
export function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text safe inside HTML. */
export function html(text: string): string {
  return mrkdwn(text).replace(/"/g, '&quot;');
}

/** `12.35%`, `0%`. */
export function percent(value: number | null): string {
  if (value === null) return 'n/a';
  return `${Number(value.toFixed(2))}%`;
}

/** `310 ms`, `1.5 s`. */
export function millis(value: number | null): string {
  if (value === null) return 'n/a';
  return value >= 1000 ? `${Number((value / 1000).toFixed(2))} s` : `${Math.round(value)} ms`;
}

/** A duration such as `4h`, `30m`, `90s`. */
export function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** The release as people name it: the short commit, else the image's tag or digest. */
export function releaseName(r: Rollout): string {
  if (r.build.commitSha) return r.build.commitSha.slice(0, 7);
  const image = r.build.image;
  const at = image.lastIndexOf('@');
  return at >= 0 ? `${image.slice(image.lastIndexOf('/') + 1, at)}@${image.slice(at + 1, at + 15)}…` : image;
}

/** The candidate's weight now (or asked for), in percent. */
export function weightOf(r: Rollout): number {
  return r.traffic.pending?.candidatePercent ?? r.traffic.candidatePercent;
}

/** A verdict's numbers against their limits, in one line. */
export function verdictLine(v: Verdict): string {
  const c = v.metrics.candidate;
  const parts = [
    `errors ${percent(v.candidateErrorRatePercent)} (limit ${percent(v.limits.maxErrorRatePercent)}` +
      (v.comparedWithStable ? `; stable ${percent(v.stableErrorRatePercent)})` : ')'),
    `p99 ${millis(c.p99LatencyMs)} (limit ${millis(v.limits.maxP99LatencyMs)}` +
      (v.comparedWithStable && v.metrics.stable ? `; stable ${millis(v.metrics.stable.p99LatencyMs)})` : ')'),
    `${c.requests} requests (min ${v.limits.minRequests})`,
  ];
  return `step ${v.step + 1}: ${v.result} — ${parts.join(', ')}`;
}
