/**
 * An in-memory Cloud Run: services with revisions and a traffic split. Deterministic revision names
 * (`<service>-00001-dep`, like Cloud Run's `<service>-<n>-<suffix>`), idempotent by effect id, every call recorded, and
 * scriptable failures per operation.
 */
import type { DeployCandidate, ServiceRef, SetTraffic, TrafficSplit } from '../../domain/effects.js';
import type { CloudRunPort, DeployResult, TrafficResult } from '../../engine/ports.js';
import { FaultPlan } from './faults.js';

interface ServiceState {
  revisions: string[];
  traffic: TrafficSplit;
}

function keyOf(service: ServiceRef): string {
  return `${service.project}/${service.region}/${service.service}`;
}

export class MemoryCloudRun implements CloudRunPort {
  private readonly services = new Map<string, ServiceState>();
  private readonly deployedBy = new Map<string, DeployResult>();
  /** Every call, in order. */
  readonly calls: (DeployCandidate | SetTraffic)[] = [];
  readonly deployFaults = new FaultPlan();
  readonly trafficFaults = new FaultPlan();

  /** A service that already serves `revision` at 100%, as before Runway's first rollout. */
  seed(service: ServiceRef, revision: string): this {
    this.services.set(keyOf(service), { revisions: [revision], traffic: [{ revision, percent: 100 }] });
    return this;
  }

  /** The service's current split ([] for an unknown service). */
  trafficOf(service: ServiceRef): TrafficSplit {
    return this.services.get(keyOf(service))?.traffic ?? [];
  }

  revisionsOf(service: ServiceRef): readonly string[] {
    return this.services.get(keyOf(service))?.revisions ?? [];
  }

  deployCandidate(effect: DeployCandidate): Promise<DeployResult> {
    this.calls.push(effect);
    return Promise.resolve().then(() => {
      const failure = this.deployFaults.apply();
      if (failure !== null) return { ok: false, reason: failure };
      const earlier = this.deployedBy.get(effect.id);
      if (earlier) return earlier;
      const state = this.stateOf(effect.service);
      const stableRevision = state.traffic.find((t) => t.percent === 100)?.revision ?? null;
      const revision = `${effect.service.service}-${String(state.revisions.length + 1).padStart(5, '0')}-dep`;
      state.revisions.push(revision);
      const url = `https://${effect.tag}---${effect.service.service}-test.a.run.app`;
      const result: DeployResult = { ok: true, revision, url, stableRevision };
      this.deployedBy.set(effect.id, result);
      return result;
    });
  }

  setTraffic(effect: SetTraffic): Promise<TrafficResult> {
    this.calls.push(effect);
    return Promise.resolve().then(() => {
      const failure = this.trafficFaults.apply();
      if (failure !== null) return { ok: false, reason: failure };
      const state = this.stateOf(effect.service);
      const total = effect.split.reduce((sum, t) => sum + t.percent, 0);
      if (total !== 100) return { ok: false, reason: `traffic must sum to 100, got ${total}` };
      const unknown = effect.split.find((t) => !state.revisions.includes(t.revision));
      if (unknown) return { ok: false, reason: `revision ${unknown.revision} does not exist` };
      state.traffic = effect.split.map((t) => ({ ...t }));
      return { ok: true, split: state.traffic };
    });
  }

  private stateOf(service: ServiceRef): ServiceState {
    const key = keyOf(service);
    let state = this.services.get(key);
    if (!state) {
      state = { revisions: [], traffic: [] };
      this.services.set(key, state);
    }
    return state;
  }
}
