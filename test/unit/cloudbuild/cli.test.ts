/** `runway events parse` as users run it: a real process, its output and its exit code. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runway, type Run } from '../../support/cli.js';
import { FIXTURES_DIR, fixturePath, messageOf } from './fixtures.js';

const CONFIG = fixturePath('runway.yaml');

function parse(file: string, ...extra: string[]): Promise<Run> {
  return runway(['events', 'parse', '--source', 'cloud-build', '--config', CONFIG, file, ...extra]);
}

function tempFile(name: string, content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'runway-cli-')), name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

// Each case starts a process (~1 s); run them side by side, with room for a busy machine (a limit, not a timing).
describe.concurrent('runway events parse --source cloud-build', { timeout: 30_000 }, () => {
  it('prints the build.succeeded event of a push envelope as JSON and exits 0', async () => {
    const run = await parse(fixturePath('push-success.json'));
    expect(run.code).toBe(0);
    const events = JSON.parse(run.stdout) as { type: string; id: string; targetId: string; build: { image: string } }[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'build.succeeded',
      id: 'cloudbuild:b3f1c7a2-5d8e-4e71-9c3a-2f6d8b1e4a90:SUCCESS',
      targetId: 'checkout.staging',
    });
    expect(events[0]?.build.image).toMatch(/checkout\/checkout@sha256:[0-9a-f]{64}$/);
    // Why the other environment did not get it, for the person wondering.
    expect(run.stderr).toContain(
      "not for checkout.production: trigger '7c3f9a52-1e4b-4d0a-8f26-b5e2d9c10a47' is not 'e2a8d614-93bf-4c57-a0d1-6f4b3c8e2d95'",
    );
  });

  it('prints the same events for the bare Build resource', async () => {
    const [envelope, bare] = await Promise.all([
      parse(fixturePath('push-two-images.json')),
      parse(fixturePath('build-two-images.json')),
    ]);
    expect(bare.code).toBe(0);
    expect(JSON.parse(bare.stdout)).toEqual(JSON.parse(envelope.stdout));
    expect((JSON.parse(bare.stdout) as { targetId: string }[]).map((e) => e.targetId)).toEqual([
      'payments.production',
      'migrations.production',
    ]);
  });

  it('prints build.failed for a failed build', async () => {
    const run = await parse(fixturePath('push-failure.json'));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({ type: 'build.failed', status: 'FAILURE', targetId: 'checkout.staging' }),
    ]);
  });

  it('says why a running build is ignored, and exits 0', async () => {
    const run = await parse(fixturePath('push-working.json'));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      'ignored: build 5a9c4e17-b2d0-4f86-93a1-e8c7d6f50b24 is WORKING: Runway acts only on finished builds (SUCCESS starts a rollout; FAILURE, TIMEOUT, INTERNAL_ERROR, CANCELLED and EXPIRED are recorded)\n',
    );
  });

  it('rejects a build without images, saying how to fix it, and exits 1', async () => {
    const run = await parse(fixturePath('build-no-images.json'));
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr.split('\n')[0]).toBe(
      'rejected: the build pushed no image Runway can see: list it under `images:` in cloudbuild.yaml so Cloud Build records its digest',
    );
  });

  it('rejects a build of an unknown service with every target and its reason', async () => {
    const build = {
      id: 'b-9',
      projectId: 'acme-prod',
      status: 'SUCCESS',
      substitutions: { _SERVICE_NAME: 'inventory' },
    };
    const run = await parse(
      tempFile('unknown.json', { message: messageOf(build), subscription: 'projects/p/subscriptions/s' }),
    );
    expect(run).toMatchObject({ code: 1, stdout: '' });
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('rejected: no target in runway.yaml matches build b-9');
    expect(lines.slice(1)).toEqual([
      "  checkout.staging: the build has no trigger id (started by hand?), expected '7c3f9a52-1e4b-4d0a-8f26-b5e2d9c10a47'",
      "  checkout.production: the build has no trigger id (started by hand?), expected 'e2a8d614-93bf-4c57-a0d1-6f4b3c8e2d95'",
      '  payments.production: the build has no image europe-docker.pkg.dev/acme-artifacts/releases/payments-api (it lists none)',
      "  migrations.production: the build sets no REPO_NAME (expected 'payments'); the build has no image europe-docker.pkg.dev/acme-artifacts/releases/payments-migrations (it lists none)",
      "  orders.production: _SERVICE_NAME is 'inventory', not 'orders'",
      "  search.eu: _SERVICE_NAME is 'inventory', not 'search'",
      "  search.us: _SERVICE_NAME is 'inventory', not 'search'",
    ]);
  });

  it('rejects a malformed message with the field at fault', async () => {
    const run = await parse(
      tempFile('bad.json', { message: { data: 'not base64!', attributes: {} }, subscription: 's' }),
    );
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe('rejected: malformed Cloud Build notification: message.data is not base64\n');
  });

  it('reads the message from stdin and runway.yaml from the working directory by default', async () => {
    const run = await runway(['events', 'parse', '--source', 'cloud-build', '-'], {
      cwd: FIXTURES_DIR,
      stdin: JSON.stringify({ id: 'b-7', projectId: 'acme-artifacts', status: 'QUEUED' }),
    });
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ignored: build b-7 is QUEUED: /) });
  });

  it('requires --source, and names the sources it knows', async () => {
    const missing = await runway(['events', 'parse', '--config', CONFIG, fixturePath('push-success.json')]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain('--source is required');
    const unknown = await parse(fixturePath('push-success.json'), '--source', 'datadog');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe(
      "error: unknown --source 'datadog': cloud-build (a Cloud Build notification) or monitoring (a Cloud Monitoring incident)\n",
    );
  });

  it('exits 1 with a plain error when the file or the config cannot be read', async () => {
    const noFile = await parse(join(FIXTURES_DIR, 'nope.json'));
    expect(noFile).toMatchObject({ code: 1, stdout: '' });
    expect(noFile.stderr).toContain('cannot read the message');
    const notJson = await parse(tempFile('x.json', '{ nope'));
    expect(notJson).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('is not JSON') });
    const badConfig = await runway([
      'events',
      'parse',
      '--source',
      'cloud-build',
      '--config',
      tempFile('runway.yaml', 'version: 2\ntargets: {}\n'),
      fixturePath('push-success.json'),
    ]);
    expect(badConfig).toMatchObject({ code: 1, stdout: '' });
    expect(badConfig.stderr).toContain('version: must be 1');
  });
});
