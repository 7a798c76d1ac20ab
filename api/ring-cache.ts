import { logger } from '../config/logger.ts';
import type { Services } from '../runtime/services.ts';
import { announceRingChanges, watchRingChanges } from '../runtime/ring-changes.ts';
import { ReadCache } from './read-cache.ts';

/**
 * Cached ring reads (queue pages, ring details, ring drawings) for this API process. Rings change
 * only when a detection run writes back or a case is opened or moved, so the hot path of the
 * workbench — every investigator's queue, the ring a team is working on — need not reach Neo4j on
 * every request. Entries live `ttlMs` at most; a change announced on Redis (by a detect worker or any
 * API process handling a case change) clears them at once. What is cached is unmasked data: masking
 * and the audit event happen per request, after the cache.
 */
export interface RingCache {
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** this process changed rings or cases: clear here, tell the others */
  changed(why: string): Promise<void>;
  stats(): { hits: number; misses: number; size: number };
  close(): Promise<void>;
}

export function createRingCache(services: Services, opts: { ttlMs: number; maxEntries: number }): RingCache {
  const reads = new ReadCache(opts.ttlMs, opts.maxEntries);
  let unwatch: Promise<(() => Promise<void>) | null> | null = null;
  // Subscribed on first use, so an app built only to list its routes opens no connection.
  const watch = () => {
    unwatch ??= watchRingChanges(services.redis, services.prefix, () => reads.clear()).catch((err: Error) => {
      logger().warn({ err: err.message }, 'not watching ring changes on Redis; cached ring reads expire on their own');
      return null;
    });
  };
  return {
    get(key, load) {
      if (opts.ttlMs <= 0) return load();
      watch();
      return reads.get(key, load);
    },
    async changed(why) {
      reads.clear();
      await announceRingChanges(services.redis, services.prefix, why);
    },
    stats: () => ({ hits: reads.hits, misses: reads.misses, size: reads.size }),
    async close() {
      const stop = await unwatch;
      await stop?.();
    },
  };
}
