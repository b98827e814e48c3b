/**
 * The Pub/Sub emulator's REST API (the same service its gRPC clients use), for tests and benchmarks that publish and
 * pull as a client would, without a client library's batching and streaming in the way.
 */

/** A message as the emulator delivers it. */
export interface PulledMessage {
  readonly ackId: string;
  readonly message: {
    readonly data: string;
    readonly attributes?: Record<string, string>;
    readonly messageId: string;
    readonly publishTime: string;
    readonly orderingKey?: string;
  };
}

/** Calls on one project of the emulator at `host` (`127.0.0.1:PORT`). */
export function pubsubRest(host: string, projectId: string) {
  const base = `http://${host}/v1/projects/${projectId}`;
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${base}/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  return {
    call,
    createTopic: (topic: string) => call('PUT', `topics/${topic}`),
    createSubscription: (subscription: string, topic: string, options: { enableMessageOrdering?: boolean } = {}) =>
      call('PUT', `subscriptions/${subscription}`, { topic: `projects/${projectId}/topics/${topic}`, ...options }),
    deleteSubscription: (subscription: string) => call('DELETE', `subscriptions/${subscription}`),
    /** Publishes messages (`data` is base64); resolves with their ids. */
    publish: async (topic: string, messages: readonly { data: string; attributes?: Record<string, string> }[]) =>
      ((await call('POST', `topics/${topic}:publish`, { messages })) as { messageIds: string[] }).messageIds,
    /** Pulls up to `max` messages and acknowledges them; [] when none are waiting. */
    pull: async (subscription: string, max = 100): Promise<PulledMessage[]> => {
      const { receivedMessages = [] } = (await call('POST', `subscriptions/${subscription}:pull`, {
        maxMessages: max,
        returnImmediately: true,
      })) as { receivedMessages?: PulledMessage[] };
      if (receivedMessages.length > 0) {
        await call('POST', `subscriptions/${subscription}:acknowledge`, {
          ackIds: receivedMessages.map((m) => m.ackId),
        });
      }
      return receivedMessages;
    },
  };
}

/** JSON as base64, for `data`. */
export function base64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}
