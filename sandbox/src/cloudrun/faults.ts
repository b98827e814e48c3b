/**
 * What a test (or a person) can do to the stand-in: make the next requests fail as the real API fails, make a write meet
 * a concurrent one, and count the requests it served.
 */
import type { FaultStatus } from './errors.js';

/** The kinds of resource the API serves, as counted and as faults are aimed. */
export type ApiKind = 'services' | 'operations' | 'revisions';
export type ApiMethod = 'GET' | 'PATCH';

/** A fault to inject: the next `count` requests matching `method` and `kind` (either may be left out) answer `status`. */
export interface FaultRule {
  readonly method?: ApiMethod;
  readonly kind?: ApiKind;
  readonly status: FaultStatus;
  readonly count?: number;
}

/** A fault still waiting: `count` is how many requests it will still fail. */
export interface PendingFault extends FaultRule {
  readonly count: number;
}

/** Injected faults, consumed in the order they were added. */
export interface Faults {
  inject(rule: FaultRule): void;
  /**
   * The next PATCH of a service (of the named one, if given) finds that someone else wrote it since it was read: the
   * service's etag moves on just before the PATCH is checked, so the PATCH is refused with ABORTED (HTTP 409).
   */
  conflictNextPatch(service?: string): void;
  /** Faults still waiting for a request. */
  pending(): { readonly rules: readonly PendingFault[]; readonly conflicts: readonly (string | null)[] };
  clear(): void;
}

/** The faults plus what the server asks of them. */
export interface FaultPlan extends Faults {
  /** The status to answer `method` `kind` with, consuming one fault; null when none matches. */
  take(method: string, kind: ApiKind): FaultStatus | null;
  /** Whether a PATCH of `service` should meet a concurrent write, consuming it. */
  takeConflict(service: string): boolean;
}

export function createFaults(): FaultPlan {
  let rules: PendingFault[] = [];
  let conflicts: (string | null)[] = [];
  return {
    inject(rule) {
      const count = rule.count ?? 1;
      if (!Number.isInteger(count) || count < 1)
        throw new Error(`a fault's count must be a whole number ≥ 1, not ${count}`);
      rules.push({ ...rule, count });
    },
    conflictNextPatch(service) {
      conflicts.push(service ?? null);
    },
    pending: () => ({ rules: rules.map((r) => ({ ...r })), conflicts: [...conflicts] }),
    clear() {
      rules = [];
      conflicts = [];
    },
    take(method, kind) {
      const i = rules.findIndex((r) => (!r.method || r.method === method) && (!r.kind || r.kind === kind));
      const rule = rules[i];
      if (!rule) return null;
      if (rule.count <= 1) rules.splice(i, 1);
      else rules[i] = { ...rule, count: rule.count - 1 };
      return rule.status;
    },
    takeConflict(service) {
      const i = conflicts.findIndex((c) => c === null || c === service);
      if (i < 0) return false;
      conflicts.splice(i, 1);
      return true;
    },
  };
}

/** API requests served, by method and kind (`GET services`, `PATCH services`, `GET operations`, `GET revisions`). */
export interface CallCounts {
  /** Requests of `method` on `kind`; leave either out to add up over it. */
  count(method?: ApiMethod, kind?: ApiKind): number;
  /** Every count, keyed `METHOD kind`. */
  snapshot(): Record<string, number>;
  reset(): void;
}

export interface CallCounter extends CallCounts {
  record(method: string, kind: ApiKind): void;
}

export function createCallCounter(): CallCounter {
  const counts = new Map<string, number>();
  return {
    record(method, kind) {
      const key = `${method} ${kind}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    count(method, kind) {
      let total = 0;
      for (const [key, n] of counts) {
        const [m, k] = key.split(' ');
        if ((!method || m === method) && (!kind || k === kind)) total += n;
      }
      return total;
    },
    snapshot: () => Object.fromEntries(counts),
    reset() {
      counts.clear();
    },
  };
}
