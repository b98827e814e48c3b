/**
 * `npm run bench:judge [-- --seeds N] [--scenario NAME[,NAME…]] [--threads N]`: the canary analysis benchmark. Runs
 * Runway's judge and the anchors' policies (Flagger, cloud-run-release-manager, Kayenta, Argo Rollouts) in the same
 * simulated worlds, N seeds (default 200) per scenario and traffic level, and writes bench/reports/judge.md (tables),
 * bench/reports/judge.svg (the chart) and bench/reports/judge.json (the numbers behind them). See bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { POLICIES } from './policies/index.js';
import { renderMarkdown, renderSvg, type ReportMeta } from './report.js';
import { runAll, type Job } from './runner.js';
import { SCENARIOS, TRAFFIC_LEVELS } from './scenarios.js';
import { cellsOf } from './stats.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    scenario: { type: 'string', multiple: true },
    threads: { type: 'string' },
    out: { type: 'string', default: path.join(repoRoot, 'bench', 'reports') },
  },
});
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1 || seeds > 10_000)
  throw new Error('--seeds must be a whole number from 1 to 10000');
const names = (values.scenario ?? []).flatMap((s) => s.split(',')).filter(Boolean);
const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
if (unknown.length > 0) {
  throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
}
const scenarios = names.length > 0 ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
const threads = values.threads ? Number(values.threads) : Math.max(1, os.availableParallelism());

/** Jobs of 25 seeds, so that the threads share the work evenly. */
const jobs: Job[] = [];
for (const s of scenarios) {
  for (const rps of TRAFFIC_LEVELS) {
    for (let from = 1; from <= seeds; from += 25) {
      jobs.push({
        scenario: s.name,
        rps,
        seeds: Array.from({ length: Math.min(25, seeds - from + 1) }, (_, i) => from + i),
      });
    }
  }
}

const started = performance.now();
let lastShown = 0;
const outcomes = await runAll(jobs, threads, (done, total) => {
  const now = performance.now();
  if (now - lastShown > 5_000 || done === total) {
    lastShown = now;
    console.log(`${done}/${total} jobs, ${((now - started) / 1000).toFixed(0)} s`);
  }
});
const seconds = (performance.now() - started) / 1000;
const cells = cellsOf(outcomes);
const args = process.argv.slice(2).join(' ');
const meta: ReportMeta = {
  command: `npm run bench:judge${args ? ` -- ${args}` : ''}`,
  seeds,
  levels: TRAFFIC_LEVELS,
  scenarios,
  runs: outcomes.length,
  seconds,
  threads,
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
};
fs.mkdirSync(values.out, { recursive: true });
const markdown = renderMarkdown(cells, meta);
fs.writeFileSync(path.join(values.out, 'judge.md'), markdown);
fs.writeFileSync(path.join(values.out, 'judge.svg'), renderSvg(cells, meta));
fs.writeFileSync(
  path.join(values.out, 'judge.json'),
  JSON.stringify(
    {
      meta,
      policies: POLICIES.map((p) => ({ key: p.key, label: p.label, anchor: p.anchor })),
      cells: [...cells.values()].map((c) => ({
        ...c,
        ttd: c.ttd.map((x) => (Number.isFinite(x) ? Number(x.toFixed(2)) : null)),
        dataFloor: c.dataFloor.map((x) => (Number.isFinite(x) ? Number(x.toFixed(2)) : null)),
        timeToFull: c.timeToFull.map((x) => (Number.isFinite(x) ? Number(x.toFixed(2)) : null)),
      })),
    },
    null,
    0,
  ) + '\n',
);
console.log(markdown.split('\n## Bad releases')[0]);
console.log(
  `${outcomes.length} runs in ${seconds.toFixed(1)} s on ${threads} threads; written to ${path.relative(process.cwd(), values.out)}/judge.{md,svg,json}`,
);
