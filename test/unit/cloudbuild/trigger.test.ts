/**
 * The trigger's retry contract, with an engine that fails on purpose: a message that cannot become an event is
 * acknowledged; a transient engine failure is retried (the handler throws); any other engine failure is acknowledged.
 * The trigger against the real engine on the Firestore emulator: test/integration/triggers/cloudBuild.test.ts.
 */
import functionsTest from 'firebase-functions-test';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunwayEvent } from '../../../functions/src/domain/events.js';
import type { Engine, HandleResult } from '../../../functions/src/engine/types.js';
import {
  createCloudBuildsFunction,
  handleCloudBuildMessage,
  RetryableCloudBuildError,
  type CloudBuildDeps,
  type CloudBuildLog,
} from '../../../functions/src/triggers/cloudBuild.js';
import { fixtureConfig, messageOf, pushEnvelope } from './fixtures.js';

const fft = functionsTest();
afterAll(() => fft.cleanup());

const OK: HandleResult = { status: 'applied', message: 'ok', version: 1, effectIds: [], rolloutIds: [] };

/** An engine that answers per target: a result, or an error to throw. */
function engineFailingWith(failures: Record<string, unknown>): Engine & { readonly seen: RunwayEvent[] } {
  const seen: RunwayEvent[] = [];
  return {
    seen,
    handle(event) {
      seen.push(event);
      return event.targetId in failures ? Promise.reject(failures[event.targetId]) : Promise.resolve(OK);
    },
  };
}

function recordingLog() {
  const lines: { kind: 'ignored' | 'rejected' | 'engineFailed'; text: string; transient?: boolean }[] = [];
  const log: CloudBuildLog = {
    ignored: (reason) => lines.push({ kind: 'ignored', text: reason }),
    rejected: (reason, misses) =>
      lines.push({ kind: 'rejected', text: [reason, ...misses.map((m) => m.targetId)].join(' | ') }),
    engineFailed: (event, _error, transient) => lines.push({ kind: 'engineFailed', text: event.targetId, transient }),
  };
  return { log, lines };
}

function deps(engine: Engine, log: CloudBuildLog): CloudBuildDeps {
  return { config: fixtureConfig(), engine, log };
}

const unavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
const twoImages = pushEnvelope('two-images').message;

describe('handleCloudBuildMessage', () => {
  it('hands every event to the engine and reports the results', async () => {
    const engine = engineFailingWith({});
    const report = await handleCloudBuildMessage(twoImages, deps(engine, recordingLog().log));
    expect(report).toEqual({
      kind: 'handled',
      results: [
        { targetId: 'payments.production', result: OK },
        { targetId: 'migrations.production', result: OK },
      ],
    });
    expect(engine.seen.map((e) => e.type)).toEqual(['build.succeeded', 'build.succeeded']);
  });

  it('throws a retryable error on a transient engine failure, after trying every target', async () => {
    const engine = engineFailingWith({ 'payments.production': unavailable });
    const { log, lines } = recordingLog();
    await expect(handleCloudBuildMessage(twoImages, deps(engine, log))).rejects.toBeInstanceOf(
      RetryableCloudBuildError,
    );
    expect(engine.seen.map((e) => e.targetId)).toEqual(['payments.production', 'migrations.production']);
    expect(lines).toEqual([{ kind: 'engineFailed', text: 'payments.production', transient: true }]);
  });

  it('acknowledges a permanent engine failure (logged as an error) instead of retrying it forever', async () => {
    const engine = engineFailingWith({ 'migrations.production': new TypeError('a bug') });
    const { log, lines } = recordingLog();
    const report = await handleCloudBuildMessage(twoImages, deps(engine, log));
    expect(report).toEqual({ kind: 'handled', results: [{ targetId: 'payments.production', result: OK }] });
    expect(lines).toEqual([{ kind: 'engineFailed', text: 'migrations.production', transient: false }]);
  });

  it('logs and acknowledges what cannot become an event, without calling the engine', async () => {
    const engine = engineFailingWith({});
    const { log, lines } = recordingLog();
    const d = deps(engine, log);
    await expect(handleCloudBuildMessage(pushEnvelope('working').message, d)).resolves.toMatchObject({
      kind: 'ignored',
    });
    await expect(handleCloudBuildMessage({ data: '%%%' }, d)).resolves.toMatchObject({ kind: 'rejected' });
    await expect(handleCloudBuildMessage(null, d)).resolves.toMatchObject({ kind: 'rejected' });
    const unknown = messageOf({
      id: 'b-1',
      projectId: 'acme-prod',
      status: 'SUCCESS',
      substitutions: { _SERVICE_NAME: 'x' },
    });
    await expect(handleCloudBuildMessage(unknown, d)).resolves.toMatchObject({ kind: 'rejected' });
    expect(engine.seen).toEqual([]);
    expect(lines.map((l) => l.kind)).toEqual(['ignored', 'rejected', 'rejected', 'rejected']);
    expect(lines[1]?.text).toBe('malformed Cloud Build notification: message.data is not base64');
    expect(lines[2]?.text).toBe('malformed Cloud Build notification: message: must be an object');
    expect(lines[3]?.text).toContain(
      'no target in runway.yaml matches build b-1 | checkout.staging | checkout.production',
    );
  });
});

describe('the cloudBuilds function (wrapped)', () => {
  it('resolves for a rejected message and rejects on a transient failure, so Pub/Sub redelivers only that', async () => {
    const { log } = recordingLog();
    const failing = fft.wrap(
      createCloudBuildsFunction(() => deps(engineFailingWith({ 'payments.production': unavailable }), log)),
    );
    const build = JSON.parse(Buffer.from(twoImages.data, 'base64').toString('utf8')) as Record<string, unknown>;
    const message = fft.pubsub.makeMessage(build, twoImages.attributes);
    await expect(failing({ data: { message } })).rejects.toThrow(
      /transient failure handling build f7e3a1b9-.*payments\.production: 14 UNAVAILABLE/,
    );

    const unknownService = fft.pubsub.makeMessage(
      { id: 'b-2', projectId: 'acme-prod', status: 'SUCCESS' },
      { buildId: 'b-2', status: 'SUCCESS' },
    );
    await expect(failing({ data: { message: unknownService } })).resolves.toMatchObject({ kind: 'rejected' });
  });
});
