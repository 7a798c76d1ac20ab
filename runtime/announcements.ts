import type { Redis } from 'ioredis';
import { logger } from '../config/logger.ts';

/**
 * "Something changed, drop what you cached": a Redis channel every API process listens on, so a
 * change made by one process (or a worker) reaches the caches of all of them at once. Best effort by
 * design: each cache's short time-to-live bounds staleness when Redis is away.
 */
export async function announce(redis: Redis, channel: string, message: string): Promise<void> {
  if (redis.status !== 'ready') return;
  try {
    await redis.publish(channel, message);
  } catch (err) {
    logger().warn({ err: (err as Error).message, channel, message }, 'could not announce a change; caches expire on their own');
  }
}

/**
 * Calls onMessage for every announcement, and with null after a reconnect (messages may have been
 * missed: treat it as "everything changed"). Returns a function that unsubscribes and disconnects.
 */
export async function watchChannel(redis: Redis, channel: string, onMessage: (message: string | null) => void): Promise<() => Promise<void>> {
  // A subscribed connection can do nothing else: a dedicated one.
  const sub = redis.duplicate({ maxRetriesPerRequest: null, lazyConnect: true });
  sub.on('error', () => {});
  sub.on('message', (_channel: string, message: string) => onMessage(message));
  sub.on('ready', () => onMessage(null));
  await sub.connect();
  await sub.subscribe(channel);
  return async () => {
    sub.disconnect();
  };
}
