/**
 * The wording of runway.yaml errors. zod's default messages are written for developers ("Invalid input: expected number,
 * received string"); the people who read these are editing a YAML file, so every message here says what the field must be,
 * in YAML's words (a list, a mapping, text), and an unknown field suggests the key that was probably meant.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;

/**
 * The error map passed to `safeParse`. It only words issues whose schema sets no message of its own: a schema's own
 * `error` always wins over a per-parse map in zod 4.
 */
export const plainErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describeValue(issue.input)}`;
    case 'too_small':
      return tooSmall(issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case 'too_big':
      return tooBig(issue.origin, Number(issue.maximum), issue.inclusive !== false);
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_format':
      return issue.pattern ? `must match the pattern ${issue.pattern}` : `must be a valid ${issue.format}`;
    case 'invalid_union':
      return 'does not match any of the allowed forms';
    default:
      return undefined;
  }
};

const EXPECTED: Partial<Record<string, string>> = {
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Names a YAML value's type the way the file's author sees it. */
function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object':
      return 'a mapping';
    case 'string':
      return `text (${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)})`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    default:
      return typeof value;
  }
}

function tooSmall(origin: string, minimum: number, inclusive: boolean): string {
  if (origin === 'array') return `must list at least ${minimum} item${minimum === 1 ? '' : 's'}`;
  if (origin === 'string') return minimum <= 1 ? 'must not be empty' : `must be at least ${minimum} characters long`;
  return inclusive ? `must be at least ${minimum}` : `must be greater than ${minimum}`;
}

function tooBig(origin: string, maximum: number, inclusive: boolean): string {
  if (origin === 'array') return `must list at most ${maximum} item${maximum === 1 ? '' : 's'}`;
  if (origin === 'string') return `must be at most ${maximum} characters long`;
  return inclusive ? `must be at most ${maximum}` : `must be less than ${maximum}`;
}

/**
 * The message for an unknown field: `unknown field (did you mean strategy?)` when one allowed key is a likely typo of it.
 */
export function unknownFieldMessage(key: string, allowed: readonly string[]): string {
  const suggestion = suggestKey(key, allowed);
  return suggestion ? `unknown field (did you mean ${suggestion}?)` : 'unknown field';
}

/**
 * The allowed key closest to `key`, if it is close enough to be a typo: one edit for keys under six characters, two under
 * ten, three beyond (an edit being an insertion, deletion, substitution or swap of neighbours; case is ignored), or an
 * allowed key that the given one begins (`maxErrorRate` → `maxErrorRatePercent`).
 */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const given = key.toLowerCase();
  const limit = given.length < 6 ? 1 : given.length < 10 ? 2 : 3;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const wanted = candidate.toLowerCase();
    const distance = given.length >= 5 && wanted.startsWith(given) ? 1 : editDistance(given, wanted);
    if (distance <= limit && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** Optimal string alignment distance (Levenshtein plus transpositions of neighbours). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = d;
    }
  }
  return at(a.length, b.length);
}

/**
 * The keys an object schema accepts at `path` inside `schema` (following objects, records, arrays and the wrappers
 * `optional`, `default`, `prefault` and `transform` add), or `[]` when the path does not lead to an object.
 */
export function allowedKeysAt(schema: Schema, path: readonly PropertyKey[]): string[] {
  let current: Schema | undefined = unwrap(schema);
  for (const key of path) {
    if (!current) return [];
    current = unwrap(childOf(current, key));
  }
  const def = current?._zod.def;
  return def?.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

function childOf(schema: Schema, key: PropertyKey): Schema | undefined {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object':
      return typeof key === 'string' ? (def as z.core.$ZodObjectDef).shape[key] : undefined;
    case 'record':
      return (def as z.core.$ZodRecordDef).valueType;
    case 'array':
      return typeof key === 'number' ? (def as z.core.$ZodArrayDef).element : undefined;
    default:
      return undefined;
  }
}

/** Strips the wrappers that do not change which keys an object accepts. */
function unwrap(schema: Schema | undefined): Schema | undefined {
  let current = schema;
  for (;;) {
    const def = current?._zod.def;
    if (!def) return current;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault' || def.type === 'nullable') {
      current = (def as z.core.$ZodOptionalDef).innerType;
    } else if (def.type === 'pipe') {
      current = (def as z.core.$ZodPipeDef).in;
    } else {
      return current;
    }
  }
}
