/** runway.schema.json: generated from the zod schema, committed for editors, and kept up to date. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNWAY_SCHEMA_ID, runwayJsonSchema } from '../../../functions/src/domain/config/json-schema.js';

type Json = Record<string, unknown>;

const schema = runwayJsonSchema();

/** The JSON Schema of one target: `targets.<service>.<environment>`. */
function targetSchema(): Json {
  const targets = (schema.properties as Json).targets as Json;
  return (targets.additionalProperties as Json).additionalProperties as Json;
}

/** Every `properties` entry in the schema, with its path, however deep. */
function allProperties(node: unknown, path = ''): [string, Json][] {
  if (typeof node !== 'object' || node === null) return [];
  const found: [string, Json][] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, property] of Object.entries(value as Json)) found.push([`${path}.${name}`, property as Json]);
    }
    found.push(...allProperties(value, key === 'properties' ? path : `${path}/${key}`));
  }
  return found;
}

describe('runway.schema.json', () => {
  it('is up to date with the zod schema (if not: run `npm run schema` and commit runway.schema.json)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../../runway.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed, 'runway.schema.json is out of date: run `npm run schema`').toEqual(schema);
  });

  it('is a draft 2020-12 schema with an id, a title and a description', () => {
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: RUNWAY_SCHEMA_ID,
      title: 'runway.yaml',
      description: expect.stringContaining('Runway') as unknown,
      required: ['version', 'targets'],
    });
  });

  it('describes the file as written: a duration is whole seconds or text such as 5m', () => {
    expect((schema.$defs as Json).duration).toMatchObject({
      anyOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', pattern: '^(\\d+(ms|s|m|h|d))+$' },
      ],
    });
    const rollback = (targetSchema().properties as Json).rollback as Json;
    expect((rollback.properties as Json).guardWindow).toMatchObject({ $ref: '#/$defs/duration', default: '10m' });
  });

  it('allows x- keys at the top level and nothing else unknown, anywhere', () => {
    expect(schema.patternProperties).toHaveProperty('^x-');
    expect(schema.additionalProperties).toBe(false);
    expect(targetSchema().additionalProperties).toBe(false);
  });

  it('shows defaults to editors', () => {
    expect(targetSchema().properties).toMatchObject({
      strategy: { default: { canary: {} } },
      onNewBuild: { default: 'queue' },
    });
  });

  it('gives every field a description, for editor hovers', () => {
    const properties = allProperties(schema);
    expect(properties.length).toBeGreaterThan(40);
    const undescribed = properties.filter(([, property]) => typeof property.description !== 'string');
    expect(undescribed.map(([path]) => path)).toEqual([]);
  });
});
