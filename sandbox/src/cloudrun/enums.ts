/**
 * The enums the stand-in writes, by name and by number. google-gax's REST fallback asks for numbers
 * (`$alt=json;enum-encoding=int`); a hand-written request (curl) gets names. Both are accepted on the way in.
 */

/** google.cloud.run.v2.TrafficTargetAllocationType. */
export const TRAFFIC_TYPES = {
  TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED: 0,
  TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST: 1,
  TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION: 2,
} as const;

/** google.cloud.run.v2.Condition.State. */
export const CONDITION_STATES = {
  STATE_UNSPECIFIED: 0,
  CONDITION_PENDING: 1,
  CONDITION_RECONCILING: 2,
  CONDITION_FAILED: 3,
  CONDITION_SUCCEEDED: 4,
} as const;

/** google.cloud.run.v2.Condition.Severity. */
export const SEVERITIES = { SEVERITY_UNSPECIFIED: 0, ERROR: 1, WARNING: 2, INFO: 3 } as const;

/** The value to send for `name` of `table`: its number when the client asked for numbers, else the name. */
export function encodeEnum<T extends Record<string, number>>(
  table: T,
  name: keyof T & string,
  ints: boolean,
): string | number {
  return ints ? (table[name] as number) : name;
}

/** The name of an enum value received as a name or a number; undefined if it is neither. */
export function decodeEnum<T extends Record<string, number>>(table: T, value: unknown): (keyof T & string) | undefined {
  if (typeof value === 'string') return value in table ? value : undefined;
  if (typeof value === 'number') return Object.keys(table).find((name) => table[name] === value);
  return undefined;
}
