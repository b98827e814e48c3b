/**
 * The one-line-per-target summary `runway config validate` prints for a valid file:
 *
 *     checkout.production  canary 5% 5m → 25% 10m → 50% 10m → 100%  acme-prod/europe-west1/checkout  approval before promotion
 */
import { formatDuration } from '../functions/src/domain/config/duration.js';
import { assertNever } from '../functions/src/domain/phase.js';
import type { StrategyPolicy, TargetPolicy } from '../functions/src/domain/config/policy.js';

/** The strategy as people say it: `canary 10% 5m → 50% 5m → 100%`, `blueGreen`, `immediate`. */
export function describeStrategy(strategy: StrategyPolicy): string {
  switch (strategy.kind) {
    case 'canary':
      return ['canary', ...strategy.steps.map((s) => `${s.weight}% ${formatDuration(s.bakeMs)} →`), '100%'].join(' ');
    case 'blueGreen':
    case 'immediate':
      return strategy.kind;
    default:
      return assertNever(strategy, 'strategy');
  }
}

/** One aligned line per target: id, strategy, Cloud Run service, and the approval gate when there is one. */
export function summarizeTargets(targets: readonly TargetPolicy[]): string[] {
  const rows = targets.map((t) => [
    t.id,
    describeStrategy(t.strategy),
    `${t.project}/${t.region}/${t.service}`,
    t.approval.required
      ? `approval ${t.approval.stage === 'beforeFirstTraffic' ? 'before first traffic' : 'before promotion'}`
      : '',
  ]);
  const widths = [0, 1, 2].map((col) => Math.max(0, ...rows.map((row) => (row[col] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, col) => (col < widths.length ? cell.padEnd(widths[col] ?? 0) : cell))
      .join('  ')
      .trimEnd(),
  );
}
