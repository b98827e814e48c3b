/**
 * The lease: two runners racing on one effect (the trigger and the sweep, or a redelivered trigger) call the port once.
 * A lease that expired because its runner stalled lets another take over; the effect then runs twice, and its result
 * still counts once, because the result's event id is derived from the effect's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DeployCandidate } from '../../../functions/src/domain/effects.js';
import { logCollection } from '../../../functions/src/adapters/firestore/collections.js';
import { createEffectRunner } from '../../../functions/src/engine/runner.js';
import type { CloudRunPort, DeployResult } from '../../../functions/src/engine/ports.js';
import type { EffectRunner } from '../../../functions/src/engine/types.js';
import { silentLog } from '../../../functions/src/logs.js';
import { buildSucceeded, CHECKOUT, createHarness, type Harness } from '../../support/engine-harness.js';

interface GatedCloudRun {
  readonly port: CloudRunPort;
  /** Lets every held deploy (and every later one) through. */
  open(): void;
  calls(): number;
  /** Resolves once the port has been called `n` times. */
  reached(n: number): Promise<void>;
}

/** A Cloud Run whose deploys wait until the test opens the gate. */
function gatedCloudRun(h: Harness): GatedCloudRun {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let calls = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const port: CloudRunPort = {
    deployCandidate: async (effect: DeployCandidate): Promise<DeployResult> => {
      calls++;
      for (const w of waiters) if (calls >= w.n) w.resolve();
      await gate;
      return h.ports.cloudRun.deployCandidate(effect);
    },
    setTraffic: (effect) => h.ports.cloudRun.setTraffic(effect),
  };
  const reached = (n: number): Promise<void> =>
    calls >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
  return { port, open, calls: () => calls, reached };
}

function runnerWith(h: Harness, cloudRun: CloudRunPort): EffectRunner {
  const ports = { ...h.runnerPorts, cloudRun };
  return createEffectRunner({ db: h.db, engine: h.engine, ports, clock: h.clock, log: silentLog, outbox: h.outbox });
}

describe('two runners racing on one effect', () => {
  const h = createHarness('engine lease race');
  afterAll(() => h.close());

  it('call the port once: one runs it, the other finds it leased', async () => {
    const { effectIds } = await h.engine.handle(buildSucceeded('race1', h.clock.now()));
    const deployId = effectIds[0] ?? '';
    const gated = gatedCloudRun(h);
    const a = runnerWith(h, gated.port).run(deployId);
    const b = runnerWith(h, gated.port).run(deployId);

    // The loser answers while the winner is still held inside Cloud Run.
    const loser = await Promise.race([a, b]);
    expect(loser.status).toBe('leased');
    gated.open();
    const outcomes = await Promise.all([a, b]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['done', 'leased']);
    expect(gated.calls()).toBe(1);
    expect(await h.runner.run(deployId)).toEqual({ status: 'closed', effectId: deployId });
    expect((await h.effects()).find((e) => e.id === deployId)).toMatchObject({ status: 'done', attempts: 1 });
  });
});

describe('a lease that expires while its runner is stalled', () => {
  const h = createHarness('engine lease expiry');
  afterAll(() => h.close());

  it('lets another runner take over; the result still counts once', async () => {
    const { effectIds, version } = await h.engine.handle(buildSucceeded('stall1', h.clock.now()));
    const deployId = effectIds[0] ?? '';
    const gated = gatedCloudRun(h);
    const stalled = runnerWith(h, gated.port).run(deployId);
    await gated.reached(1);

    h.clock.advance(h.outbox.leaseMs + 1);
    const takeover = runnerWith(h, gated.port).run(deployId);
    await gated.reached(2);
    gated.open();
    expect((await Promise.all([stalled, takeover])).map((o) => o.status)).toEqual(['done', 'done']);

    const resultId = `result:${deployId}`;
    const entries = (await logCollection(h.db, CHECKOUT).get()).docs.filter((d) => d.get('eventId') === resultId);
    expect(entries).toHaveLength(1);
    const target = await h.target();
    expect(target.version).toBe(version + 1);
    expect(target.active?.phase).toBe('verifying');
    expect((await h.effects()).find((e) => e.id === deployId)).toMatchObject({ status: 'done', attempts: 2 });
  });
});
