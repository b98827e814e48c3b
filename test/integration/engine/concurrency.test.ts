/**
 * Twenty events on one rollout at the same moment — results, timers, commands from several people, a newer build, stale
 * and refused ones — each delivered twice. Firestore serialises the transactions on the target document: every event
 * is handled exactly once, the versions are contiguous (no two changes were made from the same state: no lost update),
 * and the rollout's invariants hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentData } from 'firebase-admin/firestore';
import type { Actor } from '../../../functions/src/domain/actor.js';
import type { CommandName, RunwayEvent } from '../../../functions/src/domain/events.js';
import { isTerminal } from '../../../functions/src/domain/phase.js';
import { rolloutIdOf, type TargetState } from '../../../functions/src/domain/rollout.js';
import { logCollection } from '../../../functions/src/adapters/firestore/collections.js';
import type { EffectDoc } from '../../../functions/src/adapters/firestore/documents.js';
import { buildSucceeded, CHECKOUT, CHECKOUT_SERVICE, createHarness } from '../../support/engine-harness.js';
import { drive } from '../../support/engine-driver.js';

const h = createHarness('engine concurrency');
afterAll(() => h.close());

const ROLLOUT = rolloutIdOf(CHECKOUT, 'conc1');
const alice: Actor = { kind: 'user', id: 'alice', via: 'dashboard', roles: ['deployer'] };
const bob: Actor = { kind: 'user', id: 'bob', via: 'slack', roles: ['approver'] };

function command(name: CommandName, n: number, actor: Actor, reason: string | null = null): RunwayEvent {
  return { type: `command.${name}`, id: `cmd:${name}:${n}`, targetId: CHECKOUT, rolloutId: ROLLOUT, actor, reason };
}

/** Traffic splits asked for must always sum to 100; at most one rollout is active; queued ones hold no traffic. */
function expectInvariants(target: TargetState, effects: readonly EffectDoc[]): void {
  for (const e of effects) {
    if (e.effect.type === 'cloudRun.setTraffic') expect(e.effect.split.reduce((s, t) => s + t.percent, 0)).toBe(100);
  }
  if (target.active) expect(isTerminal(target.active.phase)).toBe(false);
  expect(target.queue.every((r) => r.phase === 'queued' && r.traffic.candidatePercent === 0)).toBe(true);
  expect(new Set([target.active?.id, ...target.queue.map((r) => r.id)].filter(Boolean)).size).toBe(
    (target.active ? 1 : 0) + target.queue.length,
  );
}

describe('20 concurrent events on one rollout', () => {
  let before: TargetState;
  let bakeTimerId: string;

  beforeAll(async () => {
    await h.engine.handle(buildSucceeded('conc1', h.clock.now()));
    await drive(h, { fireTimers: false }); // deployed, smoke-checked, 10% applied: now baking step 1
    before = await h.target();
    expect(before.active).toMatchObject({ id: ROLLOUT, phase: 'progressing', step: 0 });
    const wait = before.active?.waitingFor;
    bakeTimerId = wait?.kind === 'timer' ? wait.timerId : '';
    expect(bakeTimerId).not.toBe('');
  });

  it('handles each exactly once, with contiguous versions and no lost update', async () => {
    h.clock.advance(5 * 60_000);
    const events: RunwayEvent[] = [
      {
        type: 'timer.elapsed',
        id: `timer:${bakeTimerId}`,
        targetId: CHECKOUT,
        rolloutId: ROLLOUT,
        timerId: bakeTimerId,
      },
      command('pause', 1, alice),
      command('pause', 2, bob),
      command('pause', 3, alice),
      command('resume', 1, bob),
      command('resume', 2, alice),
      command('resume', 3, bob),
      command('promote', 1, alice),
      command('promote', 2, bob),
      command('approve', 1, bob),
      command('approve', 2, alice),
      command('abort', 1, alice), // no reason: refused
      {
        type: 'alert.closed',
        id: 'alert:inc-1:closed',
        targetId: CHECKOUT,
        incidentId: 'inc-1',
        policy: 'p',
        endedAt: null,
        receivedAt: null,
      },
      {
        type: 'alert.closed',
        id: 'alert:inc-2:closed',
        targetId: CHECKOUT,
        incidentId: 'inc-2',
        policy: 'p',
        endedAt: null,
        receivedAt: null,
      },
      buildSucceeded('conc2', h.clock.now()),
      {
        type: 'traffic.applied',
        id: 'result:stale-traffic',
        targetId: CHECKOUT,
        rolloutId: ROLLOUT,
        effectId: `${CHECKOUT}:1:0`,
        split: [],
      },
      {
        type: 'analysis.completed',
        id: 'result:stale-analysis',
        targetId: CHECKOUT,
        rolloutId: ROLLOUT,
        effectId: 'not-awaited',
        metrics: {
          windowStart: 0,
          windowEnd: 1,
          candidate: { requests: 0, errors: 0, p99LatencyMs: null },
          stable: null,
        },
      },
      { type: 'timer.elapsed', id: 'timer:unknown', targetId: CHECKOUT, rolloutId: ROLLOUT, timerId: 'unknown' },
      command('rollback', 1, bob, 'saw something odd'),
      command('pause', 4, bob),
    ];
    expect(new Set(events.map((e) => e.id)).size).toBe(20);

    // Every event twice, all at once: the redelivery races the first delivery.
    const results = await Promise.all([...events, ...events].map((e) => h.engine.handle(e)));

    const firsts = results.filter((r) => r.status !== 'duplicate');
    expect(firsts).toHaveLength(20);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(20);

    const log: DocumentData[] = (await logCollection(h.db, CHECKOUT).get()).docs.map((d) => d.data());
    const entries = log.filter((e) => events.some((ev) => ev.id === e.eventId));
    expect(entries).toHaveLength(20);

    const applied = entries.filter((e) => (e.outcome as { status: string }).status === 'applied');
    const versions = applied.map((e) => e.version as number).sort((a, b) => a - b);
    const after = await h.target();
    expect(applied.length).toBeGreaterThan(1);
    expect(versions).toEqual(Array.from({ length: applied.length }, (_, i) => before.version + 1 + i));
    expect(after.version).toBe(before.version + applied.length);
    // What each handle() returned agrees with the log.
    expect(
      firsts
        .filter((r) => r.status === 'applied')
        .map((r) => r.version)
        .sort((a, b) => a - b),
    ).toEqual(versions);

    expectInvariants(after, await h.effects());
    // The abort without a reason is refused whatever came before it.
    expect(entries.find((e) => e.eventId === 'cmd:abort:1')?.outcome).toMatchObject({ status: 'refused' });
    // Effect ids are unique per version, so no two events' effects collide.
    const effectIds = firsts.flatMap((r) => r.effectIds);
    expect(new Set(effectIds).size).toBe(effectIds.length);
  });

  it('settles afterwards: both rollouts end, and Cloud Run ends on a single revision at 100%', async () => {
    const report = await drive(h);
    expect(report.errors).toEqual([]);
    const target = await h.target();
    expectInvariants(target, await h.effects());
    expect(target.active).toBeNull();
    expect(target.queue).toEqual([]);
    for (const id of [ROLLOUT, rolloutIdOf(CHECKOUT, 'conc2')]) {
      const rollout = await h.rollout(id);
      expect(rollout && isTerminal(rollout.phase)).toBe(true);
    }
    const traffic = h.ports.cloudRun.trafficOf(CHECKOUT_SERVICE);
    expect(traffic).toHaveLength(1);
    expect(traffic[0]?.percent).toBe(100);
    expect(traffic[0]?.revision).toBe(target.stable?.revision);
  });
});
