/**
 * `alerts`: Cloud Monitoring's webhook notification channel, an HTTPS function. Point the channel at
 * `https://REGION-PROJECT.cloudfunctions.net/alerts?token=SECRET` (or use basic auth with the secret as the password);
 * the secret is `RUNWAY_ALERT_TOKEN` in Secret Manager.
 *
 * Answers: 401 (and nothing changes) for missing or wrong credentials; 405 for anything but POST; 400 with the reason for
 * a body that is not a Monitoring notification; 200 for a notification that is for no target (acknowledged, with each
 * target's reason) or was handled (with each target's outcome); 503 when the engine failed transiently, so Monitoring
 * tries again and the dedupe makes the targets already done ignore it.
 */
import { defineSecret } from 'firebase-functions/params';
import * as logger from 'firebase-functions/logger';
import { onRequest, type Request } from 'firebase-functions/v2/https';
import type { Response } from 'express';
import { alertLog, contextOf, takeIncident, type AlertDeps } from '../adapters/alerts/intake.js';
import { parseIncidentNotification } from '../adapters/alerts/parse.js';
import { authenticateWebhook } from '../adapters/alerts/webhookAuth.js';
import { redactText } from '../logs.js';
import { getRuntime } from '../runtime.js';

/** The webhook's shared secret. */
export const alertToken = defineSecret('RUNWAY_ALERT_TOKEN');

export interface AlertWebhookDeps extends AlertDeps {
  /** The secret the request must carry. */
  readonly secret: () => string;
}

/** Handles one request; see the module comment for the answers. */
export async function handleAlertWebhook(req: Request, res: Response, deps: AlertWebhookDeps): Promise<void> {
  const receivedAt = deps.now();
  if (req.method !== 'POST') {
    res
      .set('Allow', 'POST')
      .status(405)
      .json({ error: `use POST, not ${req.method}` });
    return;
  }
  const token = typeof req.query.token === 'string' ? req.query.token : undefined;
  const auth = authenticateWebhook({ token, authorization: req.get('authorization') }, deps.secret());
  if (!auth.ok) {
    logger.warn(`alert webhook refused: ${auth.reason}`, { ip: req.ip ?? null, reason: auth.reason });
    res.set('WWW-Authenticate', 'Basic realm="runway-alerts"').status(401).json({ error: 'unauthorized' });
    return;
  }
  const parsed = parseIncidentNotification(bodyOf(req));
  const parsedAt = deps.now();
  const context = contextOf(parsed, 'webhook', null);
  if (!parsed.ok) {
    deps.log.rejected(parsed.reason, [], context);
    res.status(400).json({ error: `not a Cloud Monitoring notification: ${redactText(parsed.reason)}` });
    return;
  }
  const report = await takeIncident(parsed, context, deps, { receivedAt, publishedAt: null, parsedAt });
  if (report.kind === 'rejected') {
    res.status(200).json({ status: 'rejected', reason: report.reason, misses: report.misses });
    return;
  }
  const results = report.results.map(({ targetId, result }) => ({
    targetId,
    status: result.status,
    message: result.message,
  }));
  if (report.retryable.length > 0) {
    res.status(503).json({ status: 'retry', retryable: report.retryable, results });
    return;
  }
  res.status(200).json({ status: 'handled', results });
}

/** The body as JSON: parsed by the platform for `application/json`, else the raw bytes read as JSON. */
function bodyOf(req: Request): unknown {
  if (req.body !== undefined && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) return req.body as unknown;
  try {
    return JSON.parse(req.rawBody.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Builds the HTTPS function around {@link handleAlertWebhook}. Tests pass their own dependencies. */
export function createAlertsFunction(resolveDeps: () => AlertWebhookDeps) {
  return onRequest({ secrets: [alertToken] }, (req, res) => handleAlertWebhook(req, res, resolveDeps()));
}

/** The deployed function, wired to the runtime and the secret. */
export const alerts = createAlertsFunction(() => {
  const { config, engine, clock } = getRuntime();
  return { config, engine, log: alertLog, now: () => clock.now(), secret: () => alertToken.value() };
});
