/**
 * The JSON Schema of runway.yaml, generated from the zod schema so the two cannot drift apart. Editors use it for
 * completion and inline help (runway.yaml's first line points yaml-language-server at it); `npm run schema` writes it to
 * runway.schema.json and a unit test fails when the committed file is out of date.
 */
import { z } from 'zod';
import { runwayConfigSchema } from './schema.js';

/** The schema's `$id`. A URN: the file is used from the repository, not fetched from a server. */
export const RUNWAY_SCHEMA_ID = 'urn:runway:schema:runway.yaml:1';

/** Builds the JSON Schema (draft 2020-12) of runway.yaml as the author writes it: durations as text or seconds, defaults shown. */
export function runwayJsonSchema(): Record<string, unknown> {
  // `io: 'input'` describes the file before defaults and transforms: a duration is `5m` or `300`, not milliseconds.
  const {
    $schema,
    title,
    description,
    additionalProperties: _catchAll,
    ...generated
  } = z.toJSONSchema(runwayConfigSchema, { io: 'input' });
  return {
    $schema,
    $id: RUNWAY_SCHEMA_ID,
    title,
    description,
    ...generated,
    // zod models "x-… keys are free, anything else is an error" as a catch-all plus a refinement, which JSON Schema says
    // directly.
    patternProperties: {
      '^x-': { description: 'Free for YAML anchors, e.g. x-defaults: &defaults … then <<: *defaults.' },
    },
    additionalProperties: false,
  };
}
