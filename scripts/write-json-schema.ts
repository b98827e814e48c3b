/**
 * `npm run schema`: writes runway.schema.json, the JSON Schema of runway.yaml generated from its zod schema, at the
 * repository root, formatted by Prettier so `prettier --check .` stays clean. test/unit/config/json-schema.test.ts fails
 * when the committed file is out of date.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { runwayJsonSchema } from '../functions/src/domain/config/json-schema.js';

const target = fileURLToPath(new URL('../runway.schema.json', import.meta.url));
const options = (await resolveConfig(target)) ?? {};
await writeFile(target, await format(JSON.stringify(runwayJsonSchema()), { ...options, filepath: target }));
console.log(`wrote ${target}`);
