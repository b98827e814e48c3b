/**
 * `runEffect`: runs each outbox effect as soon as the engine's transaction has created its document. Thin: the runner
 * does the work. `retry: true` because the runner throws only for transient failures, after scheduling the next attempt;
 * the scheduled sweep (sweep.ts) is the backstop should the trigger never fire or give up.
 */
import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { rawIdOf } from '../adapters/firestore/ids.js';
import { getRuntime } from '../runtime.js';
import { NOTIFY_SECRETS } from '../adapters/secrets/index.js';

export const runEffect = onDocumentCreated(
  // The effect function may wait on Cloud Run and smoke checks; the runner's lease (10 min) outlasts this timeout.
  // Notifications run here too: Slack's token and SMTP's connection are readable only by functions that declare them.
  { document: 'effects/{effectId}', retry: true, timeoutSeconds: 540, secrets: NOTIFY_SECRETS },
  async (event) => {
    await getRuntime().runner.run(rawIdOf(event.params.effectId));
  },
);
