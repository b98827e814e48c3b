/**
 * Who a Slack user is and which user groups they belong to, from the Web API (`users.info`, which needs the
 * `users:read` and `users:read.email` scopes, and `usergroups.users.list`, which needs `usergroups:read`). Answers are
 * cached per function instance for a minute, so a burst of clicks costs one lookup.
 */
import type { WebClient } from '@slack/web-api';

export interface SlackPerson {
  readonly id: string;
  /** Display name, else real name, else user name; null if Slack did not say. */
  readonly name: string | null;
  /** The profile's email, if the app may read it. */
  readonly email: string | null;
}

export interface SlackDirectory {
  person(userId: string, fallbackName?: string | null): Promise<SlackPerson>;
  /** Which of `groupIds` the user is a member of. */
  groupsOf(userId: string, groupIds: readonly string[]): Promise<Set<string>>;
}

/** How long a lookup is reused. */
export const DIRECTORY_TTL_MS = 60_000;

interface Cached<T> {
  readonly value: T;
  readonly until: number;
}

/** A directory backed by `client`, caching answers for {@link DIRECTORY_TTL_MS}. */
export function createSlackDirectory(client: WebClient, now: () => number = Date.now): SlackDirectory {
  const people = new Map<string, Cached<SlackPerson>>();
  const groups = new Map<string, Cached<ReadonlySet<string>>>();

  async function members(groupId: string): Promise<ReadonlySet<string>> {
    const hit = groups.get(groupId);
    if (hit && hit.until > now()) return hit.value;
    const answer = await client.usergroups.users.list({ usergroup: groupId });
    const value = new Set(answer.users ?? []);
    groups.set(groupId, { value, until: now() + DIRECTORY_TTL_MS });
    return value;
  }

  return {
    async person(userId, fallbackName = null) {
      const hit = people.get(userId);
      if (hit && hit.until > now()) return hit.value;
      const answer = await client.users.info({ user: userId });
      const user = answer.user;
      const profile = user?.profile;
      const value: SlackPerson = {
        id: userId,
        name: profile?.display_name || profile?.real_name || user?.real_name || user?.name || fallbackName || null,
        email: profile?.email ?? null,
      };
      people.set(userId, { value, until: now() + DIRECTORY_TTL_MS });
      return value;
    },
    async groupsOf(userId, groupIds) {
      const found = new Set<string>();
      const lists = await Promise.all(groupIds.map(async (id) => [id, await members(id)] as const));
      for (const [id, users] of lists) if (users.has(userId)) found.add(id);
      return found;
    },
  };
}
