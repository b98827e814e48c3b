/**
 * The effect runner: executes outbox effects after their commit (DESIGN.md rule 2) and feeds each result back to the
 * engine as an event. In production a Firestore trigger calls {@link EffectRunner.run} for every new effect, and the
 * scheduled sweep is the backstop that re-drives whatever was left behind: a crash between the commit and the trigger, a
 * runner that died holding a lease, an effect waiting for its next attempt.
 *
 * Failures (DESIGN.md rule 6): a port that throws failed transiently; the effect goes back to pending with exponential
 * backoff and `run` rethrows, so the platform retries too. A best-effort effect (notify, publish) that keeps failing is
 * marked failed and forgotten (rule 9). An effect with a failure event (deploy, traffic, smoke) that keeps failing is
 * answered with that event, so the rollout moves on instead of hanging.
 *
 * `run` leases a pending effect whatever its `nextAttemptAt`: a redelivered trigger retries at the platform's pace.
 * `nextAttemptAt` paces the sweep, which only picks an effect up once its `sweepAt` has passed.
 */
import { randomUUID } from 'node:crypto';
import type { Firestore } from 'firebase-admin/firestore';
import type { Effect } from '../domain/effects.js';
import type { RunwayEvent } from '../domain/events.js';
import {
  acquireLease,
  closeEffect,
  recordGiveUp,
  releaseForRetry,
  sweepableEffects,
} from '../adapters/firestore/outbox.js';
import { dueTimers } from '../adapters/firestore/timers.js';
import { readTarget } from '../adapters/firestore/targets.js';
import { isTrafficChangeObsolete } from '../domain/rollout.js';
import type { EffectDoc, TimerDoc } from '../adapters/firestore/documents.js';
import { engineLog, errorMessage } from '../logs.js';
import { executeEffect, giveUpEvent, isBestEffort } from './execute.js';
import { DEFAULT_OUTBOX, backoffMs, type OutboxOptions } from './outbox.js';
import type { Clock, EffectPorts } from './ports.js';
import { fireTimer } from './timerFiring.js';
import type { EffectRunner, Engine, EngineLog, RunOutcome, SweepCounts } from './types.js';

/** What the runner needs. */
export interface RunnerDeps {
  readonly db: Firestore;
  readonly engine: Engine;
  readonly ports: EffectPorts;
  readonly clock: Clock;
  /** Defaults to Runway's structured logs (logs.ts); tests pass `silentLog`. */
  readonly log?: EngineLog;
  /** Must agree with the engine's (the grace period in particular). */
  readonly outbox?: Partial<OutboxOptions>;
}

/** Creates the effect runner. */
export function createEffectRunner(deps: RunnerDeps): EffectRunner {
  const { db, engine, ports, clock } = deps;
  const options = { ...DEFAULT_OUTBOX, ...deps.outbox };
  const log = deps.log ?? engineLog;
  const now = (): number => clock.now();

  async function run(effectId: string): Promise<RunOutcome> {
    const startedAt = now();
    const token = randomUUID();
    const lease = await acquireLease(db, effectId, token, now, options.leaseMs);
    if (lease.kind !== 'acquired') return { status: lease.kind, effectId };
    const { effect, attempts } = lease.doc;
    try {
      if (await isObsolete(effect)) {
        await closeEffect(db, effect.id, 'done', now(), OBSOLETE_NOTE);
        log.effectSkipped(effect, OBSOLETE_NOTE);
        return { status: 'done', effectId };
      }
      const leasedAt = now();
      const execution = await executeEffect(effect, ports);
      const executedAt = now();
      // A result closes the effect in the same transaction that applies it; anything else is closed here.
      if (execution.kind === 'result') await engine.handle(execution.event);
      else await closeEffect(db, effect.id, 'done', now());
      log.effectSucceeded(effect, attempts, { decidedAt: lease.doc.createdAt, startedAt, leasedAt, executedAt });
      return { status: 'done', effectId };
    } catch (error) {
      return onFailure(effect, attempts, token, error);
    }
  }

  /** Only traffic changes can be out of date in a harmful way (see isTrafficChangeObsolete); the rest run regardless. */
  async function isObsolete(effect: Effect): Promise<boolean> {
    if (effect.type !== 'cloudRun.setTraffic') return false;
    return isTrafficChangeObsolete(await readTarget(db, effect.targetId), effect.rolloutId, effect.id);
  }

  async function onFailure(effect: Effect, attempts: number, token: string, error: unknown): Promise<RunOutcome> {
    const message = errorMessage(error);
    if (isBestEffort(effect) && attempts >= options.bestEffortMaxAttempts) {
      await closeEffect(db, effect.id, 'failed', now(), message);
      log.effectFailed(effect, attempts, error);
      return { status: 'failed', effectId: effect.id };
    }
    const giveUp =
      attempts >= options.giveUpAfterAttempts ? giveUpEvent(effect, giveUpReason(attempts, message)) : null;
    if (giveUp !== null && (await handledQuietly(giveUp))) {
      await recordGiveUp(db, effect.id, message);
      log.effectFailed(effect, attempts, error);
      return { status: 'failed', effectId: effect.id };
    }
    const nextAttemptAt = now() + backoffMs(attempts, options);
    await releaseForRetry(db, effect.id, token, message, nextAttemptAt, options.graceMs);
    log.effectRetrying(effect, attempts, error, nextAttemptAt);
    throw error;
  }

  /** Feeds a give-up event; false if even that failed (then the effect is retried like any other). */
  async function handledQuietly(event: RunwayEvent): Promise<boolean> {
    try {
      await engine.handle(event);
      return true;
    } catch {
      return false;
    }
  }

  async function sweep(): Promise<SweepCounts> {
    const at = now();
    const [effects, timers] = await Promise.all([
      sweepableEffects(db, at, options.sweepBatch),
      dueTimers(db, at, options.sweepBatch),
    ]);
    const [effectCounts, timerCounts] = await Promise.all([redrive(effects), fire(timers)]);
    const counts: SweepCounts = { effects: { found: effects.length, ...effectCounts }, timers: timerCounts };
    log.sweepFinished(counts);
    return counts;
  }

  /** Re-drives effects: in order within a target (as decided), targets side by side (one never holds up another). */
  async function redrive(effects: readonly EffectDoc[]): Promise<Omit<SweepCounts['effects'], 'found'>> {
    const counts = { done: 0, failed: 0, skipped: 0, errors: 0 };
    const byTarget = new Map<string, EffectDoc[]>();
    for (const doc of effects) byTarget.set(doc.targetId, [...(byTarget.get(doc.targetId) ?? []), doc]);
    await Promise.all(
      [...byTarget.values()].map(async (docs) => {
        for (const doc of [...docs].sort(decidedOrder)) {
          try {
            const outcome = await run(doc.id);
            if (outcome.status === 'done') counts.done++;
            else if (outcome.status === 'failed') counts.failed++;
            else counts.skipped++;
          } catch {
            counts.errors++; // already logged and rescheduled by run()
          }
        }
      }),
    );
    return counts;
  }

  async function fire(timers: readonly TimerDoc[]): Promise<SweepCounts['timers']> {
    const counts = { fired: 0, errors: 0 };
    await Promise.all(
      timers.map(async (timer) => {
        try {
          await fireTimer({ db, engine, clock, log }, timer);
          counts.fired++;
        } catch {
          counts.errors++; // stays due: the next sweep tries again, and a duplicate is harmless
        }
      }),
    );
    return counts;
  }

  return { run, sweep };
}

const OBSOLETE_NOTE = 'skipped: a newer traffic change was confirmed, or the rollout has finished';

function giveUpReason(attempts: number, message: string): string {
  return `gave up after ${attempts} attempts: ${message}`;
}

/** The order decide() emitted effects in: by creation, then by the version and index in their ids. */
function decidedOrder(a: EffectDoc, b: EffectDoc): number {
  return a.createdAt - b.createdAt || compareIdParts(a.id, b.id);
}

function compareIdParts(a: string, b: string): number {
  const tail = (id: string): [number, number] => {
    const parts = id.split(':');
    return [Number(parts.at(-2)), Number(parts.at(-1))];
  };
  const [av, an] = tail(a);
  const [bv, bn] = tail(b);
  return av - bv || an - bn || a.localeCompare(b);
}
