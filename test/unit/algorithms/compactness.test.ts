import { describe, expect, it } from 'vitest';
import { compactnessLog10, timeCompactnessLog10, tightCore } from '../../../algorithms/recurring-groups.ts';
import { hypergeometricUpperTailLog10, seededRandom } from '../../../algorithms/stats.ts';

describe('compactness scans (a group packed into a stretch of a day)', () => {
  it('sees a slow farm: 32 of 40 swipes inside 140 of the counter’s 300 settlements that day', () => {
    // Twice the group's share of the day, over half the day: the old bound (over every choice of which 32
    // of the 40 are the tight ones) called that chance (10^-1.4); one stretch's hypergeometric tail does not.
    const need = tightCore(40);
    const positions = [...Array.from({ length: need }, (_, j) => 50 + Math.round((j * 139) / (need - 1))), 10, 12, 14, 16, 280, 282, 284, 286].sort((a, b) => a - b);
    const { log10P, span } = compactnessLog10(positions, 300, need);
    expect(span).toBe(140);
    expect(log10P).toBeLessThan(-2);
  });

  it('stays a valid bound: random days reach the 1 % level at most 1 % of the time', () => {
    const random = seededRandom(11);
    let rank = 0;
    let clock = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const n = 60 + Math.floor(random() * 300);
      const k = 4 + Math.floor(random() * 30);
      const chosen = new Set<number>();
      while (chosen.size < k) chosen.add(Math.floor(random() * n));
      const positions = [...chosen].sort((a, b) => a - b);
      if (compactnessLog10(positions, n, tightCore(k)).log10P <= -2) rank++;
      if (timeCompactnessLog10(Array.from({ length: k }, () => random()), tightCore(k)).log10P <= -2) clock++;
    }
    expect(rank / trials).toBeLessThanOrEqual(0.01);
    expect(clock / trials).toBeLessThanOrEqual(0.01);
  });

  it('hypergeometric tail: exact on a small case', () => {
    // 3 marked of 6, draw 3: P(X ≥ 2) = (C(3,2)·C(3,1) + C(3,3)) / C(6,3) = 10/20
    expect(10 ** hypergeometricUpperTailLog10(2, 6, 3, 3)).toBeCloseTo(0.5, 10);
    expect(10 ** hypergeometricUpperTailLog10(3, 6, 3, 3)).toBeCloseTo(0.05, 10);
    expect(hypergeometricUpperTailLog10(4, 6, 3, 3)).toBe(Number.NEGATIVE_INFINITY);
  });
});
