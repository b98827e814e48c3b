/** The benchmark's report: Markdown tables and a hand-written SVG chart. Pure (strings in, strings out). */
import { POLICIES } from './policies/index.js';
import type { Scenario } from './scenarios.js';
import { cellOf, falseRollbacks, quantile, type Cell } from './stats.js';

export interface ReportMeta {
  readonly command: string;
  readonly seeds: number;
  readonly levels: readonly number[];
  readonly scenarios: readonly Scenario[];
  readonly runs: number;
  readonly seconds: number;
  readonly threads: number;
  readonly date: string;
  readonly node: string;
}

const anchors = POLICIES.filter((p) => p.anchor);
const labelOf = (key: string): string => POLICIES.find((p) => p.key === key)?.label ?? key;

function fmtMin(m: number): string {
  if (!Number.isFinite(m)) return '∞';
  return m < 10 ? m.toFixed(1) : m.toFixed(0);
}

function pct(k: number, n: number, digits = 0): string {
  return n === 0 ? '–' : `${((100 * k) / n).toFixed(digits)}%`;
}

function fmtCount(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)}k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

function fmtBurn(p: number): string {
  if (p === 0) return '0%';
  if (p < 0.01) return '<0.01%';
  return p < 10 ? `${p.toFixed(2)}%` : `${p.toFixed(0)}%`;
}

function fmtRps(rps: number): string {
  return `${rps} rps`;
}

interface Best {
  readonly key: string;
  readonly cell: Cell;
}

/** The anchor that detects most often (ties: the lower p95 time to detect), among `keys`. */
function bestAnchor(cells: Map<string, Cell>, keys: readonly string[], scenario: string, rps: number): Best | null {
  let best: Best | null = null;
  for (const key of keys) {
    const cell = cellOf(cells, key, scenario, rps);
    if (!cell) continue;
    if (
      !best ||
      cell.detected > best.cell.detected ||
      (cell.detected === best.cell.detected && quantile(cell.ttd, 0.95) < quantile(best.cell.ttd, 0.95))
    ) {
      best = { key, cell };
    }
  }
  return best;
}

/** Whether Runway meets the bar against `best`: as often, and a p95 at most half (or finite where it is infinite). */
function meets(runway: Cell, best: Cell): { often: boolean; fast: boolean | null } {
  const often = runway.detected >= best.detected;
  const ours = quantile(runway.ttd, 0.95);
  const theirs = quantile(best.ttd, 0.95);
  if (!Number.isFinite(theirs)) return { often, fast: Number.isFinite(ours) ? true : null };
  return { often, fast: ours <= theirs / 2 };
}

const mark = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? '✅' : '❌');

export function renderMarkdown(cells: Map<string, Cell>, meta: ReportMeta): string {
  const bad = meta.scenarios.filter((s) => s.truth === 'bad');
  const good = meta.scenarios.filter((s) => s.truth === 'good');
  const lines: string[] = [];
  const push = (...xs: string[]): void => {
    lines.push(...xs);
  };
  push(
    '# Canary analysis benchmark',
    '',
    `\`${meta.command}\`, ${meta.date}, Node ${meta.node}: ${meta.scenarios.length} scenarios × ${meta.levels.length} traffic levels × ${meta.seeds} seeds × ${POLICIES.length} policies = ${meta.runs.toLocaleString('en-US')} simulated rollouts in ${meta.seconds.toFixed(0)} s on ${meta.threads} threads.`,
    '',
    'Every policy faces the same simulated world for the same seed (common random numbers); the simulator, the',
    'scenarios, the policies and how to read these tables are described in [bench/README.md](../README.md). Times are',
    'simulated minutes. A miss (a bad release promoted, held, or still undecided after 4 hours) counts as an infinite',
    'time to detect.',
    '',
  );

  // ─── The bar ───
  // The most careful anchor at a level: the one that rolls back the fewest good releases there.
  const carefulAt = new Map<number, string[]>();
  for (const rps of meta.levels) {
    const rates = anchors.map((a) => {
      const f = falseRollbacks(cells, a.key, rps);
      return { key: a.key, rate: f.n > 0 ? f.k / f.n : 1 };
    });
    const lowest = Math.min(...rates.map((r) => r.rate));
    carefulAt.set(
      rps,
      rates.filter((r) => r.rate === lowest).map((r) => r.key),
    );
  }
  push(
    '## The bar',
    '',
    'For each bad scenario and traffic level: Runway against the anchor that detects most often (ties: the lower p95),',
    'and against the most careful anchor (the one that rolls back the fewest good releases at that traffic level; an',
    'anchor that rolls back every quiet release also "detects" every bad one). ✅/❌: detects at least as often; p95',
    'time to detect at most half the anchor’s. Cells: detection rate · median / p95 minutes to detect. _Data floor_:',
    'the p95, over Runway’s runs, of the minutes from the fault’s start until Cloud Monitoring first showed a candidate',
    'sample with requests in it; no policy that reads the metrics can detect sooner (for a fault from the candidate’s',
    'start it is the same for every policy). ❌⁰: half the anchor’s p95 is earlier than that floor.',
    '',
    '| bad scenario | traffic | Runway | data floor | best anchor | as often | ≤ ½ p95 | most careful anchor | as often | ≤ ½ p95 |',
    '| --- | ---: | --- | ---: | --- | :---: | :---: | --- | :---: | :---: |',
  );
  let metAll = 0;
  let metUsable = 0;
  let rows = 0;
  let belowFloor = 0;
  let slowAboveFloor = 0;
  for (const s of bad) {
    for (const rps of meta.levels) {
      const runway = cellOf(cells, 'runway', s.name, rps);
      if (!runway) continue;
      const best = bestAnchor(
        cells,
        anchors.map((a) => a.key),
        s.name,
        rps,
      );
      const usable = bestAnchor(cells, carefulAt.get(rps) ?? [], s.name, rps);
      const summary = (c: Cell): string =>
        `${pct(c.detected, c.runs)} · ${fmtMin(quantile(c.ttd, 0.5))} / ${fmtMin(quantile(c.ttd, 0.95))}`;
      const a = best ? meets(runway, best.cell) : null;
      const u = usable ? meets(runway, usable.cell) : null;
      const floor = quantile(runway.dataFloor, 0.95);
      // An infinite floor says only that the fault did not start (or show) in Runway's runs often enough: no bound.
      const under = (c: Cell | undefined): boolean =>
        c !== undefined && Number.isFinite(floor) && quantile(c.ttd, 0.95) / 2 < floor;
      const fastMark = (ok: boolean | null, c: Cell | undefined): string =>
        ok === false && under(c) ? '❌⁰' : mark(ok);
      rows += 1;
      if (a && a.often && a.fast !== false) metAll += 1;
      if (!usable || (u && u.often && u.fast !== false)) metUsable += 1;
      if (a?.fast === false) {
        if (under(best?.cell)) belowFloor += 1;
        else slowAboveFloor += 1;
      }
      push(
        `| ${s.name} | ${fmtRps(rps)} | ${summary(runway)} | ${fmtMin(floor)} | ${best ? `${labelOf(best.key)}: ${summary(best.cell)}` : '–'} | ${mark(a?.often ?? null)} | ${fastMark(a?.fast ?? null, best?.cell)} | ${usable ? `${labelOf(usable.key)}: ${summary(usable.cell)}` : '–'} | ${mark(u?.often ?? null)} | ${fastMark(u?.fast ?? null, usable?.cell)} |`,
      );
    }
  }
  push(
    '',
    `Runway meets both parts of the bar in ${metAll} of ${rows} rows against the best anchor, and in ${metUsable} of ${rows} against the most careful one.`,
    `Of the ${belowFloor + slowAboveFloor} rows where its p95 is more than half the best anchor’s, ${belowFloor} ask for a p95 earlier than the data floor: no policy reading Cloud Monitoring could meet them.`,
    '',
  );

  // ─── Operating points ───
  push(
    '## Detection against false rollbacks',
    '',
    'Each policy at each traffic level: the share of good releases it rolled back, the share of bad ones it rolled back',
    '(all bad scenarios together), the median time to detect over those runs (misses infinite), and the mean number of',
    'requests served by a faulty candidate.',
    '',
    '| policy | traffic | false rollbacks | bad detected | median minutes to detect | requests served by bad candidates |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const rps of meta.levels) {
    for (const p of POLICIES) {
      const frr = falseRollbacks(cells, p.key, rps);
      const badCells = bad.flatMap((sc) => {
        const c = cellOf(cells, p.key, sc.name, rps);
        return c ? [c] : [];
      });
      const detected = badCells.reduce((n, c) => n + c.detected, 0);
      const runs = badCells.reduce((n, c) => n + c.runs, 0);
      const ttd = badCells.flatMap((c) => c.ttd);
      const served = runs > 0 ? badCells.reduce((n, c) => n + c.meanBadRequests * c.runs, 0) / runs : 0;
      push(
        `| ${p.label} | ${fmtRps(rps)} | ${pct(frr.k, frr.n, 1)} | ${pct(detected, runs)} | ${fmtMin(quantile(ttd, 0.5))} | ${fmtCount(served)} |`,
      );
    }
  }
  push('');

  // ─── Good releases: the summary ───
  const runwayFrr = falseRollbacks(cells, 'runway');
  push(
    '## Good releases',
    '',
    `Runway rolled back ${runwayFrr.k} of ${runwayFrr.n} good releases: **${pct(runwayFrr.k, runwayFrr.n, 2)}** (95% interval ${(100 * runwayFrr.low).toFixed(2)}–${(100 * runwayFrr.high).toFixed(2)}%).`,
    '',
    'False rollback rate over all good scenarios (k/n, 95% Wilson interval):',
    '',
    `| policy | ${meta.levels.map(fmtRps).join(' | ')} | all |`,
    `| --- | ${meta.levels.map(() => '---:').join(' | ')} | ---: |`,
  );
  for (const p of POLICIES) {
    const cellsText = [
      ...meta.levels.map((rps) => falseRollbacks(cells, p.key, rps)),
      falseRollbacks(cells, p.key),
    ].map((f) => `${pct(f.k, f.n, 1)} (${(100 * f.low).toFixed(1)}–${(100 * f.high).toFixed(1)})`);
    push(`| ${p.label} | ${cellsText.join(' | ')} |`);
  }
  push(
    '',
    'Time to 100% on good releases: median minutes over every good scenario and seed (∞ when more than half never got',
    'there: rolled back, or held for lack of evidence), and the share that got there:',
    '',
    `| policy | ${meta.levels.map(fmtRps).join(' | ')} |`,
    `| --- | ${meta.levels.map(() => '---:').join(' | ')} |`,
  );
  for (const p of POLICIES) {
    const row = meta.levels.map((rps) => {
      const times = good.flatMap((s) => cellOf(cells, p.key, s.name, rps)?.timeToFull ?? []);
      const reached = times.filter(Number.isFinite).length;
      return `${fmtMin(quantile(times, 0.5))} (${pct(reached, times.length)})`;
    });
    push(`| ${p.label} | ${row.join(' | ')} |`);
  }
  push('');

  // ─── Bad releases in detail ───
  push(
    '## Bad releases',
    '',
    'Per scenario: detection rate · median / p95 minutes to detect · mean requests served by the faulty candidate ·',
    'mean share of a 30-day 99.9% error budget the fault burnt.',
    '',
  );
  for (const s of bad) {
    push(
      `### ${s.name}: ${s.summary}`,
      '',
      `| policy | ${meta.levels.map(fmtRps).join(' | ')} |`,
      `| --- | ${meta.levels.map(() => '---').join(' | ')} |`,
    );
    for (const p of POLICIES) {
      const row = meta.levels.map((rps) => {
        const c = cellOf(cells, p.key, s.name, rps);
        if (!c) return '–';
        return `${pct(c.detected, c.runs)} · ${fmtMin(quantile(c.ttd, 0.5))}/${fmtMin(quantile(c.ttd, 0.95))} · ${fmtCount(c.meanBadRequests)} · ${fmtBurn(c.meanBudgetBurnPct)}`;
      });
      push(`| ${p.label} | ${row.join(' | ')} |`);
    }
    push('');
  }

  // ─── Good releases in detail ───
  push(
    '## Good releases in detail',
    '',
    'Per scenario: false rollbacks · median / p95 minutes to 100% · held for a person (Runway: too little evidence).',
    '',
  );
  for (const s of good) {
    push(
      `### ${s.name}: ${s.summary}`,
      '',
      `| policy | ${meta.levels.map(fmtRps).join(' | ')} |`,
      `| --- | ${meta.levels.map(() => '---').join(' | ')} |`,
    );
    for (const p of POLICIES) {
      const row = meta.levels.map((rps) => {
        const c = cellOf(cells, p.key, s.name, rps);
        if (!c) return '–';
        const held = c.held > 0 ? ` · held ${pct(c.held, c.runs)}` : '';
        return `${pct(c.rolledBack, c.runs)} · ${fmtMin(quantile(c.timeToFull, 0.5))}/${fmtMin(quantile(c.timeToFull, 0.95))}${held}`;
      });
      push(`| ${p.label} | ${row.join(' | ')} |`);
    }
    push('');
  }
  push('The chart: [judge.svg](judge.svg).', '');
  return lines.join('\n');
}

const COLORS: Readonly<Record<string, string>> = {
  runway: '#d62728',
  'flagger-t5': '#1f77b4',
  'flagger-t10': '#6baed6',
  'crm-100': '#2ca02c',
  'crm-0': '#98df8a',
  kayenta: '#9467bd',
  argo: '#ff7f0e',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
}

/**
 * The chart: for each traffic level, the p95 time to detect per bad scenario and policy (log scale; a miss is a full
 * hatched bar), and beside it the false rollback rate on good releases per policy.
 */
export function renderSvg(cells: Map<string, Cell>, meta: ReportMeta): string {
  const bad = meta.scenarios.filter((s) => s.truth === 'bad');
  const bar = 12;
  const groupWidth = POLICIES.length * bar + 22;
  const left = 60;
  const panelWidth = Math.max(bad.length, 1) * groupWidth;
  const frrLeft = left + panelWidth + 60;
  const frrWidth = POLICIES.length * 16 + 20;
  const width = frrLeft + frrWidth + 20;
  const panelHeight = 150;
  const top = 96;
  const gap = 60;
  const height = top + meta.levels.length * (panelHeight + gap) + 20;
  const maxMin = 240;
  const y = (minutes: number): number => {
    const clamped = Math.min(Math.max(minutes, 1), maxMin);
    return panelHeight * (1 - Math.log(clamped) / Math.log(maxMin));
  };
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    '<defs><pattern id="miss" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="4" fill="#999"/></pattern></defs>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="15" font-weight="bold">Left: p95 minutes to detect a bad release (log scale; hatched: missed in more than 5% of runs).</text>`,
    `<text x="${left}" y="38" font-size="15" font-weight="bold">Right: share of good releases rolled back.</text>`,
    `<text x="${left}" y="56">${escapeXml(`${meta.seeds} seeds per cell; ${meta.date}; bench/reports/judge.md has the numbers`)}</text>`,
  );
  POLICIES.forEach((p, i) => {
    const x = left + i * 125;
    out.push(
      `<rect x="${x}" y="66" width="10" height="10" fill="${COLORS[p.key] ?? '#000'}"/>`,
      `<text x="${x + 14}" y="75">${escapeXml(p.label)}</text>`,
    );
  });
  meta.levels.forEach((rps, row) => {
    const y0 = top + row * (panelHeight + gap);
    out.push(`<g transform="translate(0 ${y0})">`);
    out.push(`<text x="${left}" y="-6" font-weight="bold">${rps} requests per second</text>`);
    for (const tick of [1, 2, 5, 10, 30, 60, 120, 240]) {
      out.push(
        `<line x1="${left}" x2="${left + panelWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#eee"/>`,
        `<text x="${left - 4}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
      );
    }
    bad.forEach((s, g) => {
      const gx = left + g * groupWidth + 7;
      POLICIES.forEach((p, i) => {
        const cell = cellOf(cells, p.key, s.name, rps);
        if (!cell) return;
        const p95 = quantile(cell.ttd, 0.95);
        const x = gx + i * bar;
        if (!Number.isFinite(p95)) {
          out.push(
            `<rect x="${x}" y="0" width="${bar - 1}" height="${panelHeight}" fill="url(#miss)" stroke="${COLORS[p.key]}" stroke-width="1"/>`,
          );
        } else {
          out.push(
            `<rect x="${x}" y="${y(p95)}" width="${bar - 1}" height="${panelHeight - y(p95)}" fill="${COLORS[p.key]}"><title>${escapeXml(`${p.label}, ${s.name}: p95 ${p95.toFixed(1)} min`)}</title></rect>`,
          );
        }
      });
      out.push(
        `<text x="${gx + (POLICIES.length * bar) / 2}" y="${panelHeight + 14}" text-anchor="middle">${escapeXml(s.name)}</text>`,
      );
    });
    out.push(`<line x1="${left}" x2="${left}" y1="0" y2="${panelHeight}" stroke="#333"/>`);
    // False rollbacks at this level.
    const frrMax = 1;
    out.push(`<text x="${frrLeft}" y="-6" font-weight="bold">false rollbacks</text>`);
    for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
      const ty = panelHeight * (1 - tick / frrMax);
      out.push(
        `<line x1="${frrLeft}" x2="${frrLeft + frrWidth}" y1="${ty}" y2="${ty}" stroke="#eee"/>`,
        `<text x="${frrLeft - 4}" y="${ty + 4}" text-anchor="end">${tick * 100}%</text>`,
      );
    }
    POLICIES.forEach((p, i) => {
      const f = falseRollbacks(cells, p.key, rps);
      const rate = f.n > 0 ? f.k / f.n : 0;
      const h = panelHeight * Math.min(1, rate / frrMax);
      out.push(
        `<rect x="${frrLeft + 10 + i * 16}" y="${panelHeight - h}" width="14" height="${Math.max(h, 0.5)}" fill="${COLORS[p.key]}"><title>${escapeXml(`${p.label}: ${(100 * rate).toFixed(1)}%`)}</title></rect>`,
      );
    });
    out.push(`<line x1="${frrLeft}" x2="${frrLeft}" y1="0" y2="${panelHeight}" stroke="#333"/>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
