/**
 * The dashboard's Firestore listeners. Each returns its unsubscribe function; each list query carries the person's
 * read scope (scope.ts), and the history and DORA queries select by environment as firestore.rules require (and as
 * the composite indexes in firestore.indexes.json serve).
 */
import {
  collection,
  doc,
  limit,
  onSnapshot,
  orderBy,
  query,
  where,
  type Firestore,
  type QueryConstraint,
} from 'firebase/firestore';
import { docIdOf } from '../../../functions/src/adapters/firestore/ids.js';
import { environmentOf } from '../../../functions/src/domain/environment.js';
import type { Millis } from '../../../functions/src/domain/rollout.js';
import type { LogEntry, RolloutDoc, TargetDoc } from './documents.js';
import type { Subscribe } from './useSubscription.js';

/** Every target the scope allows, by id. */
export function targetsListener(db: Firestore, scope: QueryConstraint[]): Subscribe<TargetDoc[]> {
  return (next, fail) =>
    onSnapshot(
      query(collection(db, 'targets'), ...scope),
      (snap) => next(snap.docs.map((d) => d.data() as TargetDoc).sort((a, b) => a.id.localeCompare(b.id))),
      fail,
    );
}

/** One target. */
export function targetListener(db: Firestore, targetId: string): Subscribe<TargetDoc | null> {
  return (next, fail) =>
    onSnapshot(doc(db, 'targets', docIdOf(targetId)), (snap) => next((snap.data() as TargetDoc) ?? null), fail);
}

/** One rollout. */
export function rolloutListener(db: Firestore, rolloutId: string): Subscribe<RolloutDoc | null> {
  return (next, fail) =>
    onSnapshot(doc(db, 'rollouts', docIdOf(rolloutId)), (snap) => next((snap.data() as RolloutDoc) ?? null), fail);
}

/** A target's rollouts, newest first. */
export function historyListener(db: Firestore, targetId: string, max: number): Subscribe<RolloutDoc[]> {
  return (next, fail) =>
    onSnapshot(
      query(
        collection(db, 'rollouts'),
        where('environment', '==', environmentOf(targetId)),
        where('targetId', '==', targetId),
        orderBy('createdAt', 'desc'),
        limit(max),
      ),
      (snap) => next(snap.docs.map((d) => d.data() as RolloutDoc)),
      fail,
    );
}

/** Query results, and whether the server has confirmed them (the first snapshot may come from the local cache). */
export interface Synced<T> {
  readonly value: T;
  readonly synced: boolean;
}

/**
 * The rollouts of an environment (or one of its targets) that finished since `from`: what DORA is computed from. Numbers
 * computed from the cache alone would be wrong for a moment, so the view says when they are not confirmed yet.
 */
export function finishedListener(
  db: Firestore,
  selection: { readonly environment: string; readonly targetId: string | null },
  from: Millis,
  max = 2000,
): Subscribe<Synced<RolloutDoc[]>> {
  const byTarget = selection.targetId === null ? [] : [where('targetId', '==', selection.targetId)];
  return (next, fail) =>
    onSnapshot(
      query(
        collection(db, 'rollouts'),
        where('environment', '==', selection.environment),
        ...byTarget,
        where('finishedAt', '>=', from),
        orderBy('finishedAt', 'asc'),
        limit(max),
      ),
      { includeMetadataChanges: true },
      (snap) => next({ value: snap.docs.map((d) => d.data() as RolloutDoc), synced: !snap.metadata.fromCache }),
      fail,
    );
}

/**
 * Every log entry of a rollout, oldest first: the events filed under it and those that changed it while filed under
 * another (a newer build that superseded it), merged.
 */
export function rolloutLogListener(db: Firestore, targetId: string, rolloutId: string): Subscribe<LogEntry[]> {
  return (next, fail) => {
    const log = collection(db, 'targets', docIdOf(targetId), 'log');
    const parts: [Map<string, LogEntry> | null, Map<string, LogEntry> | null] = [null, null];
    const emit = () => {
      if (parts[0] === null || parts[1] === null) return;
      const merged = new Map([...parts[0], ...parts[1]]);
      next([...merged.values()].sort((a, b) => a.at - b.at || a.version - b.version));
    };
    const listen = (i: 0 | 1, constraint: QueryConstraint) =>
      onSnapshot(
        query(log, constraint),
        (snap) => {
          parts[i] = new Map(snap.docs.map((d) => [d.id, d.data() as LogEntry]));
          emit();
        },
        fail,
      );
    const stops = [
      listen(0, where('rolloutId', '==', rolloutId)),
      listen(1, where('rolloutIds', 'array-contains', rolloutId)),
    ];
    return () => stops.forEach((stop) => stop());
  };
}
