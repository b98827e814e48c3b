/**
 * The demo registry: deterministic digests, the demo images by tag and by digest, and the behaviour each image's
 * revisions have (healthy unless the registry says otherwise).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CONTAINER_FAILED_TO_START,
  DEMO_IMAGES,
  DEMO_REPOSITORY,
  HEALTHY,
  demoImage,
  digestOf,
  parseImage,
  profileOf,
  type LatencyModel,
} from '../../../sandbox/src/images.js';

/** The q-quantile of a latency model's tail, for q above the fast share (uniform tail on [0.9, 1.1] × tailMs). */
function tailQuantile(model: LatencyModel, q: number): number {
  const withinTail = 1 - (1 - q) / model.tailShare;
  return model.tailMs * (0.9 + 0.2 * withinTail);
}

describe('demo images', () => {
  it('has the six demo images of hello, in order', () => {
    expect(DEMO_IMAGES.map((i) => i.tag)).toEqual(['v1', 'v2', 'v3-errors', 'v4-slow', 'v5-crash', 'v6-unhealthy']);
    for (const image of DEMO_IMAGES) {
      expect(image.name).toBe('hello');
      expect(image.description).toMatch(/\S/);
      expect(image.description).not.toContain('\n');
    }
  });

  it('digests are sha256 of REPOSITORY:TAG', () => {
    const expected = createHash('sha256').update(`${DEMO_REPOSITORY}:v2`).digest('hex');
    expect(digestOf(DEMO_REPOSITORY, 'v2')).toBe(`sha256:${expected}`);
    expect(new Set(DEMO_IMAGES.map((i) => i.digest)).size).toBe(DEMO_IMAGES.length);
  });

  it('demoImage gives the image by tag and by digest', () => {
    const image = demoImage('v3-errors');
    expect(image).toEqual({
      repository: 'europe-west1-docker.pkg.dev/demo-runway/sandbox/hello',
      tag: 'v3-errors',
      digest: digestOf(DEMO_REPOSITORY, 'v3-errors'),
      byTag: `${DEMO_REPOSITORY}:v3-errors`,
      byDigest: `${DEMO_REPOSITORY}@${digestOf(DEMO_REPOSITORY, 'v3-errors')}`,
    });
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('demoImage refuses a tag the registry does not have, naming those it has', () => {
    expect(() => demoImage('v9')).toThrow(/no demo image hello:v9.*v1, v2/);
  });
});

describe('parseImage', () => {
  it.each([
    ['r/hello:v1', { repository: 'r/hello', tag: 'v1', digest: null }],
    ['r/hello@sha256:ab', { repository: 'r/hello', tag: null, digest: 'sha256:ab' }],
    ['r/hello:v1@sha256:ab', { repository: 'r/hello', tag: 'v1', digest: 'sha256:ab' }],
    ['localhost:5000/hello', { repository: 'localhost:5000/hello', tag: null, digest: null }],
    ['localhost:5000/hello:v2', { repository: 'localhost:5000/hello', tag: 'v2', digest: null }],
    ['hello', { repository: 'hello', tag: null, digest: null }],
  ])('%s', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });
});

describe('profileOf', () => {
  it('finds every demo image by digest, by tag, and by its short name', () => {
    for (const image of DEMO_IMAGES) {
      expect(profileOf(image.byDigest)).toBe(image.profile);
      expect(profileOf(image.byTag)).toBe(image.profile);
      expect(profileOf(`hello:${image.tag}`)).toBe(image.profile);
    }
  });

  it('goes by the digest when an image has both a tag and a digest', () => {
    expect(profileOf(`${DEMO_REPOSITORY}:v1@${demoImage('v3-errors').digest}`).errorRate).toBe(0.08);
  });

  it('treats any image it does not know as healthy', () => {
    expect(profileOf('gcr.io/other/app:v3-errors')).toBe(HEALTHY);
    expect(profileOf(`${DEMO_REPOSITORY}:v7`)).toBe(HEALTHY);
    expect(profileOf(`${DEMO_REPOSITORY}@sha256:${'0'.repeat(64)}`)).toBe(HEALTHY);
    expect(profileOf('')).toBe(HEALTHY);
  });

  it('gives each demo image its behaviour', () => {
    const of = (tag: string) => profileOf(demoImage(tag).byDigest);
    expect(of('v1')).toEqual(HEALTHY);
    expect(of('v2')).toEqual(HEALTHY);
    expect(of('v3-errors')).toEqual({ ...HEALTHY, errorRate: 0.08 });
    expect(of('v5-crash').startup).toEqual({ fails: true, message: CONTAINER_FAILED_TO_START });
    expect(of('v6-unhealthy')).toEqual({ ...HEALTHY, healthStatus: 503 });
    const slow = of('v4-slow');
    expect({ ...slow, latency: HEALTHY.latency }).toEqual(HEALTHY);
    // Most requests fast, and the 99th percentile in the tail, around 1.5 s.
    expect(slow.latency.tailShare).toBeGreaterThan(0.01);
    expect(slow.latency.tailShare).toBeLessThan(0.5);
    expect(tailQuantile(slow.latency, 0.99)).toBeGreaterThan(1400);
    expect(tailQuantile(slow.latency, 0.99)).toBeLessThan(1600);
  });

  it("healthy images stay well under the demo's 800 ms p99 limit", () => {
    expect(HEALTHY.latency.tailMs * 1.1).toBeLessThan(800);
    expect(HEALTHY.errorRate).toBe(0);
    expect(HEALTHY.healthStatus).toBe(200);
    expect(HEALTHY.startup.fails).toBe(false);
  });
});
