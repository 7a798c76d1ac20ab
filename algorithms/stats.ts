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

export function logGamma(x: number): number {
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

/**
 * Jaccard similarity of two sorted integer arrays; of a's run [aFrom, aTo) where a is many sets packed
 * side by side (read in place: no view per set on a hot path).
 */
export function sortedJaccard(a: ArrayLike<number>, b: ArrayLike<number>, aFrom = 0, aTo = a.length): number {
  let i = aFrom;
  let j = 0;
  let inter = 0;
  while (i < aTo && j < b.length) {
    if (a[i]! === b[j]!) {
      inter++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  const union = aTo - aFrom + b.length - inter;
  return union === 0 ? 1 : inter / union;
}

/** A deterministic PRNG (mulberry32) so community detection gives the same rings on the same data. */
export interface SeededRandom {
  (): number;
  /** a stream that goes on from this one's current state, leaving this one where it is */
  fork: () => SeededRandom;
}

export function seededRandom(seed: number): SeededRandom {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(next, { fork: () => seededRandom(a) });
}

/** log10 of P(X ≥ k) for X ~ Binomial(n, p): how surprising k successes in n trials are at rate p. */
export function binomialUpperTailLog10(k: number, n: number, p: number): number {
  if (k <= 0) return 0;
  if (k > n) return Number.NEGATIVE_INFINITY;
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return 0;
  if (k <= n * p) return 0;
  const logC = (j: number) => logGamma(n + 1) - logGamma(j + 1) - logGamma(n - j + 1);
  return upperTailLog10((j) => logC(j) + j * Math.log(p) + (n - j) * Math.log1p(-p), k, n);
}

/**
 * log10 of Σ_{j=k..hi} exp(logTerm(j)), an upper tail of a unimodal mass: terms relative to the first,
 * stopping once they no longer count past the mode (a k below the mode sums toward 1, capped at 0).
 */
function upperTailLog10(logTerm: (j: number) => number, k: number, hi: number): number {
  const maxLog = logTerm(k);
  let sum = 1;
  for (let j = k + 1; j <= hi; j++) {
    const d = logTerm(j) - maxLog;
    if (d < -40) break;
    sum += Math.exp(d);
  }
  return Math.min(0, (maxLog + Math.log(sum)) / Math.LN10);
}

/**
 * log10 of P(X ≥ k) for X ~ Hypergeometric: `draws` taken without replacement from `population` items of
 * which `successes` are marked — how surprising it is that a stretch of `draws` settlements holds k of a
 * group's `successes`.
 */
export function hypergeometricUpperTailLog10(k: number, population: number, successes: number, draws: number): number {
  const hi = Math.min(successes, draws);
  if (k <= 0) return 0;
  if (k > hi) return Number.NEGATIVE_INFINITY;
  return upperTailLog10((j) => logChoose(successes, j) + logChoose(population - successes, draws - j) - logChoose(population, draws), k, hi);
}

/** log10 of P(X ≤ k) for X ~ Binomial(n, p): how surprising so few successes are at rate p. */
export function binomialLowerTailLog10(k: number, n: number, p: number): number {
  return binomialUpperTailLog10(n - k, n, 1 - p);
}

/** The q-quantile (0..1) of the values, linear between order statistics; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = Math.min(1, Math.max(0, q)) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/**
 * Robust location and scale of a peer group: median and MAD scaled to a normal sd (× 1.4826), with a
 * floor so a peer group of identical values does not make every departure infinitely surprising.
 */
export function robustCenter(xs: readonly number[], minScale = 1e-9): { center: number; scale: number } {
  const center = median(xs);
  const scale = Math.max(minScale, 1.4826 * median(xs.map((x) => Math.abs(x - center))));
  return { center, scale };
}

/** log10 of the upper tail of a standard normal at z (for robust z-scores against peers). */
export function normalUpperTailLog10(z: number): number {
  if (z <= 0) return 0;
  // erfc via its continued-fraction-free asymptotic form is accurate enough in the tail; below z = 5 use
  // the Abramowitz–Stegun 7.1.26 approximation of erfc.
  if (z < 5) {
    const x = z / Math.SQRT2;
    const t = 1 / (1 + 0.3275911 * x);
    const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    return Math.log10(0.5 * poly * Math.exp(-x * x));
  }
  return (-(z * z) / 2 - Math.log(z * Math.sqrt(2 * Math.PI)) + Math.log1p(-1 / (z * z))) / Math.LN10;
}

/**
 * Fisher's method: independent tail probabilities (as log10 p) combined into one log10 p. The χ² tail
 * with 2k degrees of freedom has a closed form: P = e^{-x/2} Σ_{j<k} (x/2)^j / j!.
 */
export function fisherCombineLog10(log10ps: readonly number[]): number {
  const k = log10ps.length;
  if (k === 0) return 0;
  const half = -log10ps.reduce((s, l) => s + l, 0) * Math.LN10; // x/2 = -Σ ln p
  let term = 0; // log of (x/2)^j / j!
  let maxLog = 0;
  const logs: number[] = [];
  for (let j = 0; j < k; j++) {
    if (j > 0) term += Math.log(half) - Math.log(j);
    logs.push(term);
    maxLog = Math.max(maxLog, term);
  }
  const sum = logs.reduce((s, l) => s + Math.exp(l - maxLog), 0);
  return Math.min(0, (-half + maxLog + Math.log(sum)) / Math.LN10);
}

/**
 * The truncated product method (Zaykin, Zhivotovsky, Westfall & Weir 2002, Genet. Epidemiol. 22:170):
 * of L independent tests, only those with p ≤ τ are multiplied, W = Π p_i, and log10 P(W ≤ w) under the
 * null is returned. Unlike Fisher's method over the tests one picked for being small, it accounts for the
 * picking: P(W ≤ w) = Σ_k C(L,k) (1−τ)^(L−k) H_k, H_k = w Σ_{s<k} (k ln τ − ln w)^s / s! where w ≤ τ^k,
 * else τ^k.
 */
export function truncatedProductLog10(log10ps: readonly number[], tests: number, tau: number): number {
  const kept = log10ps.filter((l) => l <= Math.log10(tau));
  if (kept.length === 0) return 0;
  const L = Math.max(tests, kept.length);
  const lnW = kept.reduce((a, l) => a + l, 0) * Math.LN10;
  const lnTau = Math.log(tau);
  const logs: number[] = [];
  for (let k = 1; k <= L; k++) {
    let lnH: number;
    if (lnW <= k * lnTau) {
      const x = k * lnTau - lnW;
      let term = 0;
      const parts = [0];
      for (let s = 1; s < k; s++) parts.push((term += Math.log(x) - Math.log(s)));
      const m = Math.max(...parts);
      lnH = lnW + m + Math.log(parts.reduce((a, t) => a + Math.exp(t - m), 0));
    } else lnH = k * lnTau;
    const t = logChoose(L, k) + (L - k) * Math.log1p(-tau) + lnH;
    logs.push(t);
    // past the kept count the terms are τ^k-bound and fall geometrically
    if (k > kept.length + 5 && t < Math.max(...logs) - 40) break;
  }
  const m = Math.max(...logs);
  return Math.min(0, (m + Math.log(logs.reduce((a, t) => a + Math.exp(t - m), 0))) / Math.LN10);
}

/** Natural log of the binomial coefficient C(n, k). */
export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * log10 P(X ≥ k) for X ~ BetaBinomial(n, mean p, intra-class correlation rho): a binomial whose rate
 * varies between doctors. rho = 0 is the binomial.
 */
export function betaBinomialUpperTailLog10(k: number, n: number, p: number, rho: number): number {
  if (k <= 0) return 0;
  if (k > n) return Number.NEGATIVE_INFINITY;
  if (k <= n * p) return 0;
  if (rho <= 1e-9) return binomialUpperTailLog10(k, n, p);
  const m = 1 / rho - 1;
  const a = p * m;
  const b = (1 - p) * m;
  const lnB = (x: number, y: number) => logGamma(x) + logGamma(y) - logGamma(x + y);
  // log P(X = k), then each next term by the ratio P(j + 1)/P(j) = (n − j)(j + a) / ((j + 1)(n − j − 1 + b))
  let logTerm = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + lnB(k + a, n - k + b) - lnB(a, b);
  let maxLog = logTerm;
  let sum = 1;
  for (let j = k; j < n; j++) {
    logTerm += Math.log(((n - j) * (j + a)) / ((j + 1) * (n - j - 1 + b)));
    if (logTerm > maxLog) {
      sum = sum * Math.exp(maxLog - logTerm) + 1;
      maxLog = logTerm;
    } else {
      const d = logTerm - maxLog;
      if (d < -40) break;
      sum += Math.exp(d);
    }
  }
  return Math.min(0, (maxLog + Math.log(sum)) / Math.LN10);
}

/** χ²₁'s median */
const CHI2_1_MEDIAN = 0.454936;

/**
 * The overdispersion φ ≥ 0 at which the median of z²/(1 + f·φ) is χ²₁'s median, for squared Pearson
 * residuals z² and each cell's variance factor f per unit φ (0 when the residuals are not overdispersed).
 */
export function medianMatchingDispersion(z2: readonly number[], f: readonly number[]): number {
  if (z2.length === 0) return 0;
  const at = (phi: number) => median(z2.map((z, i) => z / (1 + f[i]! * phi)));
  if (at(0) <= CHI2_1_MEDIAN) return 0;
  let lo = 0;
  let hi = 1;
  while (at(hi) > CHI2_1_MEDIAN && hi < 1e6) [lo, hi] = [hi, hi * 4];
  for (let it = 0; it < 40; it++) {
    const mid = (lo + hi) / 2;
    if (at(mid) > CHI2_1_MEDIAN) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Intra-doctor correlation of the beta-binomial at share s when doctors' shares vary multiplicatively,
 * Var(π) = φ s² (a doctor sends twice or half the usual share, not a fixed number of points more): ρ = φ s / (1 − s).
 */
export function multiplicativeIcc(s: number, phi: number): number {
  return Math.min(1 - 1e-9, (phi * s) / Math.max(1e-12, 1 - s));
}
