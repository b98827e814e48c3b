/**
 * The engine: applies one event to one target in one Firestore transaction (DESIGN.md rules 2 and 3).
 *
 * Inside the transaction it reads the target and the event's log entry; a log entry means the event was handled before,
 * and the duplicate changes nothing. Otherwise it calls the pure `decide()` and writes, atomically: the new state (when
 * the version changed), the log entry (always: it is the audit trail and the dedupe marker), the mirror of every rollout
 * the decision touched, the decided effects as pending outbox documents, and — when the event is an effect's result —
 * that effect's closure. The callback does nothing but transaction reads and pure computation, because Firestore re-runs
 * it on contention; effects run only after the commit (see runner.ts).
 */
import { Timestamp, type DocumentSnapshot, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { SYSTEM, type Actor } from '../domain/actor.js';
import type { RunwayConfig } from '../domain/config/load.js';
import type { TargetPolicy } from '../domain/config/policy.js';
import { decide } from '../domain/decide.js';
import type { Decision } from '../domain/decision.js';
import { assertNever } from '../domain/phase.js';
import { answeredEffectId, rolloutIdOfEvent, type RunwayEvent } from '../domain/events.js';
import { effectRef, logRef, rolloutRef, targetRef } from '../adapters/firestore/collections.js';
import {
  closedEffectFields,
  fromTargetDoc,
  newEffectDoc,
  plain,
  toRolloutDoc,
  toTargetDoc,
  type EffectDoc,
  type LogEntryDoc,
} from '../adapters/firestore/documents.js';
import { DEFAULT_OUTBOX, type OutboxOptions } from './outbox.js';
import type { Clock } from './ports.js';
import type { Engine, EngineLog, HandleResult } from './types.js';
import { engineLog } from '../logs.js';

/** What the engine needs. */
export interface EngineDeps {
  readonly db: Firestore;
  readonly config: RunwayConfig;
  readonly clock: Clock;
  /** Defaults to Runway's structured logs (logs.ts); tests pass `silentLog`. */
  readonly log?: EngineLog;
  readonly outbox?: Partial<OutboxOptions>;
  /**
   * How often Firestore may re-run a transaction that lost a race. Every event on a target contends on its document,
   * so a burst of events needs more than Firestore's default of 5.
   */
  readonly maxTransactionAttempts?: number;
}

const DEFAULT_MAX_TRANSACTION_ATTEMPTS = 30;

/** Creates the engine. */
export function createEngine(deps: EngineDeps): Engine {
  const { db, clock } = deps;
  const outbox = { ...DEFAULT_OUTBOX, ...deps.outbox };
  const log = deps.log ?? engineLog;
  const policies = new Map<string, TargetPolicy>(deps.config.targets.map((p) => [p.id, p]));
  const maxAttempts = deps.maxTransactionAttempts ?? DEFAULT_MAX_TRANSACTION_ATTEMPTS;

  async function handle(event: RunwayEvent): Promise<HandleResult> {
    const result = await db.runTransaction((tx) => handleIn(tx, event), { maxAttempts });
    if (result.status === 'duplicate') log.duplicateEvent(event, result);
    else log.eventHandled(event, result);
    return result;
  }

  async function handleIn(tx: Transaction, event: RunwayEvent): Promise<HandleResult> {
    const answered = answeredEffectId(event);
    const refs = [targetRef(db, event.targetId), logRef(db, event.targetId, event.id)];
    if (answered !== null) refs.push(effectRef(db, answered));
    const [targetSnap, logSnap, effectSnap] = await tx.getAll(...refs);
    const state = fromTargetDoc(event.targetId, targetSnap?.data());

    if (logSnap?.exists) return duplicateOf(logSnap, state.version);

    // Read once per attempt: a re-run transaction decides with the time it actually runs at.
    const now = clock.now();
    const decision = decide(state, event, now, policies.get(event.targetId) ?? null);

    const closes = effectSnap?.exists === true && isOpen(effectSnap);
    const changed = decision.state.version !== state.version;
    // Counted for the audit trail and for the per-rollout write counts benchmarks report.
    const writes = (changed ? 1 : 0) + 1 + decision.rollouts.length + decision.effects.length + (closes ? 1 : 0);
    if (changed) tx.set(refs[0]!, toTargetDoc(decision.state));
    tx.set(refs[1]!, logEntryOf(event, decision, now, writes));
    for (const rollout of decision.rollouts) tx.set(rolloutRef(db, rollout.id), toRolloutDoc(rollout));
    // create(), not set(): effect ids are unique by construction, and a collision must fail loudly, not rerun an effect.
    for (const effect of decision.effects)
      tx.create(effectRef(db, effect.id), newEffectDoc(effect, now, outbox.graceMs));
    if (closes) tx.update(effectSnap.ref, closedEffectFields('done', now, event.id));

    return {
      status: decision.outcome.status,
      message: decision.outcome.message,
      version: decision.state.version,
      effectIds: decision.effects.map((e) => e.id),
      rolloutIds: decision.rollouts.map((r) => r.id),
    };
  }

  return { handle };
}

function duplicateOf(logSnap: DocumentSnapshot, version: number): HandleResult {
  const first = logSnap.data() as LogEntryDoc;
  return {
    status: 'duplicate',
    message: `event ${first.eventId} was handled before (${first.outcome.status}: ${first.outcome.message})`,
    version,
    effectIds: first.effectIds,
    // Entries written before rolloutIds was recorded have none.
    rolloutIds: first.rolloutIds ?? [],
  };
}

function isOpen(snap: DocumentSnapshot): boolean {
  const status = (snap.data() as EffectDoc).status;
  return status === 'pending' || status === 'running';
}

function logEntryOf(event: RunwayEvent, decision: Decision, now: number, writes: number): LogEntryDoc {
  return plain({
    eventId: event.id,
    type: event.type,
    targetId: event.targetId,
    // Events about a target (a build, an alert, a target rollback) are filed under the rollout they started or stopped.
    rolloutId:
      rolloutIdOfEvent(event) ??
      decision.rollouts.find((r) => r.id === decision.state.active?.id)?.id ??
      decision.rollouts[0]?.id ??
      null,
    rolloutIds: decision.rollouts.map((r) => r.id),
    actor: actorOf(event),
    reason: reasonOf(event),
    outcome: { status: decision.outcome.status, message: decision.outcome.message },
    at: now,
    atTs: Timestamp.fromMillis(now),
    version: decision.state.version,
    effectIds: decision.effects.map((e) => e.id),
    writes,
    event,
  });
}

/** Who caused the event: the person behind a command, Runway for everything else. */
function actorOf(event: RunwayEvent): Actor {
  return 'actor' in event ? event.actor : SYSTEM;
}

/** The "why" of the audit trail. */
function reasonOf(event: RunwayEvent): string | null {
  switch (event.type) {
    case 'deploy.failed':
    case 'smoke.failed':
    case 'traffic.failed':
    case 'traffic.conflict':
    case 'analysis.failed':
      return event.reason;
    case 'alert.opened':
      return `${event.policy}: ${event.summary}`;
    case 'build.failed':
      return `build ${event.status}`;
    case 'build.succeeded':
    case 'revision.ready':
    case 'smoke.passed':
    case 'analysis.completed':
    case 'traffic.applied':
    case 'timer.elapsed':
    case 'alert.closed':
      return null;
    case 'command.approve':
    case 'command.reject':
    case 'command.pause':
    case 'command.resume':
    case 'command.promote':
    case 'command.rollback':
    case 'command.abort':
    case 'target.rollback':
    case 'target.freeze':
    case 'target.unfreeze':
      return event.reason;
    default:
      return assertNever(event, 'event');
  }
}
