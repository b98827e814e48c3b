/** How the dashboard writes numbers, times and durations. Pure. */
import type { Millis } from '../../../functions/src/domain/rollout.js';

/** `250 ms`, `6.2 s`, `4 min 10 s`, `3 h 5 min`, `2 d 4 h`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(abs / 60_000);
  if (minutes < 60) {
    const seconds = Math.round((abs % 60_000) / 1000);
    return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 > 0 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 > 0 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** A duration in one unit, for chart axes: `250 ms`, `6.2 s`, `4.5 min`, `2.8 h`, `3 d`. */
export function formatDurationShort(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const one = (value: number, unit: string) =>
    `${value < 10 ? Math.round(value * 10) / 10 : Math.round(value)} ${unit}`;
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return one(ms / 1000, 's');
  if (abs < 3_600_000) return one(ms / 60_000, 'min');
  if (abs < 48 * 3_600_000) return one(ms / 3_600_000, 'h');
  return one(ms / 86_400_000, 'd');
}

/** `12.5%`; `—` for null. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(digits).replace(/\.0+$/, '')}%`;
}

/** `2026-12-01 14:03:27` in the browser's time zone. */
export function formatTime(at: Millis | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** `in 5 min`, `3 min ago`, `just now`, relative to `now`. */
export function formatAgo(at: Millis | null | undefined, now: Millis): string {
  if (at === null || at === undefined) return '—';
  const diff = now - at;
  if (Math.abs(diff) < 5000) return 'just now';
  return diff > 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(-diff)}`;
}

/** The first `length` characters of a commit sha, or `—`. */
export function shortSha(sha: string | null | undefined, length = 7): string {
  return sha ? sha.slice(0, length) : '—';
}
