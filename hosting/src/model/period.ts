/** The DORA view's period: the last 7, 30 or 90 days, or a range of whole days, from the view's URL. Pure. */
import { DAY_MS, type Period } from '../../../functions/src/domain/dora.js';
import type { Millis } from '../../../functions/src/domain/rollout.js';

/** The preset periods, in days. */
export const LAST_DAYS = [7, 30, 90] as const;
export type LastDays = (typeof LAST_DAYS)[number];

/** What a person chose. Range dates are `YYYY-MM-DD`, both included. */
export type PeriodChoice =
  | { readonly kind: 'last'; readonly days: LastDays }
  | { readonly kind: 'range'; readonly from: string; readonly to: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a `YYYY-MM-DD` date, or null. */
export function dayStart(date: string): Millis | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const at = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  return Number.isNaN(at) ? null : at;
}

/** The choice in the URL's `days`, or `from` and `to`; the last 30 days when neither is valid. */
export function periodChoiceOf(params: URLSearchParams): PeriodChoice {
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const start = dayStart(from);
  const end = dayStart(to);
  if (start !== null && end !== null && start <= end) return { kind: 'range', from, to };
  const days = Number(params.get('days'));
  return { kind: 'last', days: (LAST_DAYS as readonly number[]).includes(days) ? (days as LastDays) : 30 };
}

/** The period a choice means at `now`: up to now (to the minute), or from the first day's start to the last day's end. */
export function periodOf(choice: PeriodChoice, now: Millis): Period {
  if (choice.kind === 'last') {
    const to = Math.ceil(now / 60_000) * 60_000;
    return { from: to - choice.days * DAY_MS, to };
  }
  const from = dayStart(choice.from) ?? now;
  const last = dayStart(choice.to) ?? now;
  // The day after the last one, at midnight (a day is not always 24 h long where clocks change).
  const end = new Date(last);
  end.setDate(end.getDate() + 1);
  return { from, to: end.getTime() };
}

/** A short key for the choice: `30`, or `2026-11-01..2026-11-30`. */
export function periodKey(choice: PeriodChoice): string {
  return choice.kind === 'last' ? String(choice.days) : `${choice.from}..${choice.to}`;
}

/** `last 30 days`, `2026-11-01 to 2026-11-30`. */
export function periodLabel(choice: PeriodChoice): string {
  return choice.kind === 'last' ? `last ${choice.days} days` : `${choice.from} to ${choice.to}`;
}

/** `YYYY-MM-DD` of a time, in the browser's time zone. */
export function dateOf(at: Millis): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
