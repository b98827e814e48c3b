/**
 * Answering a command or a click through its `response_url` (valid for 30 minutes, up to 5 answers): an ephemeral
 * message only the person who asked sees. Times out after {@link RESPOND_TIMEOUT_MS}; a failure is logged, never
 * retried (the command itself already happened, and the audit trail has its outcome).
 */
import type { Block } from '../../domain/messages/slackBlocks.js';

export const RESPOND_TIMEOUT_MS = 5_000;

export interface Reply {
  readonly text: string;
  readonly blocks?: readonly Block[];
}

/** Posts `reply` to `responseUrl` as an ephemeral message. Resolves to an error message, or null when it worked. */
export async function respond(responseUrl: string, reply: Reply): Promise<string | null> {
  try {
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: false,
        text: reply.text,
        ...(reply.blocks ? { blocks: reply.blocks } : {}),
      }),
      signal: AbortSignal.timeout(RESPOND_TIMEOUT_MS),
    });
    return response.ok ? null : `HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
