/** `runway rollback` and `runway incident` refusing what they cannot do, before touching anything. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runway } from '../../support/cli.js';

/** A stack directory with no stack.json: nothing running. */
const NO_STACK = { RUNWAY_STACK_DIR: mkdtempSync(join(tmpdir(), 'runway-nostack-')) };

describe.concurrent('runway rollback and runway incident', { timeout: 30_000 }, () => {
  it('rollback requires a reason', async () => {
    const run = await runway(['rollback', 'hello.local'], { env: NO_STACK });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('--reason is required: say why, for the audit log');
  });

  it('rollback says how to start the local stack when none runs', async () => {
    const run = await runway(['rollback', 'hello.local', '--reason', 'x'], { env: NO_STACK });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no local stack is running .*start it with `npm start`/);
  });

  it('incident refuses an unknown state or channel', async () => {
    const state = await runway(['incident', 'ack'], { env: NO_STACK });
    expect(state.stderr).toContain('state must be open or close, not ack');
    const via = await runway(['incident', 'open', '--via', 'email'], { env: NO_STACK });
    expect(via.stderr).toContain('--via must be pubsub or webhook, not email');
  });
});
