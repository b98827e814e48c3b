/** The benchmark's summaries (stats.ts) and its report (report.ts). */
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderSvg } from '../../../bench/judge/report.js';
import type { Outcome } from '../../../bench/judge/runner.js';
import { SCENARIOS, TRAFFIC_LEVELS } from '../../../bench/judge/scenarios.js';
import { cellOf, cellsOf, errorBudget, falseRollbacks, quantile, wilson } from '../../../bench/judge/stats.js';
import { POLICIES } from '../../../bench/judge/policies/index.js';

describe('stats', () => {
  it('quantiles by nearest rank, a miss counting as infinite', () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4, Infinity], 0.95)).toBe(Infinity);
    expect(quantile([1, 2, 3, 4, Infinity], 0.5)).toBe(3);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('Wilson intervals: 0 of 200 is up to 1.9%; 50 of 100 around a half', () => {
    expect(wilson(0, 200).low).toBe(0);
    expect(wilson(0, 200).high).toBeCloseTo(0.0188, 3);
    const half = wilson(50, 100);
    expect(half.low).toBeCloseTo(0.404, 2);
    expect(half.high).toBeCloseTo(0.596, 2);
  });

  it('a 30-day 99.9% error budget', () => {
    expect(errorBudget(1)).toBeCloseTo(2592, 6);
  });

  const outcome = (policy: string, scenario: string, conclusion: 'rolled_back' | 'promoted', at: number): Outcome => ({
    policy,
    scenario,
    rps: 20,
    seed: 1,
    result: {
      conclusion,
      concludedAt: at * 60_000,
      fullAt: conclusion === 'promoted' ? at * 60_000 : null,
      faultAt: scenario === 'hard-failure' ? 60_000 : null,
      badRequests: 100,
      excessErrors: 20,
      maxWeight: 50,
      firstFaultDataAt: scenario === 'hard-failure' ? 150_000 : null,
    },
  });

  it('time to detect runs from the fault’s start; a miss is infinite; false rollbacks count good scenarios only', () => {
    const cells = cellsOf([
      outcome('runway', 'hard-failure', 'rolled_back', 4),
      { ...outcome('runway', 'hard-failure', 'promoted', 30), seed: 2 },
      outcome('runway', 'identical', 'rolled_back', 10),
      { ...outcome('runway', 'identical', 'promoted', 40), seed: 2 },
    ]);
    expect(cellOf(cells, 'runway', 'hard-failure', 20)?.ttd).toEqual([3, Infinity]);
    expect(cellOf(cells, 'runway', 'hard-failure', 20)?.dataFloor).toEqual([1.5, 1.5]);
    expect(cellOf(cells, 'runway', 'identical', 20)?.timeToFull).toEqual([Infinity, 40]);
    expect(falseRollbacks(cells, 'runway')).toMatchObject({ k: 1, n: 2 });
  });

  it('renders the report: the bar, the good releases, every scenario; and an SVG', () => {
    const outcomes: Outcome[] = [];
    for (const s of SCENARIOS) {
      for (const p of POLICIES) {
        outcomes.push({ ...outcome(p.key, s.name, s.truth === 'bad' ? 'rolled_back' : 'promoted', 5), rps: 20 });
      }
    }
    const meta = {
      command: 'npm run bench:judge',
      seeds: 1,
      levels: [20],
      scenarios: SCENARIOS,
      runs: outcomes.length,
      seconds: 1,
      threads: 1,
      date: '2026-01-01',
      node: 'v20',
    };
    const md = renderMarkdown(cellsOf(outcomes), meta);
    expect(md).toMatch(/^# Canary analysis benchmark/);
    expect(md).toContain('## The bar');
    for (const s of SCENARIOS) expect(md).toContain(`### ${s.name}`);
    const svg = renderSvg(cellsOf(outcomes), meta);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(TRAFFIC_LEVELS).toEqual([0.2, 2, 20, 200]);
  });

  it('marks a p95 the bar asks for that is earlier than the data floor', () => {
    const hardFailure = SCENARIOS.filter((s) => s.name === 'hard-failure');
    const meta = {
      command: 'npm run bench:judge',
      seeds: 1,
      levels: [20],
      scenarios: hardFailure,
      runs: POLICIES.length,
      seconds: 1,
      threads: 1,
      date: '2026-01-01',
      node: 'v20',
    };
    // The fault starts at minute 1, its first sample shows at minute 2.5 (floor 1.5 minutes). Runway detects 4
    // minutes in; every anchor 2 minutes in, half of which (1) is earlier than the floor.
    const outcomes = POLICIES.map((p) => outcome(p.key, 'hard-failure', 'rolled_back', p.key === 'runway' ? 5 : 3));
    const md = renderMarkdown(cellsOf(outcomes), meta);
    expect(md).toContain('| hard-failure | 20 rps | 100% · 4.0 / 4.0 | 1.5 |');
    expect(md).toContain('| ✅ | ❌⁰ |');
    expect(md).toContain('Of the 1 rows where its p95 is more than half the best anchor’s, 1 ask for a p95 earlier');
  });
});
