/** `runway events parse --source monitoring` as users run it: a real process, its output and its exit code. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runway } from '../../support/cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/monitoring/${name}`, import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../runway.yaml', import.meta.url));

describe.concurrent('runway events parse --source monitoring', { timeout: 30_000 }, () => {
  it('prints the alert.opened event of a push envelope, and why the other targets do not get it', async () => {
    const run = await runway([
      'events',
      'parse',
      '--source',
      'monitoring',
      '--config',
      EXAMPLE,
      fixture('push-open.json'),
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject([
      {
        type: 'alert.opened',
        id: 'alert:0.nx2kq8wrmf3v:open',
        targetId: 'checkout.production',
        policy: 'checkout 5xx rate',
        startedAt: 1_764_590_400_000,
      },
    ]);
    expect(run.stderr).toContain(
      'not for checkout.staging: its rollback.alertPolicies do not list "checkout 5xx rate"',
    );
  });

  it('prints alert.closed for a closed incident', async () => {
    const run = await runway([
      'events',
      'parse',
      '--source',
      'monitoring',
      '--config',
      EXAMPLE,
      fixture('incident-closed.json'),
    ]);
    expect(JSON.parse(run.stdout)).toMatchObject([{ type: 'alert.closed', endedAt: 1_764_591_000_000 }]);
  });

  it('rejects a malformed notification with the field, exit 1', async () => {
    const run = await runway(['events', 'parse', '--source', 'monitoring', '--config', EXAMPLE, '-'], {
      stdin: JSON.stringify({ incident: { incident_id: 'x', state: 'acked' } }),
    });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(
      'rejected: malformed Cloud Monitoring notification: incident.state: must be open or closed\n',
    );
  });
});
