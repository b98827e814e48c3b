/** Summaries of the runs: rates with Wilson intervals, quantiles where a miss counts as infinite. Pure. */
import type { Outcome } from './runner.js';
import { SCENARIOS } from './scenarios.js';

/** The q-quantile (nearest rank) of `values`, Infinity included; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The 95% Wilson score interval of k successes in n. */
export function wilson(k: number, n: number, z = 1.959964): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** A 30-day error budget at 99.9% availability, in requests, at `rps`. */
export function errorBudget(rps: number): number {
  return 0.001 * rps * 30 * 86_400;
}

export interface Cell {
  readonly policy: string;
  readonly scenario: string;
  readonly rps: number;
  readonly runs: number;
  /** Bad scenarios. */
  readonly detected: number;
  /** Minutes from the fault's start to the rollback decision; Infinity for a miss. */
  readonly ttd: readonly number[];
  /**
   * Minutes from the fault's start until Cloud Monitoring first showed a candidate sample with requests since then
   * (the data floor of the time to detect); Infinity when the fault never started or no such sample came.
   */
  readonly dataFloor: readonly number[];
  readonly meanBadRequests: number;
  /** Mean share of the 30-day error budget (99.9%) the fault burnt, percent. */
  readonly meanBudgetBurnPct: number;
  /** Good scenarios. */
  readonly rolledBack: number;
  readonly held: number;
  /** Minutes to 100% on the candidate; Infinity when it never got there. */
  readonly timeToFull: readonly number[];
}

const key = (policy: string, scenario: string, rps: number): string => `${policy}|${scenario}|${rps}`;

/** One cell per policy × scenario × traffic level. */
export function cellsOf(outcomes: readonly Outcome[]): Map<string, Cell> {
  const groups = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const k = key(o.policy, o.scenario, o.rps);
    let list = groups.get(k);
    if (!list) groups.set(k, (list = []));
    list.push(o);
  }
  const cells = new Map<string, Cell>();
  for (const [k, list] of groups) {
    const first = list[0]!;
    const minutes = (ms: number): number => ms / 60_000;
    const ttd = list.map(({ result: r }) =>
      r.conclusion === 'rolled_back' && r.concludedAt !== null
        ? minutes(Math.max(0, r.concludedAt - (r.faultAt ?? r.concludedAt)))
        : Number.POSITIVE_INFINITY,
    );
    const dataFloor = list.map(({ result: r }) =>
      r.faultAt !== null && r.firstFaultDataAt !== null
        ? minutes(r.firstFaultDataAt - r.faultAt)
        : Number.POSITIVE_INFINITY,
    );
    cells.set(k, {
      policy: first.policy,
      scenario: first.scenario,
      rps: first.rps,
      runs: list.length,
      detected: list.filter((o) => o.result.conclusion === 'rolled_back').length,
      ttd,
      dataFloor,
      meanBadRequests: list.reduce((s, o) => s + o.result.badRequests, 0) / list.length,
      meanBudgetBurnPct:
        (100 * list.reduce((s, o) => s + o.result.excessErrors, 0)) / list.length / errorBudget(first.rps),
      rolledBack: list.filter((o) => o.result.conclusion === 'rolled_back').length,
      held: list.filter((o) => o.result.conclusion === 'held').length,
      timeToFull: list.map((o) => (o.result.fullAt === null ? Number.POSITIVE_INFINITY : minutes(o.result.fullAt))),
    });
  }
  return cells;
}

export function cellOf(cells: Map<string, Cell>, policy: string, scenario: string, rps: number): Cell | undefined {
  return cells.get(key(policy, scenario, rps));
}

/** False rollbacks of `policy` over every good scenario (at `rps`, or every level), with the runs they are out of. */
export function falseRollbacks(
  cells: Map<string, Cell>,
  policy: string,
  rps?: number,
): { k: number; n: number; low: number; high: number } {
  let k = 0;
  let n = 0;
  for (const cell of cells.values()) {
    if (cell.policy !== policy || (rps !== undefined && cell.rps !== rps)) continue;
    if (SCENARIOS.find((s) => s.name === cell.scenario)?.truth !== 'good') continue;
    k += cell.rolledBack;
    n += cell.runs;
  }
  return { k, n, ...wilson(k, n) };
}
