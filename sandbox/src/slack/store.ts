/**
 * What the Slack stand-in remembers: channels, the messages Runway posted (with their edits and thread replies), the
 * ephemeral answers Runway sent through response URLs, the modals it opened, and the workspace's people and user
 * groups (its directory, for `users.info` and `usergroups.users.list`).
 */
import { createHash } from 'node:crypto';

export interface SlackUser {
  readonly id: string;
  readonly name: string;
  readonly realName: string;
  readonly email: string;
}

export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  text: string;
  blocks: unknown[];
  /** Set for a thread reply: the parent's ts. */
  readonly threadTs: string | null;
  readonly postedAt: number;
  updatedAt: number;
  /** How many times chat.update changed it. */
  edits: number;
}

export interface EphemeralReply {
  /** The request that gave out the response URL (a command, a click). */
  readonly requestId: string;
  readonly user: string;
  readonly channel: string | null;
  readonly text: string;
  readonly at: number;
}

export interface OpenedView {
  readonly id: string;
  readonly triggerId: string;
  readonly user: string;
  readonly view: Record<string, unknown>;
  readonly at: number;
}

export interface SlackStore {
  readonly users: Map<string, SlackUser>;
  readonly groups: Map<string, Set<string>>;
  /** Channel id → name. */
  readonly channels: Map<string, string>;
  readonly messages: StoredMessage[];
  readonly ephemeral: EphemeralReply[];
  readonly views: OpenedView[];
  channelId(nameOrId: string): string;
  nextTs(): string;
}

/** The demo workspace: who is who in sandbox/runway.yaml's `access`. */
export const DEMO_USERS: readonly SlackUser[] = [
  { id: 'U0DEMOADA', name: 'ada', realName: 'Ada Approver', email: 'ada@demo-runway.example' },
  { id: 'U0DEMODEV', name: 'dev', realName: 'Dev Deployer', email: 'dev@demo-runway.example' },
  { id: 'U0DEMOVIC', name: 'vic', realName: 'Vic Viewer', email: 'vic@demo-runway.example' },
];
/** The release managers' group (Ada). */
export const DEMO_GROUPS: Readonly<Record<string, readonly string[]>> = { S0DEMOREL: ['U0DEMOADA'] };

export function createSlackStore(
  users: readonly SlackUser[] = DEMO_USERS,
  groups: Readonly<Record<string, readonly string[]>> = DEMO_GROUPS,
): SlackStore {
  const channels = new Map<string, string>();
  let last = 0;
  return {
    users: new Map(users.map((u) => [u.id, u])),
    groups: new Map(Object.entries(groups).map(([id, members]) => [id, new Set(members)])),
    channels,
    messages: [],
    ephemeral: [],
    views: [],
    channelId(nameOrId) {
      if (channels.has(nameOrId)) return nameOrId;
      const name = nameOrId.replace(/^#/, '');
      for (const [id, n] of channels) if (n === name) return id;
      const id = `C${createHash('sha256').update(name).digest('hex').slice(0, 9).toUpperCase()}`;
      channels.set(id, name);
      return id;
    },
    nextTs() {
      // Slack's ts: seconds.microseconds, unique and increasing within a channel.
      const now = Date.now() * 1000;
      last = Math.max(now, last + 1);
      return `${Math.floor(last / 1e6)}.${String(last % 1e6).padStart(6, '0')}`;
    },
  };
}
