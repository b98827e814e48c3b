/** DORA metrics from rollout records (domain/dora.ts): table-driven, one behaviour per row. */
import { describe, expect, it } from 'vitest';
import {
  bucketSizeFor,
  DAY_MS,
  doraMetrics,
  doraTrend,
  median,
  WEEK_MS,
  type DoraRollout,
  type Period,
} from '../../../functions/src/domain/dora.js';
import type { StopTrigger } from '../../../functions/src/domain/rollout.js';

const T0 = Date.UTC(2026, 10, 1); // 2026-11-01
const H = 60 * 60 * 1000;
const MIN = 60 * 1000;
const PERIOD: Period = { from: T0, to: T0 + 7 * DAY_MS };

let n = 0;

/** A release that was built at `built`, promoted at `promoted` and finished as `phase` at `finished`. */
function release(overrides: Partial<DoraRollout> & { built?: number } = {}): DoraRollout {
  const id = `shop.production@b${++n}`;
  const { built, ...rest } = overrides;
  return {
    id,
    kind: 'release',
    targetId: 'shop.production',
    phase: 'succeeded',
    build: {
      buildId: `b${n}`,
      projectId: 'ci',
      image: 'img',
      commitSha: `c${n}`,
      repository: null,
      branch: 'main',
      tag: null,
      triggerId: null,
      triggerName: null,
      logUrl: null,
      createdAt: built ?? T0 + DAY_MS,
      finishedAt: null,
    },
    createdAt: (built ?? T0 + DAY_MS) + 5 * MIN,
    promotedAt: (built ?? T0 + DAY_MS) + H,
    finishedAt: (built ?? T0 + DAY_MS) + H + 10 * MIN,
    candidate: { revision: `shop-${n}`, url: null },
    stop: null,
    verdicts: [],
    ...rest,
  };
}

function stop(trigger: StopTrigger, receivedAt: number, appliedAt: number | null) {
  return {
    trigger,
    actor: { kind: 'system' as const, id: 'runway' as const },
    reason: 'r',
    receivedAt,
    toRevision: 'shop-stable',
    appliedAt,
    durationMs: appliedAt === null ? null : appliedAt - receivedAt,
  };
}

/** A release rolled back during its canary: first traffic at `exposed`, the trigger at `received`, stable back at `applied`. */
function rolledBack(trigger: StopTrigger, exposed: number, received: number, applied: number | null): DoraRollout {
  return release({
    phase: applied === null ? 'failed' : 'rolled_back',
    promotedAt: null,
    finishedAt: applied ?? received,
    stop: stop(trigger, received, applied),
    verdicts: [{ metrics: { windowStart: exposed } }],
  });
}

function revertOf(r: DoraRollout, received: number, applied: number | null): DoraRollout {
  return {
    ...release(),
    kind: 'revert',
    phase: applied === null ? 'rolling_back' : 'rolled_back',
    createdAt: received,
    promotedAt: null,
    finishedAt: applied,
    candidate: { revision: r.candidate!.revision, url: null },
    stop: stop('incident', received, applied),
  };
}

const day = (d: number, hours = 0) => T0 + d * DAY_MS + hours * H;

describe('doraMetrics', () => {
  const good1 = release({ built: day(1), promotedAt: day(1, 2), finishedAt: day(1, 3) });
  const good2 = release({ built: day(2), promotedAt: day(2, 4), finishedAt: day(2, 5) });
  const byAnalysis = rolledBack('analysis', day(3, 1), day(3, 1) + 6000, day(3, 1) + 6300);
  const byPerson = rolledBack('person', day(4, 1), day(4, 2), day(4, 2) + 1000);
  const notApplied = rolledBack('incident', day(5, 1), day(5, 1) + 500, null);
  const reverted = release({ built: day(5), promotedAt: day(5, 1), finishedAt: day(5, 2) });
  const revert = revertOf(reverted, day(6), day(6) + 800);
  const superseded = release({
    phase: 'superseded',
    promotedAt: null,
    finishedAt: day(6, 3),
    stop: stop('superseded', day(6, 3), day(6, 3) + 100),
  });
  const neverHadTraffic = release({
    phase: 'aborted',
    promotedAt: null,
    finishedAt: day(6, 4),
    stop: { ...stop('smoke_check', day(6, 4), null), toRevision: null },
  });
  const beforePeriod = release({ built: day(-3), promotedAt: day(-3, 1), finishedAt: day(-3, 2) });
  const afterPeriod = release({ built: day(8), promotedAt: day(8, 1), finishedAt: day(8, 2) });
  const all = [
    good1,
    good2,
    byAnalysis,
    byPerson,
    notApplied,
    reverted,
    revert,
    superseded,
    neverHadTraffic,
    beforePeriod,
    afterPeriod,
  ];

  it.each<[string, DoraRollout[], Partial<ReturnType<typeof doraMetrics>>]>([
    [
      'nothing',
      [],
      {
        deployments: 0,
        deploymentsPerDay: 0,
        leadTimeMs: null,
        changes: 0,
        changeFailureRate: null,
        timeToRestoreMs: null,
      },
    ],
    [
      'two good releases: frequency and median lead time',
      [good1, good2],
      {
        deployments: 2,
        deploymentsPerDay: 2 / 7,
        leadTimeMs: 3 * H,
        changes: 2,
        failedChanges: 0,
        changeFailureRate: 0,
      },
    ],
    [
      'a canary rolled back by the analysis: failed, restored from first traffic',
      [byAnalysis],
      { deployments: 0, changes: 1, failedChanges: 1, changeFailureRate: 1, timeToRestoreMs: 6300, restored: 1 },
    ],
    ['rolled back by a person: failed', [byPerson], { failedChanges: 1, timeToRestoreMs: H + 1000 }],
    [
      'a rollback that was not applied: failed and unrestored',
      [notApplied],
      { failedChanges: 1, restored: 0, unrestored: 1, timeToRestoreMs: null },
    ],
    [
      'a promoted release reverted later: a deployment and a failure, restored by the revert',
      [reverted, revert],
      { deployments: 1, changes: 1, failedChanges: 1, timeToRestoreMs: 800 },
    ],
    ['superseded with traffic: a change, not a failure', [superseded], { changes: 1, failedChanges: 0 }],
    ['never had user traffic: not a change', [neverHadTraffic], { changes: 0, changeFailureRate: null }],
    ['outside the period: not counted', [beforePeriod, afterPeriod], { deployments: 0, changes: 0 }],
    [
      'everything together',
      all,
      {
        deployments: 3,
        leadTimeMs: 2 * H,
        changes: 7,
        failedChanges: 4,
        changeFailureRate: 4 / 7,
        timeToRestoreMs: 6300, // the median of 800, 6300 and 1 h 1 s
        restored: 3,
        unrestored: 1,
      },
    ],
  ])('%s', (_name, rollouts, expected) => {
    expect(doraMetrics(rollouts, PERIOD)).toMatchObject(expected);
  });

  it("lead time falls back to the rollout's creation when the build has no time, and is never negative", () => {
    const noBuildTime = release({ promotedAt: day(1, 1) });
    const r = { ...noBuildTime, build: { ...noBuildTime.build, createdAt: null }, createdAt: day(1) };
    expect(doraMetrics([r], PERIOD).leadTimeMs).toBe(H);
    const skewed = release({ built: day(1, 2), promotedAt: day(1, 1), finishedAt: day(1, 3) });
    expect(doraMetrics([skewed], PERIOD).leadTimeMs).toBe(0);
  });
});

describe('doraTrend', () => {
  it('buckets by day up to 31 days and by week beyond, the last bucket cut at the end', () => {
    expect(bucketSizeFor({ from: 0, to: 30 * DAY_MS })).toBe(DAY_MS);
    expect(bucketSizeFor({ from: 0, to: 90 * DAY_MS })).toBe(WEEK_MS);
    const trend = doraTrend([], { from: 0, to: 10 * DAY_MS }, WEEK_MS);
    expect(trend.map((b) => [b.period.from, b.period.to])).toEqual([
      [0, WEEK_MS],
      [WEEK_MS, 10 * DAY_MS],
    ]);
  });

  it('puts each deployment in the bucket of its promotion', () => {
    const r1 = release({ built: day(1), promotedAt: day(1, 1), finishedAt: day(1, 2) });
    const r2 = release({ built: day(1, 5), promotedAt: day(1, 6), finishedAt: day(1, 7) });
    const r3 = release({ built: day(3), promotedAt: day(3, 1), finishedAt: day(3, 2) });
    expect(doraTrend([r1, r2, r3], PERIOD).map((b) => b.deployments)).toEqual([0, 2, 0, 1, 0, 0, 0]);
  });

  it('refuses a bucket size that is not positive', () => {
    expect(() => doraTrend([], PERIOD, 0)).toThrow(/must be positive/);
  });
});

describe('median', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('%j → %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe("the browser test's seeded history", () => {
  it('has the numbers the browser test expects on the DORA view', async () => {
    const { doraHistory, DORA_EXPECTED } = await import('../../support/doraHistory.js');
    const { formatDuration, formatPercent } = await import('../../../hosting/src/model/format.js');
    const now = Date.UTC(2026, 11, 1, 12);
    const rollouts = doraHistory(now).map(({ doc }) => doc as unknown as DoraRollout);
    for (const days of [30, 90] as const) {
      const m = doraMetrics(rollouts, { from: now - days * DAY_MS, to: now });
      expect({
        'deployment-frequency': `${m.deploymentsPerDay.toFixed(2)} / day`,
        'lead-time': formatDuration(m.leadTimeMs),
        'change-failure-rate': formatPercent((m.changeFailureRate ?? 0) * 100),
        'time-to-restore': formatDuration(m.timeToRestoreMs),
      }).toEqual(DORA_EXPECTED[days]);
    }
  });
});
