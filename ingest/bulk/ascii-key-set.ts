/**
 * An exact set of short ASCII keys (claim ids, trace codes: the row schemas only let [A-Za-z0-9_:./-]
 * and digits through) kept outside the JavaScript heap's object graph: key bytes in one growing byte
 * arena, open addressing over typed arrays. About 35 bytes per key instead of ~100 for a string in a
 * Set, and nothing for the garbage collector to trace — at tens of millions of claims that is the
 * difference between a few hundred MB and several GB, and it has no 2^24-entry cap.
 */
export class AsciiKeySet {
  private slots: Int32Array<ArrayBuffer>;
  private hashes: Uint32Array<ArrayBuffer> = new Uint32Array(1 << 16);
  /** starts[i] .. starts[i + 1]: bytes of key i in the arena. */
  private starts: Uint32Array<ArrayBuffer> = new Uint32Array((1 << 16) + 1);
  private arena: Uint8Array<ArrayBuffer> = new Uint8Array(1 << 20);
  size = 0;

  constructor() {
    this.slots = new Int32Array(1 << 17).fill(-1);
  }

  has(key: string): boolean {
    return this.find(key, hashOf(key)) >= 0;
  }

  /** Adds the key; false when it was there already. */
  add(key: string): boolean {
    return this.put(key) >= 0;
  }

  /**
   * Adds the key and returns its index (0, 1, 2 … in order of insertion), or `~index` (a negative
   * number) when it was there already: callers keep what they know of each key in typed arrays by index.
   */
  put(key: string): number {
    const h = hashOf(key);
    const found = this.find(key, h);
    if (found >= 0) return ~found;
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const i = this.size++;
    if (i >= this.hashes.length) {
      // hashes holds one entry per key, starts one more (the end of the last key).
      this.hashes = grownUint32(this.hashes, this.hashes.length * 2);
      this.starts = grownUint32(this.starts, this.hashes.length + 1);
    }
    const start = this.starts[i]!;
    if (start + key.length > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, start + key.length));
      bigger.set(this.arena);
      this.arena = bigger;
    }
    for (let k = 0; k < key.length; k++) {
      const c = key.charCodeAt(k);
      if (c > 0xff) throw new Error(`key ${JSON.stringify(key)} has a character outside Latin-1`);
      this.arena[start + k] = c;
    }
    this.starts[i + 1] = start + key.length;
    this.hashes[i] = h;
    this.place(i, h);
    return i;
  }

  *values(): IterableIterator<string> {
    const buf = Buffer.from(this.arena.buffer, this.arena.byteOffset, this.arena.byteLength);
    for (let i = 0; i < this.size; i++) yield buf.toString('latin1', this.starts[i], this.starts[i + 1]);
  }

  private find(key: string, h: number): number {
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const i = this.slots[s]!;
      if (i < 0) return -1;
      if (this.hashes[i] === h && this.equals(i, key)) return i;
    }
  }

  private equals(i: number, key: string): boolean {
    const start = this.starts[i]!;
    if (this.starts[i + 1]! - start !== key.length) return false;
    for (let k = 0; k < key.length; k++) if (this.arena[start + k] !== key.charCodeAt(k)) return false;
    return true;
  }

  private place(i: number, h: number): void {
    const mask = this.slots.length - 1;
    let s = h & mask;
    while (this.slots[s]! >= 0) s = (s + 1) & mask;
    this.slots[s] = i;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let i = 0; i < this.size; i++) this.place(i, this.hashes[i]!);
  }
}

/** FNV-1a over the key's characters, with a final mix so that linear probing sees spread-out slots. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < key.length; k++) h = Math.imul(h ^ key.charCodeAt(k), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

function grownUint32(a: Uint32Array, length: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(length);
  b.set(a);
  return b;
}
