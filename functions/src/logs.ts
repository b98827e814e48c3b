/**
 * Runway's log lines: one named function per thing worth knowing, each writing one structured entry through the Cloud
 * Functions logger (Cloud Logging indexes the fields). Everything passes through {@link redact} first, so a token in a
 * payload or an error message never reaches the logs (DESIGN.md rule 7).
 */
import * as logger from 'firebase-functions/logger';
import type { ConfigError } from './domain/config/load.js';
import { formatConfigError } from './domain/config/load.js';
import type { Effect, Notify } from './domain/effects.js';
import type { RunwayEvent } from './domain/events.js';
import { rolloutIdOfEvent } from './domain/events.js';
import type { EffectTiming, EngineLog, HandleResult, SweepCounts } from './engine/types.js';

const REDACTED = '[redacted]';
/** Field names whose values are secrets, whatever they hold. */
const SECRET_KEY =
  /(token|secret|password|passwd|authorization|cookie|credential|api[-_]?key|private[-_]?key|signature)/i;
/** Secrets recognisable inside free text, with what replaces them. */
const SECRET_TEXT: readonly (readonly [RegExp, string])[] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\bxox[abposr]-[A-Za-z0-9-]+/g, REDACTED], // Slack tokens
  [/\bya29\.[A-Za-z0-9._-]+/g, REDACTED], // Google OAuth access tokens
  [/([?&](?:token|access_token|key|sig|signature|password)=)[^&\s]+/gi, `$1${REDACTED}`],
  [/(:\/\/[^/\s:@]+:)[^@\s/]+@/g, `$1${REDACTED}@`], // passwords in URLs
];

/** A copy of `value` with secret-looking fields and text replaced by `[redacted]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return redactText(value.message);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  return out;
}

/**
 * Secrets whose values the functions hold in their environment (functions/src/adapters/secrets): a signing secret or a
 * password has no recognisable shape, so its value itself is redacted wherever it appears.
 */
const SECRET_ENV_NAMES = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SMTP_PASSWORD', 'RUNWAY_ALERT_TOKEN'];

/** `text` with recognisable secrets, and the values of the secrets in the environment, replaced. */
export function redactText(text: string): string {
  const patterned = SECRET_TEXT.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
  let known = patterned;
  for (const name of SECRET_ENV_NAMES) {
    const value = process.env[name];
    if (value && value.length >= 6) known = known.split(value).join(REDACTED);
  }
  return known;
}

/** The message of anything thrown, redacted and cut to a length fit for a document field. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return redactText(text ?? String(error)).slice(0, 1_000);
}

function fields(record: Record<string, unknown>): Record<string, unknown> {
  return redact(record) as Record<string, unknown>;
}

function eventFields(event: RunwayEvent, result: HandleResult): Record<string, unknown> {
  return {
    eventId: event.id,
    eventType: event.type,
    targetId: event.targetId,
    rolloutId: rolloutIdOfEvent(event),
    status: result.status,
    outcome: result.message,
    version: result.version,
    effectIds: result.effectIds,
  };
}

function effectFields(effect: Effect): Record<string, unknown> {
  return { effectId: effect.id, effectType: effect.type, targetId: effect.targetId, rolloutId: effect.rolloutId };
}

/** An event was applied, ignored or refused. Refusals are warnings: someone asked for something that made no sense. */
export function eventHandled(event: RunwayEvent, result: HandleResult): void {
  const write = result.status === 'refused' ? logger.warn : logger.info;
  write(`${event.type} ${result.status}: ${redactText(result.message)}`, fields(eventFields(event, result)));
}

/** An event id seen before: at-least-once delivery at work, nothing changed. */
export function duplicateEvent(event: RunwayEvent, result: HandleResult): void {
  logger.info(`duplicate ${event.type} ${event.id} dropped`, fields(eventFields(event, result)));
}

export function effectSucceeded(effect: Effect, attempts: number, timing?: EffectTiming): void {
  logger.info(`effect ${effect.type} done`, fields({ ...effectFields(effect), attempts, effectTiming: timing }));
}

/** An effect no longer wanted (a traffic change a newer one replaced): closed without running it. */
export function effectSkipped(effect: Effect, why: string): void {
  logger.info(`effect ${effect.type} skipped`, fields({ ...effectFields(effect), why }));
}

export function effectRetrying(effect: Effect, attempts: number, error: unknown, nextAttemptAt: number): void {
  logger.warn(`effect ${effect.type} failed transiently; will retry`, {
    ...fields(effectFields(effect)),
    attempts,
    error: errorMessage(error),
    nextAttemptAt: new Date(nextAttemptAt).toISOString(),
  });
}

export function effectFailed(effect: Effect, attempts: number, error: unknown): void {
  logger.error(`effect ${effect.type} gave up after ${attempts} attempts`, {
    ...fields(effectFields(effect)),
    attempts,
    error: errorMessage(error),
  });
}

export function timerFired(timerId: string, result: HandleResult): void {
  logger.info(
    `timer ${timerId} fired: ${result.status}`,
    fields({ timerId, status: result.status, outcome: result.message }),
  );
}

export function sweepFinished(counts: SweepCounts): void {
  const busy = counts.effects.found > 0 || counts.timers.fired > 0 || counts.timers.errors > 0;
  (busy ? logger.info : logger.debug)('sweep finished', { ...counts });
}

/** runway.yaml was refused: every error on its own line, so the cold start that fails says exactly why. */
export function configInvalid(file: string, errors: readonly ConfigError[]): void {
  logger.error(`${file} is invalid:\n${errors.map(formatConfigError).join('\n')}`, {
    file,
    errors: errors.map(formatConfigError),
  });
}

export function configLoaded(file: string, targetIds: readonly string[]): void {
  logger.info(`loaded ${file}: ${targetIds.length} target(s)`, { file, targets: targetIds });
}

/** The no-op notifier: a notification with nowhere to go (no Slack or email for its target, or no secrets), as a log line. */
export function notificationLogged(effect: Notify): void {
  logger.info(
    `notification (${effect.severity}) ${redactText(effect.text)}`,
    fields({ ...effectFields(effect), topic: effect.topic, severity: effect.severity }),
  );
}

/** The engine's and the runner's log, as written in production. */
export const engineLog: EngineLog = {
  eventHandled,
  duplicateEvent,
  effectSucceeded,
  effectSkipped,
  effectRetrying,
  effectFailed,
  timerFired,
  sweepFinished,
};

/** A log that writes nothing, for tests. */
export const silentLog: EngineLog = {
  eventHandled: () => undefined,
  duplicateEvent: () => undefined,
  effectSucceeded: () => undefined,
  effectSkipped: () => undefined,
  effectRetrying: () => undefined,
  effectFailed: () => undefined,
  timerFired: () => undefined,
  sweepFinished: () => undefined,
};
