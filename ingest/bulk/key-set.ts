/**
 * Sets and maps of natural keys for a whole load. Two V8 details matter at tens of millions of keys:
 *
 * - A single Map or Set holds at most 2^24 (≈16.7M) entries; these spread keys over 64 shards.
 * - A field split out of a CSV line is a slice that keeps its whole source chunk (≈1 MB) alive; a
 *   stored key is copied first (`ownKey`), so memory grows with the keys, not with the files.
 */
const SHARDS = 64;

function shardOf(key: string): number {
  const n = key.length;
  // The tail of a code varies fastest (serial numbers, check digits).
  return (key.charCodeAt(n - 1) * 31 + (n > 1 ? key.charCodeAt(n - 2) : 0) * 7 + (n > 2 ? key.charCodeAt(n - 3) : 0)) & (SHARDS - 1);
}

/** A copy of `s` that does not share storage with the string it was sliced from. */
export const ownKey = (s: string): string => (' ' + s).slice(1);

export class KeySet {
  private readonly shards = Array.from({ length: SHARDS }, () => new Set<string>());
  size = 0;

  has(key: string): boolean {
    return this.shards[shardOf(key)]!.has(key);
  }

  /** Adds the key; false when it was there already. */
  add(key: string): boolean {
    const s = this.shards[shardOf(key)]!;
    if (s.has(key)) return false;
    s.add(ownKey(key));
    this.size++;
    return true;
  }

  *values(): IterableIterator<string> {
    for (const s of this.shards) yield* s;
  }
}

export class KeyMap<V> {
  private readonly shards = Array.from({ length: SHARDS }, () => new Map<string, V>());
  size = 0;

  get(key: string): V | undefined {
    return this.shards[shardOf(key)]!.get(key);
  }

  has(key: string): boolean {
    return this.shards[shardOf(key)]!.has(key);
  }

  set(key: string, value: V): void {
    const m = this.shards[shardOf(key)]!;
    if (m.has(key)) m.set(key, value);
    else {
      m.set(ownKey(key), value);
      this.size++;
    }
  }

  *entries(): IterableIterator<[string, V]> {
    for (const m of this.shards) yield* m;
  }
}
