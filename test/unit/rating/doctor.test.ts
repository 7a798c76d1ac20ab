import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { doctorPeerGroups } from '../../../graph/rating/doctor-facts.ts';
import { indicatorValues, type SubjectFacts } from '../../../rating/compute.ts';
import { checkImportRow } from '../../../rating/import.ts';
import { epochDay, type Stay } from '../../../rating/indicators.ts';
import { DEFAULT_DOCTOR_MODEL_FILE, DEFAULT_MODEL_FILE, loadRatingModel, loadSubjectModel, RatingModelError, validateRatingModel } from '../../../rating/load.ts';
import { parsePeriod, previousPeriod } from '../../../rating/period.ts';
import { rateAll } from '../../../rating/score.ts';

const model = loadSubjectModel(DEFAULT_DOCTOR_MODEL_FILE, 'doctor');
const period = parsePeriod('2024-H2');
const prev = previousPeriod('2024-H2');

/** A doctor's facts; every doctor here works in 内科 of a secondary hospital unless told otherwise. */
const doctor = (code: string, over: Partial<SubjectFacts> & { department?: string; kind?: string; level?: string } = {}): SubjectFacts => {
  const department = over.department ?? '内科';
  const kind = over.kind ?? 'hospital';
  const level = over.level ?? 'secondary';
  return {
    code,
    name: code,
    kind,
    level,
    region: '330300',
    current: { claims: 100, patients: 50, fund: 10_000 },
    previous: { claims: 100, fund: 10_000 },
    ringClaims: [],
    restrictedLines: [],
    stays: [],
    tests: [],
    fills: [],
    imported: {},
    peerGroups: doctorPeerGroups(department, kind, level),
    splitStaysOf: code,
    ...over,
  };
};
const rate = (list: SubjectFacts[]) => rateAll(model, list.map((f) => indicatorValues(model, f, period, prev)));
const lineOf = (ratings: ReturnType<typeof rate>, code: string, id: string) => ratings.find((r) => r.code === code)!.lines.find((l) => l.indicator === id)!;

describe('the doctor model file', () => {
  it('ships a 100-point doctor model: three categories, bands A ≥ 85 … E < 70, computed and imported indicators', () => {
    expect(model.subject).toBe('doctor');
    expect(model.scale).toBe(100);
    expect(model.categories.map((c) => [c.id, c.points])).toEqual([
      ['practice', 60],
      ['fund', 15],
      ['external', 25],
    ]);
    expect(model.bands.map((b) => [b.code, b.min])).toEqual([
      ['A', 85],
      ['B', 80],
      ['C', 75],
      ['D', 70],
      ['E', 0],
    ]);
    expect(model.indicators.filter((i) => 'computed' in i.source).map((i) => i.id)).toEqual(['ring-fund-share', 'ring-patient-share', 'rule-signal-rate', 'prescription-concentration', 'fund-growth', 'service-growth']);
    expect(model.indicators.filter((i) => 'imported' in i.source).map((i) => i.id)).toEqual(['payment-points', 'doctor-training', 'doctor-complaints']);
  });

  it('rejects an indicator not computed for doctors and a model of the wrong subject, naming the path', () => {
    const m = parse(readFileSync(DEFAULT_DOCTOR_MODEL_FILE, 'utf8')) as Record<string, any>;
    m.indicators[4].source = { computed: 'readmission-rate' };
    let issues: { path: string; message: string }[] = [];
    try {
      validateRatingModel(m, 'doctor.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(RatingModelError);
      issues = [...(e as RatingModelError).issues];
    }
    expect(issues).toContainEqual({ path: 'indicators[4].source.computed', message: expect.stringContaining('"readmission-rate" is not computed for doctors') });
    m.subject = 'nurse';
    expect(() => validateRatingModel(m, 'doctor.yaml')).toThrow(/doctor\.yaml: subject: expected one of institution, doctor/);
    expect(() => loadSubjectModel(DEFAULT_MODEL_FILE, 'doctor')).toThrow(/wenzhou-1000\.yaml: subject: this model rates institutions; expected a model of doctors here/);
    expect(loadRatingModel(DEFAULT_MODEL_FILE).subject).toBe('institution');
  });
});

describe('doctor indicators', () => {
  it('ring shares over the doctor’s own claims, weighted by verdict', () => {
    const ratings = rate([
      doctor('D1', {
        ringClaims: [
          { claimId: 'f1', personId: 'p1', fundPaid: 300, ringId: 'R1', family: 'kickback', verdict: 'confirmed' },
          { claimId: 'f2', personId: 'p2', fundPaid: 200, ringId: 'R1', family: 'kickback', verdict: 'open' },
        ],
      }),
    ]);
    // money: 300 + 0.5 × 200 = 400 of 10 000 = 4 % → 20 × (1 − 0.04/0.05) = 4 points; patients 1.5 of 50 = 3 % → 4 of 10
    expect(lineOf(ratings, 'D1', 'ring-fund-share')).toMatchObject({ status: 'scored', value: 0.04, points: 4 });
    expect(lineOf(ratings, 'D1', 'ring-patient-share')).toMatchObject({ status: 'scored', value: 0.03, points: 4 });
  });

  it('split stays count only the readmissions the doctor attended, after a discharge by anyone at the institution', () => {
    const d = (s: string) => epochDay(s);
    // One institution's stays: p1 discharged by D2 on 08-10, readmitted for the same diagnosis by D1 on 08-15 (split, D1's);
    // p2 discharged by D1, readmitted by D2 (split, D2's); p3 readmitted by D1 for another diagnosis (not split).
    const stays: Stay[] = [
      { claimId: 's1', personId: 'p1', admission: d('2024-08-01'), discharge: d('2024-08-10'), diagnosis: 'I10', doctor: 'D2' },
      { claimId: 's2', personId: 'p1', admission: d('2024-08-15'), discharge: d('2024-08-20'), diagnosis: 'I10', doctor: 'D1' },
      { claimId: 's3', personId: 'p2', admission: d('2024-09-01'), discharge: d('2024-09-05'), diagnosis: 'E11', doctor: 'D1' },
      { claimId: 's4', personId: 'p2', admission: d('2024-09-10'), discharge: d('2024-09-12'), diagnosis: 'E11', doctor: 'D2' },
      { claimId: 's5', personId: 'p3', admission: d('2024-10-01'), discharge: d('2024-10-03'), diagnosis: 'J20', doctor: 'D2' },
      { claimId: 's6', personId: 'p3', admission: d('2024-10-06'), discharge: d('2024-10-08'), diagnosis: 'K29', doctor: 'D1' },
    ];
    const v1 = indicatorValues(model, doctor('D1', { stays, current: { claims: 10, patients: 3, fund: 1000 } }), period, prev);
    const v2 = indicatorValues(model, doctor('D2', { stays, current: { claims: 20, patients: 3, fund: 1000 } }), period, prev);
    expect(v1.values['rule-signal-rate']).toMatchObject({ value: 0.1, detail: { claims: 10, signals: { 'split-stay': 1, 'code-mismatch': 0, 'over-testing': 0 } } });
    expect(v2.values['rule-signal-rate']).toMatchObject({ value: 0.05, detail: { signals: { 'split-stay': 1 } } });
  });

  it('rule signals are compared with doctors of the same department at institutions of the same kind and level, then wider', () => {
    const peers = Array.from({ length: 6 }, (_, i) => doctor(`N${i}`, { restrictedLines: [] }));
    const surgeons = Array.from({ length: 6 }, (_, i) => doctor(`S${i}`, { department: '外科' }));
    const mismatch = Array.from({ length: 30 }, (_, i) => ({ claimId: `m${i}`, institutionLevel: 'primary', itemMinLevel: 'secondary', itemGender: null, itemMinAge: null, itemMaxAge: null, patientGender: null, patientAge: null }));
    const bad = doctor('BAD', { restrictedLines: mismatch });
    const clinicDoctor = doctor('CL', { kind: 'clinic', level: 'primary' });
    const ratings = rate([...peers, ...surgeons, bad, clinicDoctor]);
    const rs = lineOf(ratings, 'BAD', 'rule-signal-rate');
    expect(rs).toMatchObject({ status: 'scored', value: 0.3, points: 0 });
    expect(rs.peer).toMatchObject({ group: 'department-kind-level', n: 6, median: 0 });
    // the clinic's internist has no clinic internists to compare with: the department anywhere (6 hospital internists + BAD)
    expect(lineOf(ratings, 'CL', 'rule-signal-rate').peer).toMatchObject({ group: 'department', n: 7 });
    expect(lineOf(ratings, 'N0', 'rule-signal-rate')).toMatchObject({ points: 15 });
    expect(ratings.find((r) => r.code === 'BAD')!.score!).toBeLessThan(ratings.find((r) => r.code === 'N0')!.score!);
  });

  it('external-prescription concentration over the filling pharmacies, missing under the model’s 10 fills', () => {
    const spread = Array.from({ length: 6 }, (_, i) => doctor(`P${i}`, { fills: [4, 4, 4, 4] }));
    const kick = doctor('K', { fills: [38, 1, 1] });
    const few = doctor('F', { fills: [5, 4] });
    const ratings = rate([...spread, kick, few]);
    expect(lineOf(ratings, 'P0', 'prescription-concentration')).toMatchObject({ status: 'scored', value: 0.25, points: 15 });
    const k = lineOf(ratings, 'K', 'prescription-concentration');
    expect(k.value).toBeCloseTo((38 / 40) ** 2 + 2 * (1 / 40) ** 2, 6);
    expect(k.points).toBe(0);
    expect(lineOf(ratings, 'F', 'prescription-concentration')).toMatchObject({ status: 'missing', points: null, note: { en: '9 external-prescription fills in 2024-H2 (needs 10)' } });
  });

  it('growth of fund use and of service count against the previous period, missing without one', () => {
    const steady = Array.from({ length: 6 }, (_, i) => doctor(`G${i}`, { previous: { claims: 95 + i, fund: 9_800 + 50 * i } }));
    const fast = doctor('FAST', { previous: { claims: 25, fund: 2_000 } });
    const fresh = doctor('NEW', { previous: { claims: 0, fund: 0 } });
    const ratings = rate([...steady, fast, fresh]);
    expect(lineOf(ratings, 'FAST', 'fund-growth')).toMatchObject({ status: 'scored', value: 4, points: 0 });
    expect(lineOf(ratings, 'FAST', 'service-growth')).toMatchObject({ status: 'scored', value: 3, points: 0 });
    expect(lineOf(ratings, 'G0', 'fund-growth').points).toBe(8);
    expect(lineOf(ratings, 'NEW', 'fund-growth')).toMatchObject({ status: 'missing', points: null });
  });

  it('imported doctor indicators: payment points deducted score linearly, a missing one stays missing (never 0)', () => {
    const ratings = rate([doctor('I1', { imported: { 'payment-points': 3, 'doctor-training': null } })]);
    expect(lineOf(ratings, 'I1', 'payment-points')).toMatchObject({ status: 'scored', value: 3, points: 11.25 });
    expect(lineOf(ratings, 'I1', 'doctor-training')).toMatchObject({ status: 'missing', value: null, points: null, note: { en: '"doctor-training" imported as missing for 2024-H2' } });
    expect(lineOf(ratings, 'I1', 'doctor-complaints')).toMatchObject({ status: 'missing', value: null, points: null, note: { en: '"doctor-complaints" not imported for 2024-H2' } });
  });

  it('an import row of a doctor model names doctor_code, and rejects an institution indicator', () => {
    const ctx = { model, institutions: new Set(['D1']), file: 'doctors.csv' };
    expect(checkImportRow({ period: '2024-H2', doctor_code: 'D1', indicator: 'payment-points', value: '6' }, 2, ctx)).toEqual({
      row: { period: '2024-H2', institutionCode: 'D1', indicator: 'payment-points', value: 6, file: 'doctors.csv', line: 2 },
    });
    expect(checkImportRow({ period: '2024-H2', doctor_code: 'D9', indicator: 'payment-points', value: '6' }, 3, ctx)).toEqual({ problem: { line: 3, field: 'doctor_code', message: 'no doctor "D9" in the graph' } });
    expect(checkImportRow({ period: '2024-H2', institution_code: 'D1', indicator: 'payment-points', value: '6' }, 4, ctx)).toEqual({ problem: { line: 4, field: 'doctor_code', message: 'is empty' } });
    expect(checkImportRow({ period: '2024-H2', doctor_code: 'D1', indicator: 'payment-points', value: '13' }, 5, ctx)).toEqual({ problem: { line: 5, field: 'value', message: "13 is outside payment-points's range [0, 12]" } });
    expect(checkImportRow({ period: '2024-H2', doctor_code: 'D1', indicator: 'admin-penalties', value: '6' }, 6, ctx)).toMatchObject({ problem: { line: 6, field: 'indicator', message: expect.stringContaining('not an imported indicator of model doctor-100') } });
  });
});

describe('doctor import mapping', () => {
  it('the shipped example doctor mapping turns a bureau export row into the doctor columns', async () => {
    const { loadMapping } = await import('../../../ingest/mapping/load.ts');
    const { compileMapping } = await import('../../../ingest/mapping/apply.ts');
    const mapping = await loadMapping('examples/mappings/doctor-credit-indicators.yaml');
    expect(mapping.target).toBe('doctor_credit_indicators');
    const map = compileMapping(mapping);
    const out = map({ PJQJ: '2024-H2', YSDM: 'D1', ZBDM: 'JF01', DF: '3' });
    expect(out).toEqual({ ok: true, record: { period: '2024-H2', doctor_code: 'D1', indicator: 'payment-points', value: '3' } });
    expect(checkImportRow((out as { record: Record<string, string> }).record, 2, { model, institutions: new Set(['D1']), file: 'x.txt' })).toMatchObject({ row: { value: 3 } });
  });
});
