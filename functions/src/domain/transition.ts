/**
 * The working state of one decide() call: the target as it is being changed, the effects asked for so far (with their
 * deterministic ids) and the rollouts touched. Local and short-lived, so decide() stays a pure function even though the
 * builder mutates itself.
 */
import type { TargetPolicy } from './config/policy.js';
import { effectIdOf, type Effect } from './effects.js';
import type { Decision, Outcome } from './decision.js';
import { isTerminal } from './phase.js';
import type { ActiveRollout, Millis, Rollout, TargetState } from './rollout.js';
import { announcements } from './announce.js';
import { releaseRecordOf, withRelease } from './history.js';

/** An effect before it has an id and its target. */
export type EffectDraft = Effect extends infer E ? (E extends Effect ? Omit<E, 'id' | 'targetId'> : never) : never;

export class Transition {
  private target: TargetState;
  private readonly effects: Effect[] = [];
  private readonly touched = new Map<string, Rollout>();
  private readonly version: number;

  constructor(
    private readonly initial: TargetState,
    readonly now: Millis,
    /** The target's current policy from runway.yaml; null if the target is no longer configured. */
    readonly policy: TargetPolicy | null,
  ) {
    this.target = initial;
    this.version = initial.version + 1;
  }

  get state(): TargetState {
    return this.target;
  }

  /** Replaces parts of the target (not its rollouts: use {@link put} and {@link finish}). */
  patchTarget(patch: Partial<Omit<TargetState, 'id' | 'version' | 'active' | 'queue'>>): void {
    this.target = { ...this.target, ...patch };
  }

  /** The id the next emitted effect will get. */
  peekEffectId(): string {
    return effectIdOf(this.target.id, this.version, this.effects.length);
  }

  /** Asks for an effect; returns its id. */
  emit(draft: EffectDraft): string {
    const id = this.peekEffectId();
    this.effects.push({ ...draft, id, targetId: this.target.id });
    return id;
  }

  /** Stores a changed or new active rollout where it belongs: the active slot if it is the active one, else the queue. */
  put(rollout: ActiveRollout, where: 'active' | 'queue' = this.placeOf(rollout.id) ?? 'queue'): ActiveRollout {
    const updated: ActiveRollout = { ...rollout, updatedAt: this.now };
    const queue = this.target.queue.filter((r) => r.id !== rollout.id);
    if (where === 'active') {
      this.target = { ...this.target, active: updated, queue };
    } else {
      const active = this.target.active?.id === rollout.id ? null : this.target.active;
      this.target = { ...this.target, active, queue: [...queue, updated] };
    }
    this.touched.set(rollout.id, updated);
    return updated;
  }

  /** Ends a rollout: it leaves the target for good, and joins its release history if it had a candidate revision. */
  finish(rollout: Rollout): Rollout {
    const { phase } = rollout;
    if (!isTerminal(phase)) throw new Error(`finish() needs a terminal phase, got ${phase}`);
    const finished: Rollout = { ...rollout, updatedAt: this.now, finishedAt: this.now, waitingFor: null };
    const record = releaseRecordOf({ ...finished, phase }, this.now);
    this.target = {
      ...this.target,
      active: this.target.active?.id === rollout.id ? null : this.target.active,
      queue: this.target.queue.filter((r) => r.id !== rollout.id),
      releases: record ? withRelease(this.target.releases, record) : this.target.releases,
    };
    this.touched.set(rollout.id, finished);
    return finished;
  }

  /** Where a rollout sits in the target now. */
  placeOf(rolloutId: string): 'active' | 'queue' | undefined {
    if (this.target.active?.id === rolloutId) return 'active';
    return this.target.queue.some((r) => r.id === rolloutId) ? 'queue' : undefined;
  }

  /** The decision, with announcements (notifications, published events) for every rollout that changed phase or step. */
  result(outcome: Outcome): Decision {
    const before = new Map<string, Rollout>();
    for (const r of [this.initial.active, ...this.initial.queue]) if (r) before.set(r.id, r);
    for (const rollout of this.touched.values()) {
      for (const draft of announcements(before.get(rollout.id) ?? null, rollout)) this.emit(draft);
    }
    return {
      state: { ...this.target, version: this.version, updatedAt: this.now },
      effects: this.effects,
      outcome,
      rollouts: [...this.touched.values()],
    };
  }
}
