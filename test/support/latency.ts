/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * How long a transition takes from Firestore to the screen, measured in the browser: every element of the dashboard
 * that shows a rollout carries `data-rollout`, `data-phase`, `data-step` and `data-updated-at` (the rollout's
 * `updatedAt`: the engine's clock when it decided the transition, written in the same transaction). A MutationObserver
 * notes when each new `(rollout, updatedAt)` first appears, after the next animation frame (when it is painted); the
 * latency is that moment minus `updatedAt`, on the machine's one clock. It includes the transaction's commit, the
 * listener's delivery and the render.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** One transition seen on screen. */
export interface Seen {
  readonly rolloutId: string;
  readonly phase: string;
  readonly step: number;
  readonly updatedAt: number;
  readonly shownAt: number;
}

/** Starts recording in the page (again after each navigation). */
export async function recordTransitions(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __seen?: Seen[]; __seenKeys?: Set<string> };
    if (w.__seen) return;
    w.__seen = [];
    w.__seenKeys = new Set();
    const look = () => {
      for (const el of document.querySelectorAll<HTMLElement>('[data-rollout][data-updated-at]')) {
        const key = `${el.dataset.rollout}|${el.dataset.updatedAt}`;
        if (w.__seenKeys!.has(key)) continue;
        w.__seenKeys!.add(key);
        const entry = {
          rolloutId: el.dataset.rollout ?? '',
          phase: el.dataset.phase ?? '',
          step: Number(el.dataset.step),
          updatedAt: Number(el.dataset.updatedAt),
        };
        requestAnimationFrame(() => w.__seen!.push({ ...entry, shownAt: Date.now() }));
      }
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
    look();
  });
}

/** What the page has recorded. */
export function seenTransitions(page: Page): Promise<Seen[]> {
  return page.evaluate(() => (window as unknown as { __seen?: Seen[] }).__seen ?? []);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The report: the latencies of the transitions seen, against those committed. */
export function latencyReport(
  seen: readonly Seen[],
  committed: number,
  context: string,
): { markdown: string; json: unknown } {
  const ms = seen.map((s) => s.shownAt - s.updatedAt).sort((a, b) => a - b);
  const stats = {
    transitionsCommitted: committed,
    transitionsShown: seen.length,
    minMs: ms[0] ?? null,
    p50Ms: percentile(ms, 50),
    p95Ms: percentile(ms, 95),
    maxMs: ms[ms.length - 1] ?? null,
  };
  const rows = seen.map(
    (s) => `| ${s.rolloutId.split('@')[1]?.slice(0, 8)} | ${s.phase} | ${s.step} | ${s.shownAt - s.updatedAt} |`,
  );
  const markdown = [
    '# Dashboard: from a transition in Firestore to the screen',
    '',
    `Measured by the browser test (test/e2e/dashboard.test.ts, test/support/latency.ts) on ${context}.`,
    '',
    "Each rollout element carries the rollout's `updatedAt` (the engine's clock when it decided the transition); the",
    'page notes when each new one is first painted. The latency is that moment minus `updatedAt`: the commit, the',
    "Firestore listener's delivery and the render. Transitions that the next one overtook before the listener delivered",
    'them are committed but never shown.',
    '',
    `- transitions committed: ${stats.transitionsCommitted}, shown: ${stats.transitionsShown}`,
    `- latency: min ${stats.minMs} ms, p50 ${stats.p50Ms} ms, p95 ${stats.p95Ms} ms, max ${stats.maxMs} ms`,
    '',
    '| build | phase | step | ms |',
    '| ----- | ----- | ---- | -- |',
    ...rows,
    '',
  ].join('\n');
  return { markdown, json: { ...stats, seen } };
}

/** Writes the report to `dir` as latency.md and latency.json. */
export function writeLatencyReport(dir: string, report: { markdown: string; json: unknown }): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latency.md'), report.markdown);
  fs.writeFileSync(path.join(dir, 'latency.json'), `${JSON.stringify(report.json, null, 2)}\n`);
}
