/**
 * Seeded randomness. Everything the generator draws comes from here so that the same seed and
 * arguments give byte-identical files; Math.random and clocks are never used.
 */

/** 32-bit string hash (FNV-1a) used to derive independent streams from one seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** sfc32: small, fast, passes PractRand for the sizes we draw; state is four 32-bit words. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = '') {
    this.a = hash32(`a:${seed}:${stream}`);
    this.b = hash32(`b:${seed}:${stream}`);
    this.c = hash32(`c:${seed}:${stream}`);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** An independent stream: adding draws to one part of the generator never shifts another part. */
  static stream(seed: number, name: string): Rng {
    return new Rng(seed, name);
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** exp(N(mu, sigma)): claim amounts and visit intensities are heavy-tailed in real data. */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Knuth for small means, normal approximation beyond. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /**
   * sample() into the front of a caller-owned scratch array, returning how many were drawn: the same draws
   * and result, without the two arrays sample() allocates (hot paths). Entries past the count are stale.
   */
  sampleInto<T>(items: readonly T[], k: number, out: T[]): number {
    for (let i = 0; i < items.length; i++) out[i] = items[i] as T;
    const n = Math.min(k, items.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(items.length - i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return n;
  }

  /** Fisher–Yates on a copy, then the first k. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(copy.length - i);
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy.slice(0, n);
  }
}

/**
 * Index drawn with probability proportional to weight: the first index whose cumulative weight exceeds a
 * uniform target. A guide table (one bucket per entry) starts the search next to the answer, so a pick
 * costs a step or two instead of a binary search; the result is exactly the binary search's.
 */
export class WeightedPicker {
  private readonly cumulative: Float64Array;
  private readonly guide: Int32Array;
  readonly total: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += weights[i] as number;
      this.cumulative[i] = sum;
    }
    this.total = sum;
    this.guide = new Int32Array(n + 1);
    for (let b = 0, i = 0; b <= n; b++) {
      const bound = (b / n) * sum;
      while (i < n - 1 && (this.cumulative[i] as number) <= bound) i++;
      this.guide[b] = i;
    }
  }

  pick(rng: Rng): number {
    const target = rng.float() * this.total;
    const c = this.cumulative;
    const last = c.length - 1;
    // (NaN | 0) is 0: with all weights zero the walk below ends at the last index, as the binary search did.
    const bucket = Math.min(last + 1, ((target / this.total) * c.length) | 0);
    let i = this.guide[bucket] as number;
    // The bucket's bound was rounded: step back or forward to the first entry above the target.
    while (i > 0 && (c[i - 1] as number) > target) i--;
    while (i < last && (c[i] as number) <= target) i++;
    return i;
  }
}

/**
 * Balanced Feistel permutation of [0, 2^bits): turns sequence numbers into unique identifiers that
 * reveal nothing about generation order (planted claims must not be findable by their ids).
 */
export function permute(value: number, bits: number, key: number): number {
  const half = bits / 2;
  if (!Number.isInteger(half)) throw new Error('permute needs an even bit width');
  const mask = 2 ** half - 1;
  let left = Math.floor(value / 2 ** half);
  let right = value % 2 ** half;
  for (let round = 0; round < 4; round++) {
    const f = (Math.imul((right ^ Math.imul(key + round, 0x9e3779b1)) >>> 0, 0x85ebca6b) >>> 7) & mask;
    const next = (left ^ f) & mask;
    left = right;
    right = next;
  }
  return left * 2 ** half + right;
}
