/** Small statistics the detectors share. Pure. */

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : 0;
}

/** Coefficient of variation (sd / mean); 0 for fewer than two values or a zero mean. */
export function coefficientOfVariation(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  if (m === 0) return 0;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return Math.sqrt(v / (xs.length - 1)) / Math.abs(m);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function logGamma(x: number): number {
  // Lanczos approximation, accurate to ~1e-14 for x > 0.
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * log10 of P(X ≥ k) for X ~ Poisson(lambda): how surprising k events are when lambda were expected.
 * Summed in log space so tiny tails (1e-300 and beyond) stay finite.
 */
export function poissonUpperTailLog10(k: number, lambda: number): number {
  if (k <= 0) return 0;
  if (lambda <= 0) return Number.NEGATIVE_INFINITY;
  // At or below the expectation nothing is surprising; callers only ask about excess.
  if (k <= lambda) return 0;
  const logTerm = (j: number) => -lambda + j * Math.log(lambda) - logGamma(j + 1);
  let maxLog = logTerm(k);
  let sum = 1;
  // Terms beyond k shrink geometrically once j > lambda; 400 terms is far past any case we meet.
  for (let j = k + 1; j < k + 400; j++) {
    const d = logTerm(j) - maxLog;
    if (d < -40) break;
    sum += Math.exp(d);
  }
  const result = (maxLog + Math.log(sum)) / Math.LN10;
  return Math.min(0, result);
}

/** Jaccard similarity of two sorted integer arrays. */
export function sortedJaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      inter++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  const union = a.length + b.length - inter;
  return union === 0 ? 1 : inter / union;
}

/** A deterministic PRNG (mulberry32) so community detection gives the same rings on the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
