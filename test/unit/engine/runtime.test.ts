import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFilePath, InvalidConfigError, loadConfigFile } from '../../../functions/src/runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-runtime-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfigFile', () => {
  it('loads a valid runway.yaml', () => {
    const path = file(
      'ok.yaml',
      'version: 1\ntargets:\n  checkout:\n    production:\n      project: acme-shop-prod\n      region: europe-west1\n',
    );
    expect(loadConfigFile(path).targets.map((t) => t.id)).toEqual(['checkout.production']);
  });

  it('refuses an invalid one with every error, each with the path of the bad field', () => {
    const path = file(
      'bad.yaml',
      [
        'version: 1',
        'targets:',
        '  checkout:',
        '    production:',
        '      project: acme-shop-prod',
        '      region: Europe',
        '      strategy: { canary: { steps: [{ weight: 50 }, { weight: 20 }] } }',
      ].join('\n'),
    );
    let thrown: unknown;
    try {
      loadConfigFile(path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidConfigError);
    const message = (thrown as Error).message;
    expect((thrown as InvalidConfigError).errors).toHaveLength(2);
    expect(message).toContain(`${path} is invalid:`);
    expect(message).toContain('targets.checkout.production.region: must be a Cloud Run region');
    expect(message).toContain('targets.checkout.production.strategy.canary.steps[1].weight: must be greater');
  });

  it('says so when the file is missing', () => {
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read runway.yaml at .*missing.yaml/);
  });
});

describe('configFilePath', () => {
  it('is RUNWAY_CONFIG_FILE when set', () => {
    expect(configFilePath({ RUNWAY_CONFIG_FILE: '/etc/runway.yaml' })).toBe('/etc/runway.yaml');
  });

  it('is otherwise the runway.yaml beside the compiled code', () => {
    expect(configFilePath({})).toMatch(/functions[/\\](src|lib)[/\\]runway\.yaml$/);
  });
});
