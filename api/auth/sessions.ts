import type { Driver } from 'neo4j-driver';
import type { Redis } from 'ioredis';
import { logger } from '../../config/logger.ts';
import { findUser } from '../../graph/users/users.ts';
import { announce, watchChannel } from '../../runtime/announcements.ts';
import { ReadCache } from '../read-cache.ts';
import { TokenError, type AccessClaims } from './tokens.ts';

/**
 * Whether an access token's session still holds: the user exists, is not disabled, and has the role
 * and token version the token was issued with. Logout, a role or password change and disabling bump
 * the version (graph/users), so they end every session on the next request — in this process at once,
 * in every other API process as soon as the change announced on Redis arrives. Users are cached for
 * `ttlMs` (a workbench sends a request per click; a Neo4j read for each was not needed): that bounds
 * how long a change can go unseen while Redis is away.
 */
export interface Sessions {
  /** throws TokenError when the session of these claims has ended */
  check(claims: AccessClaims): Promise<void>;
  /** this process changed a user's sessions: forget the user here and tell the other processes */
  ended(username: string): Promise<void>;
  close(): Promise<void>;
}

export const sessionChangesChannel = (prefix: string) => `${prefix}:sessions-ended`;

type UserState = { role: string; disabled: boolean; tokenVersion: number } | null;

export function createSessions(driver: Driver, redis: Redis, prefix: string, opts: { ttlMs: number; maxEntries: number }): Sessions {
  const users = new ReadCache(opts.ttlMs, opts.maxEntries);
  let unwatch: Promise<(() => Promise<void>) | null> | null = null;
  // Subscribed on first use, so an app built only to list its routes opens no connection.
  const watch = () => {
    unwatch ??= watchChannel(redis, sessionChangesChannel(prefix), (username) => (username === null ? users.clear() : users.delete(username))).catch((err: Error) => {
      logger().warn({ err: err.message }, `not watching ended sessions on Redis; other processes' logouts and role changes take up to ${opts.ttlMs} ms here`);
      return null;
    });
  };
  const load = async (username: string): Promise<UserState> => {
    const u = await findUser(driver, username);
    return u ? { role: u.role, disabled: u.disabled, tokenVersion: u.tokenVersion } : null;
  };
  return {
    async check(claims) {
      watch();
      const u = opts.ttlMs > 0 ? await users.get(claims.username, () => load(claims.username)) : await load(claims.username);
      if (!u || u.disabled || u.tokenVersion !== claims.tokenVersion || u.role !== claims.role) {
        throw new TokenError('session ended (logout, role change, password change or disabled account)');
      }
    },
    async ended(username) {
      users.delete(username);
      await announce(redis, sessionChangesChannel(prefix), username);
    },
    async close() {
      const stop = await unwatch;
      await stop?.();
    },
  };
}
