/** `runway users` refusing what it cannot do, before touching anything. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runway } from '../../support/cli.js';

/** A stack directory with no stack.json: nothing running. */
const NO_STACK = { RUNWAY_STACK_DIR: mkdtempSync(join(tmpdir(), 'runway-nostack-')) };

describe.concurrent('runway users', { timeout: 30_000 }, () => {
  it('refuses an unknown role', async () => {
    const run = await runway(['users', 'grant', 'ada@example.com', 'root'], { env: NO_STACK });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('unknown role root: one of viewer, deployer, approver, admin');
  });

  it('refuses something that is not an environment', async () => {
    const run = await runway(['users', 'revoke', 'ada@example.com', 'viewer', 'Prod!'], { env: NO_STACK });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not an environment: Prod!');
  });

  it('says how to start the local stack when none runs', async () => {
    const run = await runway(['users', 'show', 'ada@example.com'], { env: NO_STACK });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no local stack is running .*start it with `npm start`/);
  });
});
