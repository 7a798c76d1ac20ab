import { describe, expect, it } from 'vitest';
import { indicatorValues, type InstitutionFacts } from '../../../rating/compute.ts';
import { loadRatingModel } from '../../../rating/load.ts';
import { parsePeriod, previousPeriod } from '../../../rating/period.ts';
import { bandOf, linearPoints, peerPoints, rateAll, robustStats, spearman, type Subject } from '../../../rating/score.ts';

const model = loadRatingModel();

describe('points', () => {
  it('linear points run from best to worst in either direction, clamped', () => {
    expect(linearPoints(0, 0, 0.05, 100)).toBe(100);
    expect(linearPoints(0.025, 0, 0.05, 100)).toBeCloseTo(50, 10);
    expect(linearPoints(0.5, 0, 0.05, 100)).toBe(0);
    expect(linearPoints(80, 100, 60, 60)).toBeCloseTo(30, 10);
  });
  it('peer points: full up to fullWithin, none from zeroAt', () => {
    expect(peerPoints(-3, 1, 4, 60)).toBe(60);
    expect(peerPoints(2.5, 1, 4, 60)).toBeCloseTo(30, 10);
    expect(peerPoints(9, 1, 4, 60)).toBe(0);
    expect(robustStats([1, 2, 3, 4, 100])).toEqual({ median: 3, spread: 1.4826 });
  });
  it('bands follow the model: A ≥ 850 … E below 700', () => {
    expect([1000, 850, 849.9, 800, 760, 700, 699.9, 0].map((s) => bandOf(s, model.bands))).toEqual(['A', 'A', 'B', 'B', 'C', 'D', 'E', 'E']);
  });
  it('Spearman rank correlation with ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 10);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 10);
    expect(spearman([0, 0, 1, 2], [5, 5, 3, 1])).toBeCloseTo(-1, 10);
  });
});

const facts = (code: string, over: Partial<InstitutionFacts> = {}): InstitutionFacts => ({
  code,
  name: code,
  kind: 'clinic',
  level: 'primary',
  region: '330100',
  current: { claims: 100, patients: 50, fund: 10_000 },
  previous: { claims: 100, fund: 10_000 },
  ringClaims: [],
  restrictedLines: [],
  stays: [],
  tests: [],
  fills: [],
  imported: {},
  ...over,
});

describe('rating institutions', () => {
  const period = parsePeriod('2024-H2');
  const prev = previousPeriod('2024-H2');
  const rate = (list: InstitutionFacts[]) => rateAll(model, list.map((f) => indicatorValues(model, f, period, prev)));

  it('an institution with ring money and fast growth lands below its peers; missing imports are missing and prorated, never zero', () => {
    const honest = Array.from({ length: 8 }, (_, i) => facts(`H${i}`, { previous: { claims: 95 + i, fund: 9_500 + 100 * i } }));
    const ringed = facts('BAD', {
      previous: { claims: 50, fund: 4_000 },
      ringClaims: [
        { claimId: 'x1', personId: 'p1', fundPaid: 800, ringId: 'R1', family: 'card-farming', verdict: 'confirmed' },
        { claimId: 'x2', personId: 'p2', fundPaid: 400, ringId: 'R1', family: 'card-farming', verdict: 'confirmed' },
      ],
    });
    const ratings = rate([...honest, ringed]);
    const bad = ratings.find((r) => r.code === 'BAD')!;
    const good = ratings.find((r) => r.code === 'H0')!;
    expect(good.score).toBe(1000);
    expect(good.band).toBe('A');
    // ring money 12 % (≥ 5 %: no points), patients 2/50 = 4 % (12 of 60), fund growth 150 %: far above peers
    const line = (id: string) => bad.lines.find((l) => l.indicator === id)!;
    expect(line('ring-fund-share')).toMatchObject({ status: 'scored', value: 0.12, points: 0 });
    expect(line('ring-patient-share')).toMatchObject({ status: 'scored', value: 0.04, points: 12 });
    expect(line('fund-growth').points).toBe(0);
    expect(line('fund-growth').peer).toMatchObject({ group: 'kind-level', n: 8 });
    expect(line('self-inspection')).toMatchObject({ status: 'missing', value: null, points: null, note: { zh: '2024-H2 未导入“self-inspection”', en: '"self-inspection" not imported for 2024-H2' } });
    expect(line('cmi').status).toBe('not-applicable');
    expect(bad.score!).toBeLessThan(700);
    expect(bad.band).toBe('E');
    // computed indicators only: points evaluated = what was scored, not the 1000
    expect(bad.coverage).toBeCloseTo(bad.evaluated / 1000, 4);
    expect(bad.evaluated).toBeLessThan(1000);
    expect(bad.score).toBeCloseTo((bad.earned / bad.evaluated) * 1000, 0);
  });

  it('imported values count as given; a zero imported is a zero, a missing one is not', () => {
    const withImport = facts('I1', { imported: { 'admin-penalties': 0, 'basic-info': 30 } });
    const [r] = rate([withImport]);
    const line = (id: string) => r!.lines.find((l) => l.indicator === id)!;
    expect(line('admin-penalties')).toMatchObject({ status: 'scored', value: 0, points: 0 });
    expect(line('basic-info')).toMatchObject({ status: 'scored', points: 30 });
    expect(line('training')).toMatchObject({ status: 'missing', points: null });
    // growth missing: no previous period
    const [n] = rate([facts('N', { previous: { claims: 0, fund: 0 } })]);
    expect(n!.lines.find((l) => l.indicator === 'fund-growth')).toMatchObject({ status: 'missing', note: { zh: '2024-H1 无基金支付，无从比较', en: 'no fund use in 2024-H1 to compare with' } });
  });

  it('peer groups fall back from kind and level to kind to everyone', () => {
    const subjects: Subject[] = ['a', 'b', 'c', 'd', 'e', 'f'].map((c, i) => ({
      code: c,
      name: c,
      kind: i < 2 ? 'hospital' : 'clinic',
      level: i === 0 ? 'tertiary' : 'primary',
      region: null,
      values: { 'fund-growth': { value: 0.1 * i } },
    }));
    const ratings = rateAll(model, subjects);
    const fg = (code: string) => ratings.find((r) => r.code === code)!.lines.find((l) => l.indicator === 'fund-growth')!.peer!;
    expect(fg('a').group).toBe('all'); // one other hospital: too few
    expect(fg('a').n).toBe(5);
    expect(fg('c').group).toBe('all'); // three other clinics of the level < 5
  });
});
