/**
 * The JSON paths of a smoke check's `expectJson`: `$` (the whole value), then `.name` or `[index]` steps, e.g.
 * `$.checks[0].status`: exactly the subset config/sections.ts's `JSON_PATH` accepts, evaluated on a parsed JSON value.
 *
 * Only the value's own data is reachable: `.name` reads an own key of an object (never an array's `length` or anything
 * inherited), `[index]` reads an element of an array. A path that leads nowhere is "not found", with a sentence saying
 * where it stopped, so a failed check tells a person what the response held instead.
 */
import { JSON_PATH } from './config/sections.js';

/** One step of a path. */
export type JsonPathStep =
  { readonly kind: 'key'; readonly name: string } | { readonly kind: 'index'; readonly index: number };

/** What a path found in a value. `missing` says where and why it found nothing, e.g. `$.items has 2 items`. */
export type JsonPathResult =
  { readonly found: true; readonly value: unknown } | { readonly found: false; readonly missing: string };

const STEP = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]/g;

/** The steps of `path`, or null if it is not a path `JSON_PATH` accepts. */
export function parseJsonPath(path: string): JsonPathStep[] | null {
  if (!JSON_PATH.test(path)) return null;
  const steps: JsonPathStep[] = [];
  for (const [, name, index] of path.slice(1).matchAll(STEP)) {
    steps.push(name !== undefined ? { kind: 'key', name } : { kind: 'index', index: Number(index) });
  }
  return steps;
}

/** Follows `path` into `value` (a parsed JSON value). */
export function evaluateJsonPath(value: unknown, path: string): JsonPathResult {
  const steps = parseJsonPath(path);
  if (steps === null) return { found: false, missing: `${JSON.stringify(path)} is not a JSON path such as $.status` };
  let here: unknown = value;
  let at = '$';
  for (const step of steps) {
    const next = `${at}${step.kind === 'key' ? `.${step.name}` : `[${step.index}]`}`;
    if (step.kind === 'key') {
      if (!isObject(here)) return { found: false, missing: `${at} is ${kindOf(here)}, not an object` };
      if (!Object.hasOwn(here, step.name))
        return { found: false, missing: `${at} has no key ${JSON.stringify(step.name)}` };
      here = here[step.name];
    } else {
      if (!Array.isArray(here)) return { found: false, missing: `${at} is ${kindOf(here)}, not an array` };
      if (step.index >= here.length) {
        return { found: false, missing: `${at} has ${here.length} item${here.length === 1 ? '' : 's'}` };
      }
      here = here[step.index] as unknown;
    }
    at = next;
  }
  return { found: true, value: here };
}

/** True if `found` is exactly the scalar `expected` (a number equals the same number however it was written). */
export function jsonEquals(found: unknown, expected: string | number | boolean | null): boolean {
  return found === expected;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `an array`, `a string`, `null`… for messages. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof value;
  }
}
