/** The dashboard's pure view models: progress and weights, controls per phase and role, traffic, history, timeline. */
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../functions/src/domain/config/schema.js';
import type { Phase } from '../../../functions/src/domain/phase.js';
import type { Rollout } from '../../../functions/src/domain/rollout.js';
import type { LogEntry } from '../../../hosting/src/data/documents.js';
import { actionsInPhase, rolloutActions, targetActions } from '../../../hosting/src/model/actions.js';
import { verdictRows } from '../../../hosting/src/model/analysis.js';
import { formatDuration, formatDurationShort, formatPercent } from '../../../hosting/src/model/format.js';
import { filterHistory, NO_FILTER } from '../../../hosting/src/model/history.js';
import { consoleLinks } from '../../../hosting/src/model/links.js';
import { dateOf, periodChoiceOf, periodKey, periodLabel, periodOf } from '../../../hosting/src/model/period.js';
import { liveWeights, progressLabel, stepsOf } from '../../../hosting/src/model/progress.js';
import { timelineOf } from '../../../hosting/src/model/timeline.js';
import { trafficSeries } from '../../../hosting/src/model/traffic.js';
import { canaryPolicy, driveTo, PASSING, policyOf, user, ACTORS } from '../../support/domain-fixtures.js';

/** A rollout at canary step 1 (50%), confirmed. */
function atSecondStep(): Rollout {
  return driveTo('progressing:baking', { step: 1 }).active;
}

describe('progress', () => {
  it('marks the steps before the current one done, and labels where it is', () => {
    const r = atSecondStep();
    expect(stepsOf(r)).toEqual([
      { weight: 10, state: 'done' },
      { weight: 50, state: 'current' },
      { weight: 100, state: 'upcoming' },
    ]);
    expect(progressLabel(r)).toBe('step 2 of 3 (50%)');
    expect(liveWeights(r)).toEqual({ candidate: 50, stable: 50, pending: null });
  });

  it('before the first step, and once promoted', () => {
    const deploying = driveTo('deploying').active;
    expect(progressLabel(deploying)).toBe('before the first step (3 to go)');
    const promoted = driveTo('promoted:guard').active;
    expect(stepsOf(promoted).every((s) => s.state === 'done')).toBe(true);
    expect(progressLabel(promoted)).toBe('all 3 steps done (100%)');
  });

  it('a blue-green rollout has one step; finished rollouts serve nothing on the candidate unless they succeeded', () => {
    const r = driveTo('deploying', { policy: policyOf({ strategy: { blueGreen: {} } }) }).active;
    expect(stepsOf(r)).toEqual([{ weight: 100, state: 'upcoming' }]);
    const base = atSecondStep();
    const at = (phase: Phase) => liveWeights({ ...base, phase }).candidate;
    expect([at('rolled_back'), at('succeeded'), at('failed')]).toEqual([0, 100, 50]);
  });
});

describe('controls', () => {
  it.each<[Phase, boolean, string[]]>([
    ['queued', false, ['abort']],
    ['verifying', false, ['abort']],
    ['awaiting_approval', false, ['approve', 'reject', 'rollback']],
    ['progressing', false, ['pause', 'promote', 'rollback']],
    ['paused', false, ['resume', 'promote', 'rollback']],
    ['promoted', false, ['rollback']],
    ['rolling_back', false, []],
    ['succeeded', false, []],
    ['failed', true, ['resume']],
    ['failed', false, []],
  ])('%s (halts its target: %s): %j', (phase, halts, expected) => {
    expect(actionsInPhase(phase, halts)).toEqual(expected);
  });

  it('shows who may not, and which need a reason', () => {
    const r = { ...atSecondStep(), phase: 'awaiting_approval' as const };
    const asViewer = rolloutActions(r, null, ['viewer']);
    expect(asViewer.map((a) => [a.action, a.allowed, a.destructive, a.confirm])).toEqual([
      ['approve', false, false, false],
      ['reject', false, true, true],
      ['rollback', false, true, true],
    ]);
    expect(asViewer[0]?.why).toBe('needs one of: approver, admin');
    expect(rolloutActions(r, null, ['approver']).every((a) => a.allowed)).toBe(true);
    const deployer = rolloutActions(r, null, ['deployer']);
    expect(deployer.map((a) => a.allowed)).toEqual([false, false, true]);
  });

  it("offers a target's rollback only with nothing in flight and a release to roll back; freeze or unfreeze always", () => {
    const sim = driveTo('progressing:baking');
    const actionsOf = (target: Parameters<typeof targetActions>[0], roles: Role[]) =>
      targetActions(target, roles).map((a) => [a.action, a.allowed]);
    expect(actionsOf(sim.state, ['admin'])).toEqual([['freeze', true]]);
    const idle = { ...sim.state, active: null, releases: [] };
    expect(actionsOf(idle, ['admin'])).toEqual([['freeze', true]]);
    const released = { ...idle, releases: sim.state.releases.length > 0 ? sim.state.releases : [{} as never] };
    expect(actionsOf(released, ['deployer'])).toEqual([
      ['rollbackTarget', true],
      ['freeze', true],
    ]);
    const frozen = { ...released, frozen: { reason: 'holiday', actor: ACTORS.admin, at: 0 } };
    // Unfreezing lets releases go on: it takes an approver.
    expect(actionsOf(frozen, ['deployer'])).toEqual([
      ['rollbackTarget', true],
      ['unfreeze', false],
    ]);
  });
});

function entry(at: number, event: LogEntry['event'], status: LogEntry['outcome']['status'] = 'applied'): LogEntry {
  return {
    eventId: `${event.id}`,
    type: event.type,
    targetId: event.targetId,
    rolloutId: 'rolloutId' in event ? event.rolloutId : null,
    actor: 'actor' in event ? event.actor : { kind: 'system', id: 'runway' },
    reason: 'reason' in event && typeof event.reason === 'string' ? event.reason : null,
    outcome: { status, message: `${event.type} ${status}` },
    at,
    version: at,
    event,
  };
}

describe('traffic over time', () => {
  it('is a step function of the confirmed splits, from 0% to the end', () => {
    const r = { ...atSecondStep(), createdAt: 1000, finishedAt: 9000, candidate: { revision: 'cand', url: null } };
    const applied = (at: number, percent: number) =>
      entry(at, {
        type: 'traffic.applied',
        id: `t${at}`,
        targetId: r.targetId,
        rolloutId: r.id,
        effectId: `e${at}`,
        split: [
          { revision: 'cand', percent },
          { revision: 'stable', percent: 100 - percent },
        ],
      });
    const other = {
      ...applied(3000, 99),
      event: { ...applied(3000, 99).event, rolloutId: 'someone-else' },
    } as LogEntry;
    expect(trafficSeries(r, [applied(5000, 50), applied(2000, 10), other], 20_000)).toEqual([
      { at: 1000, candidate: 0 },
      { at: 2000, candidate: 10 },
      { at: 5000, candidate: 50 },
      { at: 9000, candidate: 50 },
    ]);
  });
});

describe('analysis rows', () => {
  it('each verdict with its limits, oldest first', () => {
    const sim = driveTo('progressing:analysing', { policy: canaryPolicy() });
    sim.answer(true, { metrics: PASSING });
    const rows = verdictRows(sim.active.verdicts);
    expect(rows[0]).toMatchObject({
      step: 0,
      result: 'pass',
      requests: 200,
      minRequests: 20,
      maxErrorRate: 1,
      maxP99: 500,
    });
  });
});

describe('history filters', () => {
  it('by outcome, kind, stop trigger, text and time', () => {
    const base = atSecondStep();
    const a = { ...base, id: 'a', phase: 'succeeded' as const, finishedAt: 5, createdAt: 100 };
    const b = {
      ...base,
      id: 'b',
      phase: 'rolled_back' as const,
      finishedAt: 6,
      createdAt: 200,
      stop: {
        trigger: 'analysis' as const,
        actor: user('ada', ['admin']),
        reason: '5xx spike',
        receivedAt: 1,
        toRevision: 'x',
        appliedAt: 2,
        durationMs: 1,
      },
    };
    const c = { ...base, id: 'c', kind: 'revert' as const, createdAt: 300 };
    const ids = (f: Partial<typeof NO_FILTER>) => filterHistory([a, b, c], { ...NO_FILTER, ...f }).map((r) => r.id);
    expect(ids({})).toEqual(['a', 'b', 'c']);
    expect(ids({ outcome: 'rolled_back' })).toEqual(['b']);
    expect(ids({ outcome: 'active' })).toEqual(['c']);
    expect(ids({ kind: 'revert' })).toEqual(['c']);
    expect(ids({ trigger: 'analysis' })).toEqual(['b']);
    expect(ids({ text: '5XX' })).toEqual(['b']);
    expect(ids({ from: 150, to: 300 })).toEqual(['b']);
  });
});

describe('timeline and links', () => {
  it('says what happened, who did it and what became of it, oldest first', () => {
    const r = atSecondStep();
    const items = timelineOf([
      entry(
        2,
        {
          type: 'command.pause',
          id: 'p',
          targetId: r.targetId,
          rolloutId: r.id,
          actor: user('ada', ['viewer'], 'dashboard'),
          reason: 'look',
        },
        'refused',
      ),
      entry(1, { type: 'timer.elapsed', id: 't', targetId: r.targetId, rolloutId: r.id, timerId: 'x' }),
    ]);
    expect(items.map((i) => [i.title, i.actor, i.reason, i.status])).toEqual([
      ['Timer elapsed', 'Runway', null, 'applied'],
      ['Pause', 'ada (dashboard)', 'look', 'refused'],
    ]);
  });

  it('links to the Cloud Run service, the build and the metrics', () => {
    const links = consoleLinks(atSecondStep()).map((l) => l.href);
    expect(links[0]).toBe(
      'https://console.cloud.google.com/run/detail/europe-west1/checkout/revisions?project=acme-prod',
    );
    expect(links[1]).toMatch(/^https:\/\/console\.cloud\.google\.com\/cloud-build\/builds\//);
    expect(links.some((l) => l.includes('/metrics?project=acme-prod'))).toBe(true);
  });
});

describe('formats', () => {
  it.each([
    [250, '250 ms'],
    [6200, '6.2 s'],
    [42_000, '42 s'],
    [250_000, '4 min 10 s'],
    [3 * 3600_000 + 5 * 60_000, '3 h 5 min'],
    [52 * 3600_000, '2 d 4 h'],
    [null, '—'],
  ])('%s ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [250, '250 ms'],
    [6200, '6.2 s'],
    [270_000, '4.5 min'],
    [10_000_000, '2.8 h'],
    [3 * 86_400_000, '3 d'],
  ])('on an axis, %s ms → %s', (ms, text) => {
    expect(formatDurationShort(ms)).toBe(text);
  });

  it('percent', () => {
    expect([formatPercent(12.5), formatPercent(3), formatPercent(null)]).toEqual(['12.5%', '3%', '—']);
  });
});

describe('the DORA period', () => {
  const params = (query: string) => new URLSearchParams(query);

  it('is the last 30 days unless the URL says otherwise', () => {
    expect(periodChoiceOf(params(''))).toEqual({ kind: 'last', days: 30 });
    expect(periodChoiceOf(params('days=7'))).toEqual({ kind: 'last', days: 7 });
    expect(periodChoiceOf(params('days=12'))).toEqual({ kind: 'last', days: 30 });
    expect(periodChoiceOf(params('days=custom&from=2026-11-01'))).toEqual({ kind: 'last', days: 30 });
    expect(periodChoiceOf(params('from=2026-11-30&to=2026-11-01'))).toEqual({ kind: 'last', days: 30 });
  });

  it('a range of whole days, both included', () => {
    const choice = periodChoiceOf(params('days=custom&from=2026-11-01&to=2026-11-03'));
    expect(choice).toEqual({ kind: 'range', from: '2026-11-01', to: '2026-11-03' });
    const period = periodOf(choice, 0);
    expect([dateOf(period.from), dateOf(period.to)]).toEqual(['2026-11-01', '2026-11-04']);
    expect([periodKey(choice), periodLabel(choice)]).toEqual(['2026-11-01..2026-11-03', '2026-11-01 to 2026-11-03']);
  });

  it('the last N days end now, to the minute', () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 30);
    expect(periodOf({ kind: 'last', days: 7 }, now)).toEqual({ from: now + 30_000 - 7 * 86_400_000, to: now + 30_000 });
  });
});
