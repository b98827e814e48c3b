/**
 * JSON values as they travel over the REST API, and the proto3 view of equality: a field at its default value ('' , 0,
 * false, an empty list or map, null) is the same as an absent one, which is how the client library sends what it read.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy (values are plain JSON). */
export function copy<T extends Json>(value: T): T {
  return structuredClone(value);
}

/** `value` with every proto3 default dropped and keys sorted, for comparing what two writers meant. */
export function canonical(value: Json | undefined): Json | undefined {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => canonical(item) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) {
      const item = canonical(value[key]);
      if (item !== undefined) out[key] = item;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** True if `a` and `b` mean the same under proto3 defaults. */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(canonical(a) ?? null) === JSON.stringify(canonical(b) ?? null);
}

/** The value at a dotted path (`template.containers`), or undefined. */
export function getPath(value: Json | undefined, path: string): Json | undefined {
  let current: Json | undefined = value;
  for (const key of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Sets (or, for undefined, deletes) the value at a dotted path, creating objects on the way. */
export function setPath(target: JsonObject, path: string, value: Json | undefined): void {
  const keys = path.split('.');
  let current = target;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (isObject(next)) current = next;
    else {
      const created: JsonObject = {};
      current[key] = created;
      current = created;
    }
  }
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete current[last];
  else current[last] = value;
}
