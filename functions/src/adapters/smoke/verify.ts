/**
 * Judges an answer against a check's expectations, in order: status, body text, JSON value, latency. The first unmet one
 * fails the attempt, with a sentence that says what was expected and what came back.
 */
import type { SmokeCheckSpec } from '../../domain/config/schema.js';
import { evaluateJsonPath, jsonEquals } from '../../domain/jsonPath.js';
import { BODY_LIMIT_BYTES } from './attempt.js';
import { bodyExcerpt, formatMs, jsonText, messageOf } from './text.js';

/** What verify needs of an answer. */
export interface Answer {
  readonly status: number;
  readonly latencyMs: number;
  readonly body: string;
  readonly truncated: boolean;
}

/** Null when `answer` meets every expectation of `check`, else why not. */
export function verify(check: SmokeCheckSpec, answer: Answer): string | null {
  const { status, body } = answer;
  if (status !== check.expectStatus) {
    return `expected status ${check.expectStatus}, got ${status} (${bodyExcerpt(body)})`;
  }
  if (check.bodyContains !== undefined && !body.includes(check.bodyContains)) {
    const limit = answer.truncated ? `, in its first ${BODY_LIMIT_BYTES / 1024 / 1024} MiB` : '';
    return `expected the body to contain ${JSON.stringify(check.bodyContains)}${limit} (${bodyExcerpt(body)})`;
  }
  if (check.expectJson !== undefined) {
    const problem = verifyJson(check.expectJson, answer);
    if (problem !== null) return problem;
  }
  if (check.maxLatency !== undefined && answer.latencyMs > check.maxLatency) {
    return `answered in ${formatMs(answer.latencyMs)}, over the maxLatency of ${formatMs(check.maxLatency)}`;
  }
  return null;
}

function verifyJson(expect: NonNullable<SmokeCheckSpec['expectJson']>, answer: Answer): string | null {
  const wanted = `expected ${expect.path} to be ${jsonText(expect.equals)}`;
  if (answer.truncated) {
    return `${wanted}, but the body is larger than ${BODY_LIMIT_BYTES / 1024 / 1024} MiB and was not parsed`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch (error) {
    return `${wanted}, but the body is not JSON (${messageOf(error)}; ${bodyExcerpt(answer.body)})`;
  }
  const found = evaluateJsonPath(parsed, expect.path);
  if (!found.found) return `${wanted}, but it is not there: ${found.missing} (${bodyExcerpt(answer.body)})`;
  if (!jsonEquals(found.value, expect.equals)) return `${wanted}, got ${jsonText(found.value)}`;
  return null;
}
