/**
 * Drives a harness until nothing is left to do: runs open effects the way the Firestore trigger would (or lets only the
 * sweep find them, as after a crash), and fires timers when nothing else is pending, moving the fake clock to each
 * timer's due time. Deterministic: one effect at a time, in the order decided.
 */
import type { EffectDoc } from '../../functions/src/adapters/firestore/documents.js';
import type { Harness } from './engine-harness.js';

export interface DriveOptions {
  /**
   * `run`: every open effect is run directly, as the `runEffect` trigger does after each commit.
   * `sweep`: nothing is run directly; the clock moves to the next time the sweep has work and the sweep runs.
   */
  readonly via?: 'run' | 'sweep';
  /** A safety net against a rollout that never settles; the drive throws when it is exceeded. */
  readonly maxSteps?: number;
  /** False to stop when only timers are left (in `run` mode), e.g. to catch a rollout while it bakes. Default true. */
  readonly fireTimers?: boolean;
}

export interface DriveReport {
  readonly steps: number;
  /** Errors the runner threw (transient failures); the drive carries on, as the platform would. */
  readonly errors: readonly unknown[];
}

/** Drives until quiescent. See the module comment. */
export async function drive(h: Harness, options: DriveOptions = {}): Promise<DriveReport> {
  const via = options.via ?? 'run';
  const maxSteps = options.maxSteps ?? 500;
  const errors: unknown[] = [];
  for (let steps = 0; steps < maxSteps; steps++) {
    const progressed = via === 'run' ? await runStep(h, errors, options.fireTimers ?? true) : await sweepStep(h);
    if (!progressed) return { steps, errors };
  }
  throw new Error(`not quiescent after ${maxSteps} steps`);
}

/** Runs the first open effect, else fires the earliest memory timer. False when there is nothing to do. */
async function runStep(h: Harness, errors: unknown[], fireTimers: boolean): Promise<boolean> {
  const open = (await h.db.collection('effects').where('status', '==', 'pending').get()).docs
    .map((d) => d.data() as EffectDoc)
    .sort(byDecidedOrder);
  const next = open[0];
  if (next) {
    try {
      await h.runner.run(next.id);
    } catch (error) {
      errors.push(error);
    }
    return true;
  }
  return fireTimers ? fireNextMemoryTimer(h) : false;
}

/** One sweep at the next moment it has work, or the earliest memory timer if that comes first. */
async function sweepStep(h: Harness): Promise<boolean> {
  const [effectDue, timerDue] = await Promise.all([nextSweepAt(h, 'effects'), nextSweepAt(h, 'timers')]);
  const memoryTimer = h.ports.timers.pending()[0];
  const firestoreDue = Math.min(effectDue ?? Infinity, timerDue ?? Infinity);
  if (memoryTimer && memoryTimer.dueAt < firestoreDue) return fireNextMemoryTimer(h);
  if (firestoreDue === Infinity) return false;
  h.clock.advanceTo(firestoreDue);
  await h.runner.sweep();
  return true;
}

async function fireNextMemoryTimer(h: Harness): Promise<boolean> {
  const timer = h.ports.timers.pending()[0];
  if (!timer) return false;
  h.clock.advanceTo(timer.dueAt);
  await h.engine.handle(h.ports.timers.fire(timer.timerId));
  return true;
}

async function nextSweepAt(h: Harness, collection: 'effects' | 'timers'): Promise<number | undefined> {
  const snap = await h.db.collection(collection).where('sweepAt', '>=', 0).orderBy('sweepAt').limit(1).get();
  return snap.docs[0]?.get('sweepAt') as number | undefined;
}

/** The order decide() emitted effects in. */
export function byDecidedOrder(a: EffectDoc, b: EffectDoc): number {
  const tail = (id: string): number[] => id.split(':').slice(-2).map(Number);
  const [av = 0, an = 0] = tail(a.id);
  const [bv = 0, bn = 0] = tail(b.id);
  return a.createdAt - b.createdAt || av - bv || an - bn;
}
