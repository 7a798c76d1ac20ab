import type { Redis } from 'ioredis';
import { announce, watchChannel } from './announcements.ts';

/**
 * "The rings changed": a detection run wrote back, or a case was opened or moved (ring summaries
 * carry the open case and the verdict). Every API process drops its cached ring reads at once, not
 * after their time-to-live. A CLI run without Redis cannot announce: the cache's TTL bounds staleness.
 */
export const ringChangesChannel = (prefix: string) => `${prefix}:rings-changed`;

export const announceRingChanges = (redis: Redis, prefix: string, why: string) => announce(redis, ringChangesChannel(prefix), why);

/** Calls onChange for every announcement (and after a reconnect); returns a function that stops watching. */
export const watchRingChanges = (redis: Redis, prefix: string, onChange: (why: string) => void) =>
  watchChannel(redis, ringChangesChannel(prefix), (why) => onChange(why ?? 'reconnected'));
