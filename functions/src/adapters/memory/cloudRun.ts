/**
 * An in-memory Cloud Run: services with revisions, revision tags and a traffic split. Deterministic revision names
 * (`<service>-00001-dep`, like Cloud Run's `<service>-<n>-<suffix>`), idempotent by effect id, every call recorded, and
 * scriptable failures per operation. It also plays the people and builds around Runway: a person changing the split by
 * hand ({@link MemoryCloudRun.changeSplitByHand}) and a build deploying its own candidate
 * ({@link MemoryCloudRun.deployByBuild}).
 */
import {
  describeSplit,
  sameSplit,
  type DeployCandidate,
  type ServiceRef,
  type SetTraffic,
  type TrafficSplit,
} from '../../domain/effects.js';
import type { CloudRunPort, DeployResult, TrafficResult } from '../../engine/ports.js';
import { FaultPlan } from './faults.js';

interface ServiceState {
  revisions: string[];
  traffic: TrafficSplit;
  /** Revision tag → revision. */
  tags: Map<string, string>;
  /** Revision → the image it runs, where known. */
  images: Map<string, string>;
}

function keyOf(service: ServiceRef): string {
  return `${service.project}/${service.region}/${service.service}`;
}

function tagUrl(service: ServiceRef, tag: string): string {
  return `https://${tag}---${service.service}-test.a.run.app`;
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
    this.services.set(keyOf(service), {
      revisions: [revision],
      traffic: [{ revision, percent: 100 }],
      tags: new Map(),
      images: new Map(),
    });
    return this;
  }

  /** The service's current split ([] for an unknown service). */
  trafficOf(service: ServiceRef): TrafficSplit {
    return this.services.get(keyOf(service))?.traffic ?? [];
  }

  revisionsOf(service: ServiceRef): readonly string[] {
    return this.services.get(keyOf(service))?.revisions ?? [];
  }

  /** The revision a tag points at, if any. */
  taggedRevision(service: ServiceRef, tag: string): string | undefined {
    return this.services.get(keyOf(service))?.tags.get(tag);
  }

  /**
   * A person changes the split outside Runway (the console, `gcloud run services update-traffic`). Throws on a split
   * Cloud Run would refuse, since that is a mistake in the test, not something to simulate.
   */
  changeSplitByHand(service: ServiceRef, split: TrafficSplit): this {
    const state = this.stateOf(service);
    const invalid = invalidSplit(state, split);
    if (invalid !== null) throw new Error(`changeSplitByHand: ${invalid}`);
    state.traffic = split.map((t) => ({ ...t }));
    return this;
  }

  /**
   * What `gcloud run deploy SERVICE --image IMAGE --no-traffic --tag TAG` does in a build: a new revision of `image` at
   * 0% traffic, with `tag` moved onto it. Returns the revision's name.
   */
  deployByBuild(service: ServiceRef, image: string, tag: string): string {
    const state = this.stateOf(service);
    const revision = `${service.service}-${String(state.revisions.length + 1).padStart(5, '0')}-bld`;
    state.revisions.push(revision);
    state.images.set(revision, image);
    state.tags.set(tag, revision);
    return revision;
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
      const result =
        effect.source === 'build' ? adopt(state, effect, stableRevision) : create(state, effect, stableRevision);
      if (result.ok) this.deployedBy.set(effect.id, result);
      return result;
    });
  }

  setTraffic(effect: SetTraffic): Promise<TrafficResult> {
    this.calls.push(effect);
    return Promise.resolve().then((): TrafficResult => {
      const failure = this.trafficFaults.apply();
      if (failure !== null) return { ok: false, reason: failure };
      const state = this.stateOf(effect.service);
      const live = state.traffic;
      // As the real adapter does: read the live split first, and leave a split nobody at Runway chose alone.
      const leftByRunway =
        effect.expected === null ||
        sameSplit(live, effect.split) ||
        effect.expected.some(({ split }) => sameSplit(split, live));
      if (!leftByRunway) {
        return {
          ok: false,
          conflict: true,
          actual: live.map((t) => ({ ...t })),
          reason: `the live split (${describeSplit(live)}) is not one Runway left: someone changed it by hand`,
        };
      }
      const invalid = invalidSplit(state, effect.split);
      if (invalid !== null) return { ok: false, reason: invalid };
      state.traffic = effect.split.map((t) => ({ ...t }));
      return { ok: true, split: state.traffic };
    });
  }

  private stateOf(service: ServiceRef): ServiceState {
    const key = keyOf(service);
    let state = this.services.get(key);
    if (!state) {
      state = { revisions: [], traffic: [], tags: new Map(), images: new Map() };
      this.services.set(key, state);
    }
    return state;
  }
}

/** Why Cloud Run would refuse `split`, or null. */
function invalidSplit(state: ServiceState, split: TrafficSplit): string | null {
  const total = split.reduce((sum, t) => sum + t.percent, 0);
  if (total !== 100) return `traffic must sum to 100, got ${total}`;
  const unknown = split.find((t) => !state.revisions.includes(t.revision));
  return unknown ? `revision ${unknown.revision} does not exist` : null;
}

/** `source: deploy`: a new revision of the image at 0%, with the tag moved onto it. */
function create(state: ServiceState, effect: DeployCandidate, stableRevision: string | null): DeployResult {
  const revision = `${effect.service.service}-${String(state.revisions.length + 1).padStart(5, '0')}-dep`;
  state.revisions.push(revision);
  state.images.set(revision, effect.image);
  state.tags.set(effect.tag, revision);
  return { ok: true, revision, url: tagUrl(effect.service, effect.tag), stableRevision };
}

/** `source: build`: the revision the build deployed with the tag, provided it runs the build's image. */
function adopt(state: ServiceState, effect: DeployCandidate, stableRevision: string | null): DeployResult {
  const revision = state.tags.get(effect.tag);
  if (revision === undefined) {
    return {
      ok: false,
      reason: `no revision of ${effect.service.service} is tagged ${effect.tag}: the build must run gcloud run deploy --no-traffic --tag ${effect.tag}`,
    };
  }
  const image = state.images.get(revision);
  if (image !== effect.image) {
    return {
      ok: false,
      reason: `revision ${revision} (tagged ${effect.tag}) runs ${image ?? 'an unknown image'}, not ${effect.image}`,
    };
  }
  return { ok: true, revision, url: tagUrl(effect.service, effect.tag), stableRevision };
}
