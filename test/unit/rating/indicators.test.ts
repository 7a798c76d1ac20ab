import { describe, expect, it } from 'vitest';
import { codeMismatchClaims, epochDay, growth, herfindahl, overTestingClaims, readmissions, ringShare, ruleSignalRate, type ItemLine, type RingClaim, type Stay } from '../../../rating/indicators.ts';

const W = { verdictWeights: { confirmed: 1, open: 0.5, dismissed: 0 }, familyWeights: {} };
const rc = (claimId: string, personId: string, fundPaid: number, ringId: string, family: string, verdict: RingClaim['verdict']): RingClaim => ({ claimId, personId, fundPaid, ringId, family, verdict });

describe('ring involvement', () => {
  it('weights patients and money by verdict, counting a claim or a patient once at its largest weight', () => {
    const rows = [
      rc('c1', 'p1', 100, 'R1', 'card-farming', 'confirmed'),
      rc('c2', 'p2', 50, 'R1', 'card-farming', 'confirmed'),
      rc('c3', 'p3', 200, 'R2', 'kickback', 'open'),
      rc('c3', 'p3', 200, 'R3', 'kickback', 'dismissed'), // the same claim in a dismissed ring: still 0.5
      rc('c4', 'p4', 400, 'R4', 'recruited-patients', 'dismissed'),
    ];
    const r = ringShare(rows, { patients: 10, fund: 1000 }, W)!;
    // patients: p1 1 + p2 1 + p3 0.5 + p4 0 = 2.5 of 10
    expect(r.patientShare).toBeCloseTo(0.25, 10);
    // money: 100 + 50 + 0.5 × 200 + 0 × 400 = 250 of 1000
    expect(r.fundShare).toBeCloseTo(0.25, 10);
    expect(r.byFamily.map((f) => [f.family, f.patients, f.fund, f.rings])).toEqual([
      ['recruited-patients', 1, 400, 1],
      ['kickback', 1, 200, 2],
      ['card-farming', 2, 150, 1],
    ]);
    expect(r.byFamily.find((f) => f.family === 'kickback')!.verdicts).toEqual({ confirmed: 0, open: 1, dismissed: 1 });
  });

  it('applies family weights and is missing, not zero, without patients or money', () => {
    const rows = [rc('c1', 'p1', 100, 'R1', 'over-treatment', 'confirmed')];
    expect(ringShare(rows, { patients: 4, fund: 400 }, { ...W, familyWeights: { 'over-treatment': 0.5 } })!.fundShare).toBeCloseTo(0.125, 10);
    expect(ringShare([], { patients: 4, fund: 400 }, W)).toMatchObject({ patientShare: 0, fundShare: 0 });
    expect(ringShare([], { patients: 0, fund: 0 }, W)).toBeUndefined();
  });
});

describe('rule signals', () => {
  const line = (claimId: string, over: Partial<ItemLine>): ItemLine => ({
    claimId,
    institutionLevel: 'primary',
    itemMinLevel: null,
    itemGender: null,
    itemMinAge: null,
    itemMaxAge: null,
    patientGender: 'M',
    patientAge: 40,
    ...over,
  });
  it('flags items above the institution level and against the patient gender or age, not restricted items that fit', () => {
    const flagged = codeMismatchClaims([
      line('above', { itemMinLevel: 'tertiary' }),
      line('fits-level', { itemMinLevel: 'primary' }),
      line('wrong-gender', { itemGender: 'F' }),
      line('right-gender', { itemGender: 'M' }),
      line('too-old', { itemMaxAge: 14 }),
      line('too-young', { itemMinAge: 60 }),
      line('age-unknown', { itemMaxAge: 14, patientAge: null }),
    ]);
    expect([...flagged].sort()).toEqual(['above', 'too-old', 'too-young', 'wrong-gender']);
  });

  const d = (s: string) => epochDay(s);
  const stay = (claimId: string, personId: string, adm: string, dis: string, diagnosis = 'J18'): Stay => ({ claimId, personId, admission: d(adm), discharge: d(dis), diagnosis });
  it('counts readmissions within the window and split stays for the same diagnosis, inside the period', () => {
    const stays = [
      stay('a1', 'p1', '2024-03-01', '2024-03-05'),
      stay('a2', 'p1', '2024-03-12', '2024-03-15'), // 7 days after: readmission, same diagnosis → split
      stay('a3', 'p1', '2024-05-01', '2024-05-03'), // 47 days after: not a readmission
      stay('b1', 'p2', '2024-03-10', '2024-03-20', 'I10'),
      stay('b2', 'p2', '2024-03-30', '2024-04-02', 'K35'), // 10 days, another diagnosis: readmission, no split
      stay('c1', 'p3', '2024-02-20', '2024-02-25'), // discharged before the period…
      stay('c2', 'p3', '2024-03-02', '2024-03-04'), // …readmitted inside it: split claim c2, readmission not counted for March
    ];
    const r = readmissions(stays, 15, d('2024-03-01'), d('2024-04-01'));
    // discharged in March: a1, a2, b1, c2 → readmitted within 15 days: a1 (→a2), b1 (→b2)
    expect(r.stays).toBe(4);
    expect(r.readmitted).toBe(2);
    expect([...r.splitClaims].sort()).toEqual(['a2', 'c2']);
  });

  it('flags HbA1c tests beyond the yearly limit pro rata to the period', () => {
    const tests = ['01', '02', '03', '04', '05', '06'].map((m, i) => ({ claimId: `t${i}`, personId: 'p1', day: d(`2024-${m}-10`) }));
    tests.push({ claimId: 'q1', personId: 'p2', day: d('2024-01-10') });
    // a half year allows round(4 × 182 / 365) = 2, a leap year 4
    expect([...overTestingClaims(tests, 4, 182)].sort()).toEqual(['t2', 't3', 't4', 't5']);
    expect(overTestingClaims(tests, 4, 366).size).toBe(2);
  });

  it('rates claims with any signal, each claim once', () => {
    const r = ruleSignalRate(20, { 'code-mismatch': new Set(['a', 'b']), 'split-stay': new Set(['b', 'c']), 'over-testing': new Set() })!;
    expect(r.rate).toBeCloseTo(3 / 20, 10);
    expect(r.counts).toEqual({ 'code-mismatch': 2, 'split-stay': 2, 'over-testing': 0 });
    expect(ruleSignalRate(0, {})).toBeUndefined();
  });
});

describe('growth and concentration', () => {
  it('growth is relative and missing without a previous value', () => {
    expect(growth(150, 100)).toBeCloseTo(0.5, 10);
    expect(growth(50, 100)).toBeCloseTo(-0.5, 10);
    expect(growth(10, 0)).toBeUndefined();
  });
  it('Herfindahl index of fills, missing below the minimum count', () => {
    expect(herfindahl([25, 25, 25, 25])).toBeCloseTo(0.25, 10);
    expect(herfindahl([90, 10])).toBeCloseTo(0.82, 10);
    expect(herfindahl([5, 5])).toBeUndefined();
  });
});
