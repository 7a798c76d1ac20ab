import type { Redis } from 'ioredis';
import { logger } from '../config/logger.ts';

/**
 * "The rings changed": a detection run wrote back, or a case was opened or moved (ring summaries
 * carry the open case and the verdict). Announced on a Redis channel so every API process drops its
 * cached ring reads at once, not after their time-to-live. Best effort by design: the cache's short
 * TTL bounds staleness when Redis is away or a writer (a CLI run without Redis) cannot announce.
 */
export const ringChangesChannel = (prefix: string) => `${prefix}:rings-changed`;

export async function announceRingChanges(redis: Redis, prefix: string, why: string): Promise<void> {
  if (redis.status !== 'ready') return;
  try {
    await redis.publish(ringChangesChannel(prefix), why);
  } catch (err) {
    logger().warn({ err: (err as Error).message, why }, 'could not announce ring changes; caches expire on their own');
  }
}

/** Calls onChange for every announcement; returns a function that unsubscribes and closes the connection. */
export async function watchRingChanges(redis: Redis, prefix: string, onChange: (why: string) => void): Promise<() => Promise<void>> {
  // A subscribed connection can do nothing else: a dedicated one.
  const sub = redis.duplicate({ maxRetriesPerRequest: null, lazyConnect: true });
  sub.on('error', () => {});
  sub.on('message', (_channel: string, why: string) => onChange(why));
  // After a reconnect messages may have been missed: treat it as a change.
  sub.on('ready', () => onChange('reconnected'));
  await sub.connect();
  await sub.subscribe(ringChangesChannel(prefix));
  return async () => {
    sub.disconnect();
  };
}
