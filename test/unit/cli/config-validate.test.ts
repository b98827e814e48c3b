/** `runway config validate` as users run it: a real process, its output and its exit code. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runway } from '../../support/cli.js';
import { describeStrategy, summarizeTargets } from '../../../cli/config-summary.js';
import { parseRunwayConfig } from '../../../functions/src/domain/config/load.js';

const fixture = (name: string): string => join(REPO, 'test/fixtures/config', name);

function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'runway-config-')), name);
  writeFileSync(path, content);
  return path;
}

// Each case starts a process (~1 s); run them side by side, with room for a busy machine (a limit, not a timing).
describe.concurrent('runway config validate', { timeout: 30_000 }, () => {
  it('exits 0 on a valid file and lists its targets with their strategies', async () => {
    const run = await runway(['config', 'validate', fixture('valid.yaml')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toEqual([
      `${fixture('valid.yaml')}: valid, 2 targets`,
      '  checkout.staging     blueGreen                         acme-staging/europe-west1/checkout',
      '  checkout.production  canary 10% 5m → 50% 1h30m → 100%  acme-prod/europe-west1/checkout     approval before promotion',
      '',
    ]);
  });

  it('checks ./runway.yaml when no file is given (the example at the repository root)', async () => {
    const run = await runway(['config', 'validate']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^runway\.yaml: valid, 4 targets\n/);
    expect(run.stdout).toContain('  checkout.production  canary 5% 10m → 25% 10m → 50% 15m → 100%  ');
  });

  it('exits 1 on an invalid file and prints every error as path: message', async () => {
    const run = await runway(['config', 'validate', fixture('invalid.yaml')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      `${fixture('invalid.yaml')}: invalid, 3 errors`,
      'targets.checkout.production.strategy.canary.steps[2].weight: must be between 1 and 100',
      'targets.checkout.production.rollback.guardWindw: unknown field (did you mean guardWindow?)',
      'targets.payments.production.project: is required',
      '',
    ]);
  });

  it('exits 1 with the line and column of invalid YAML', async () => {
    const run = await runway(['config', 'validate', tempFile('runway.yaml', 'version: 1\ntargets:\n  checkout: [a\n')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      '\nline 4, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]\n',
    );
  });

  it('exits 1 on an empty file', async () => {
    const run = await runway(['config', 'validate', fixture('empty.yaml')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('\nthe file is empty: it needs version: 1 and targets\n');
  });

  it('exits 1 with a clear one-line message, and no stack trace, when the file does not exist', async () => {
    const run = await runway(['config', 'validate', 'nowhere/runway.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'error: cannot read nowhere/runway.yaml: no such file (give the path of a runway.yaml, or run this where one is)\n',
    );
  });

  it('exits 1 when the path is a directory', async () => {
    const run = await runway(['config', 'validate', 'test']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: cannot read test: it is a directory\n');
  });

  it('reads stdin for -', async () => {
    const run = await runway(['config', 'validate', '-'], { stdin: readFileSync(fixture('valid.yaml'), 'utf8') });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^-: valid, 2 targets\n/);
  });

  it('prints the resolved configuration as JSON with --json: every default filled in, durations in ms', async () => {
    const run = await runway(['config', 'validate', '--json', fixture('valid.yaml')]);
    expect(run.code).toBe(0);
    const expected = parseRunwayConfig(readFileSync(fixture('valid.yaml'), 'utf8'));
    expect(JSON.parse(run.stdout)).toEqual(expected);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      config: {
        version: 1,
        targets: [{ id: 'checkout.staging' }, { id: 'checkout.production', approval: { timeout: 86_400_000 } }],
      },
    });
  });

  it('prints the errors as JSON with --json and exits 1', async () => {
    const run = await runway(['config', 'validate', '--json', fixture('invalid.yaml')]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      errors: [
        { path: 'targets.checkout.production.strategy.canary.steps[2].weight', message: 'must be between 1 and 100' },
        {
          path: 'targets.checkout.production.rollback.guardWindw',
          message: 'unknown field (did you mean guardWindow?)',
        },
        { path: 'targets.payments.production.project', message: 'is required' },
      ],
    });
  });

  it('answers a missing file in JSON too with --json', async () => {
    const run = await runway(['config', 'validate', '--json', 'nowhere.yaml']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      errors: [
        {
          path: '',
          message: 'cannot read nowhere.yaml: no such file (give the path of a runway.yaml, or run this where one is)',
        },
      ],
    });
  });
});

describe.concurrent('the runway program', { timeout: 30_000 }, () => {
  it('prints its help and exits 0 with --help', async () => {
    const run = await runway(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: runway [options] [command]');
    expect(run.stdout).toMatch(/\n {2}config +work with runway\.yaml\n/);
    expect(run.stdout).toMatch(/\n {2}events +/);
  });

  it('prints its version from package.json', async () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'cli/package.json'), 'utf8')) as { version: string };
    const run = await runway(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${manifest.version}\n`);
  });

  it('answers an unknown command with the error and the help, and exits 1', async () => {
    const run = await runway(['deploy']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: unknown command 'deploy'\n/);
    expect(run.stderr).toContain('Usage: runway [options] [command]');
  });

  it('answers an unknown subcommand of config with the help of config, and exits 1', async () => {
    const run = await runway(['config', 'check']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: unknown command 'check'\n/);
    expect(run.stderr).toContain('Usage: runway config [options] [command]');
  });

  it('prints its help and exits 1 when run without a command', async () => {
    const run = await runway([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Usage: runway [options] [command]');
  });
});

describe('the summary of a valid file', () => {
  it.each<[yaml: string, strategy: string]>([
    ['{ canary: {} }', 'canary 10% 5m → 50% 5m → 100%'],
    ['{ canary: { steps: [{ weight: 5, bake: 90 }, { weight: 100, bake: 0 }] } }', 'canary 5% 1m30s → 100% 0s → 100%'],
    ['{ blueGreen: {} }', 'blueGreen'],
    ['{ immediate: {} }', 'immediate'],
  ])('strategy %s reads %s', (yaml, strategy) => {
    const result = parseRunwayConfig(
      `version: 1\ntargets:\n  a:\n    b:\n      project: acme-prod\n      region: europe-west1\n      strategy: ${yaml}\n`,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.targets.map((t) => describeStrategy(t.strategy))).toEqual([strategy]);
  });

  it('aligns its columns and leaves no trailing spaces', () => {
    const result = parseRunwayConfig(readFileSync(fixture('valid.yaml'), 'utf8'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const lines = summarizeTargets(result.config.targets);
    expect(lines.map((line) => line.indexOf('acme-'))).toEqual([55, 55]);
    expect(lines.every((line) => line === line.trimEnd())).toBe(true);
  });
});
