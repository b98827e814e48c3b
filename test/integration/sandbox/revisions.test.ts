/**
 * The revision host: real local processes, one per revision, behaving as their image says; a crashing image fails to
 * start with Cloud Run's Ready-condition message; nothing is left running afterwards.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CONTAINER_FAILED_TO_START, demoImage } from '../../../sandbox/src/images.js';
import { createRevisionHost, RevisionStartError } from '../../../sandbox/src/revisions/host.js';
import { alive, call, callMany, type HelloBody } from './support.js';

const host = createRevisionHost();
const started: number[] = [];

afterAll(async () => {
  await host.stopAll();
  expect(host.pids()).toEqual([]);
  expect(started.filter(alive)).toEqual([]);
});

/** Starts `revision` of `hello` on demo image `tag`, remembering its pid for the final check. */
async function start(revision: string, tag: string) {
  const process = await host.start({ service: 'hello', revision, image: demoImage(tag).byDigest });
  if (process.pid !== undefined) started.push(process.pid);
  return process;
}

describe('revision host', () => {
  it('starts a revision as a process that answers on its own loopback port', async () => {
    const revision = await start('hello-00001-v1', 'v1');
    expect(revision.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(alive(revision.pid ?? -1)).toBe(true);
    expect(host.get('hello-00001-v1')).toBe(revision);

    const answer = await call(`${revision.url}/`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      service: 'hello',
      revision: 'hello-00001-v1',
      image: demoImage('v1').byDigest,
      ok: true,
    } satisfies HelloBody);
    expect((await call(`${revision.url}/anything/else?x=1`)).status).toBe(200);
    expect((await call(`${revision.url}/healthz`)).status).toBe(200);
  });

  it('runs one process for a revision started twice', async () => {
    const [a, b] = await Promise.all([start('hello-twice', 'v2'), start('hello-twice', 'v2')]);
    expect(a).toBe(b);
    expect(await start('hello-twice', 'v2')).toBe(a);
  });

  it('stops a revision: its process exits and the host forgets it', async () => {
    const revision = await start('hello-stopped', 'v2');
    await revision.stop();
    expect(alive(revision.pid ?? -1)).toBe(false);
    expect(host.get('hello-stopped')).toBeUndefined();
    await expect(call(revision.url)).rejects.toThrow();
  });

  it('rejects a crashing image with the Ready condition message, and leaves no process', async () => {
    const error = await start('hello-crash', 'v5-crash').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RevisionStartError);
    expect((error as RevisionStartError).message).toBe(CONTAINER_FAILED_TO_START);
    expect((error as RevisionStartError).revision).toBe('hello-crash');
    expect((error as RevisionStartError).logs).toContain('exits at start on purpose');
    expect(host.get('hello-crash')).toBeUndefined();
  });

  it('rejects a revision that does not listen within the start timeout, and kills it', async () => {
    // No process listens within 1 ms of being spawned.
    const impatient = createRevisionHost({ startTimeoutMs: 1 });
    await expect(impatient.start({ service: 'hello', revision: 'late', image: demoImage('v1').byTag })).rejects.toThrow(
      CONTAINER_FAILED_TO_START,
    );
    expect(impatient.pids()).toEqual([]);
    await impatient.stopAll();
  });

  it('v6-unhealthy serves, but /healthz answers 503', async () => {
    const revision = await start('hello-unhealthy', 'v6-unhealthy');
    expect((await call(`${revision.url}/healthz`)).status).toBe(503);
    const answer = await call(`${revision.url}/`);
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.text) as HelloBody).ok).toBe(true);
  });

  it('v3-errors answers about 8% of requests with a 500', async () => {
    const revision = await start('hello-errors', 'v3-errors');
    const answers = await callMany(`${revision.url}/`, 500);
    const errors = answers.filter((a) => a.status === 500);
    expect(answers.filter((a) => a.status !== 500).every((a) => a.status === 200)).toBe(true);
    // Binomial(500, 0.08): mean 40, σ ≈ 6. The app's draws are seeded by revision name, so this count is reproducible.
    expect(errors.length).toBeGreaterThanOrEqual(20);
    expect(errors.length).toBeLessThanOrEqual(60);
    expect(JSON.parse(errors[0]?.text ?? '{}')).toMatchObject({ revision: 'hello-errors', ok: false });
  });

  it('v4-slow delays a few requests by ~1.4 s and the rest by a few ms', async () => {
    const revision = await start('hello-slow', 'v4-slow');
    // The app reports each request's drawn delay: checked, rather than the (load-dependent) time it took.
    const delays = (await callMany(`${revision.url}/`, 200, 50)).map((a) => Number(a.headers.get('x-demo-delay-ms')));
    const slow = delays.filter((d) => d >= 1260);
    expect(slow.length).toBeGreaterThanOrEqual(5);
    expect(slow.length).toBeLessThanOrEqual(35);
    expect(slow.every((d) => d <= 1540)).toBe(true);
    expect(delays.filter((d) => d < 1260).every((d) => d <= 15)).toBe(true);
  });

  it('stopAll stops every process', async () => {
    const a = await start('hello-a', 'v1');
    const b = await start('hello-b', 'v2');
    await host.stopAll();
    expect(alive(a.pid ?? -1)).toBe(false);
    expect(alive(b.pid ?? -1)).toBe(false);
    expect(host.pids()).toEqual([]);
    expect(host.get('hello-a')).toBeUndefined();
  });
});
