/**
 * A release history with known DORA numbers, written straight into a stack's Firestore for the dashboard's browser
 * test: target `shop.production` (not in any runway.yaml; the dashboard reads what Firestore has), its rollouts over
 * the last 40 days, and what the DORA view must show for the last 30 and 90 days.
 */
import type { Firestore } from 'firebase-admin/firestore';

export const DORA_TARGET = 'shop.production';
const H = 3_600_000;
const DAY = 24 * H;
const MIN = 60_000;

interface Seeded {
  readonly id: string;
  readonly doc: Record<string, unknown>;
}

/** The rollouts, `now` being the test's time. */
export function doraHistory(now: number): Seeded[] {
  let n = 0;
  const release = (
    daysAgo: number,
    leadH: number,
    phase: string,
    extra: Record<string, unknown> = {},
  ): Seeded & { revision: string } => {
    n += 1;
    const built = now - daysAgo * DAY;
    const promoted = extra.promotedAt === null ? null : built + leadH * H;
    const id = `${DORA_TARGET}@seed-${n}`;
    const revision = `shop-0000${n}-seed`;
    return {
      id,
      revision,
      doc: {
        id,
        kind: 'release',
        targetId: DORA_TARGET,
        environment: 'production',
        phase,
        step: 1,
        build: {
          buildId: `seed-${n}`,
          projectId: 'acme-ci',
          image: `europe-docker.pkg.dev/acme/shop@sha256:${String(n).padStart(64, '0')}`,
          commitSha: `${String(n).padStart(7, 'a')}${'0'.repeat(33)}`,
          repository: 'acme/shop',
          branch: 'main',
          tag: null,
          triggerId: null,
          triggerName: null,
          logUrl: null,
          createdAt: built,
          finishedAt: built,
        },
        createdAt: built + MIN,
        updatedAt: built + leadH * H + 10 * MIN,
        promotedAt: promoted,
        finishedAt: built + leadH * H + 10 * MIN,
        candidate: { revision, url: null },
        stableRevision: 'shop-00000-base',
        traffic: { candidatePercent: phase === 'succeeded' ? 100 : 0, pending: null, earlier: [] },
        verdicts: [],
        stop: null,
        ending: null,
        ...extra,
      },
    };
  };
  const stop = (trigger: string, receivedAt: number, appliedAt: number) => ({
    trigger,
    actor: { kind: 'system', id: 'runway' },
    reason: `${trigger} (seeded)`,
    receivedAt,
    toRevision: 'shop-00000-base',
    appliedAt,
    durationMs: appliedAt - receivedAt,
  });
  const rolledBackAt = now - 10 * DAY;
  const reverted = release(5, 5, 'succeeded');
  const revertAt = now - 4 * DAY;
  return [
    release(40, 6, 'succeeded'),
    release(25, 1, 'succeeded'),
    release(20, 2, 'succeeded'),
    release(15, 3, 'succeeded'),
    release(12, 4, 'succeeded'),
    // Rolled back by the analysis ten minutes after its first canary step began.
    release(10, 1, 'rolled_back', {
      promotedAt: null,
      finishedAt: rolledBackAt + 10 * MIN,
      verdicts: [{ metrics: { windowStart: rolledBackAt } }],
      stop: stop('analysis', rolledBackAt + 9 * MIN, rolledBackAt + 10 * MIN),
    }),
    reverted,
    // Reverted by an incident: two minutes from the alert to the previous revision serving again.
    {
      id: `${DORA_TARGET}@revert-1`,
      doc: {
        ...reverted.doc,
        id: `${DORA_TARGET}@revert-1`,
        kind: 'revert',
        phase: 'rolled_back',
        createdAt: revertAt,
        promotedAt: null,
        finishedAt: revertAt + 2 * MIN,
        updatedAt: revertAt + 2 * MIN,
        candidate: { revision: reverted.revision, url: null },
        stop: stop('incident', revertAt, revertAt + 2 * MIN),
      },
    },
  ].map(({ id, doc }) => ({ id, doc }));
}

/** What the DORA view must show: the stat values, by metric, for a period in days. */
export const DORA_EXPECTED: Readonly<Record<30 | 90, Readonly<Record<string, string>>>> = {
  // Promoted: 1, 2, 3, 4 and 5 h lead times; changes: those five and the rolled-back one; failures: it and the revert.
  30: {
    'deployment-frequency': '0.17 / day',
    'lead-time': '3 h',
    'change-failure-rate': '33.3%',
    'time-to-restore': '6 min',
  },
  // The 40-day-old release too: six deployments, a 6 h lead time more, seven changes.
  90: {
    'deployment-frequency': '0.07 / day',
    'lead-time': '3 h 30 min',
    'change-failure-rate': '28.6%',
    'time-to-restore': '6 min',
  },
};

/** Writes the target and its rollouts. */
export async function seedDoraHistory(db: Firestore, now: number): Promise<void> {
  const batch = db.batch();
  const history = doraHistory(now);
  for (const { id, doc } of history) batch.set(db.collection('rollouts').doc(id), doc);
  batch.set(db.collection('targets').doc(DORA_TARGET), {
    id: DORA_TARGET,
    environment: 'production',
    version: history.length * 5,
    stable: { revision: 'shop-00000-base', image: null, rolloutId: null, since: now - 4 * DAY },
    active: null,
    queue: [],
    recentBuilds: [],
    releases: [],
    incidents: [],
    halted: null,
    updatedAt: now - 4 * DAY,
  });
  await batch.commit();
}
