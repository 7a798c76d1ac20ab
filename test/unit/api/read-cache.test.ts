import { describe, expect, it, vi } from 'vitest';
import { ReadCache } from '../../../api/read-cache.ts';

describe('ReadCache', () => {
  it('shares one load between concurrent misses and serves hits until the TTL ends', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const cache = new ReadCache(1_000, 10);
      let loads = 0;
      const load = async () => ++loads;
      const first = await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]);
      expect(first).toEqual([1, 1, 1]);
      vi.setSystemTime(999);
      expect(await cache.get('k', load)).toBe(1);
      vi.setSystemTime(1_000);
      expect(await cache.get('k', load)).toBe(2);
      expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 3, misses: 2 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops a failed load so the next request tries again, and forgets everything on clear', async () => {
    const cache = new ReadCache(60_000, 10);
    await expect(cache.get('k', () => Promise.reject(new Error('Neo4j away')))).rejects.toThrow('Neo4j away');
    expect(await cache.get('k', async () => 'back')).toBe('back');
    cache.clear();
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
  });

  it('evicts the least recently used entry beyond its size', async () => {
    const cache = new ReadCache(60_000, 2);
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    await cache.get('a', async () => 'a2'); // a is now the most recently used
    await cache.get('c', async () => 'c1'); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.get('a', async () => 'a3')).toBe('a1');
    expect(await cache.get('b', async () => 'b2')).toBe('b2');
  });
});
