import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { readDoctorFacts } from '../../graph/rating/doctor-facts.ts';
import { readInstitutionFacts } from '../../graph/rating/facts.ts';
import { doctorRatings } from '../../graph/rating/doctor-store.ts';
import { indicatorValues } from '../../rating/compute.ts';
import { importIndicators, RatingImportError } from '../../rating/import.ts';
import { DEFAULT_DOCTOR_MODEL_FILE, DEFAULT_MODEL_FILE, loadSubjectModel } from '../../rating/load.ts';
import { parsePeriod, previousPeriod } from '../../rating/period.ts';
import { runDoctorRating } from '../../rating/run-rating.ts';
import { wipeGraph } from './graph-snapshot.ts';

/**
 * Doctor facts read from a hand-built graph: one primary hospital with two internists, a pharmacy filling one
 * of them's prescription, restricted items, HbA1c tests, a split stay across the two doctors, and an open
 * kickback ring over the filled prescription. Each computed indicator of the doctor model is checked
 * against what the graph holds.
 */
describe('doctor rating facts on a hand-built graph', () => {
  const driver = createDriver(inject('stack').neo4j);
  const model = loadSubjectModel(DEFAULT_DOCTOR_MODEL_FILE, 'doctor');
  const period = parsePeriod('2024-H2');
  const previous = previousPeriod('2024-H2');

  beforeAll(async () => {
    await wipeGraph(driver);
    await migrate(driver);
    await driver.executeQuery(`
      CREATE (h:Institution {code: 'H1', name: '一院', kind: 'hospital', level: 'primary', region: '330300'})
      CREATE (p:Institution {code: 'P1', name: '药店', kind: 'pharmacy', level: 'none', region: '330300'})
      CREATE (d1:Doctor {code: 'D1', name: '甲', department: '内科', institutionCode: 'H1'})-[:WORKS_AT]->(h)
      CREATE (d2:Doctor {code: 'D2', name: '乙', department: '内科', institutionCode: 'H1'})-[:WORKS_AT]->(h)
      CREATE (a:Person {idNumber: 'A', gender: 'F', birthDate: date('1980-01-01')})
      CREATE (b:Person {idNumber: 'B', gender: 'M', birthDate: date('1950-01-01')})
      CREATE (ob:Item {code: 'OB', name: '产前检查', genderRestriction: 'F'})
      CREATE (ct:Item {code: 'CT', name: '增强CT', minLevel: 'secondary'})
      CREATE (hb:Item {code: 'HB', name: '糖化血红蛋白测定'})
      WITH *
      UNWIND [
        {id: 'c0', at: '2024-03-05T10:00:00+08:00', kind: 'outpatient', inst: 'H1', by: 'D1', for: 'B', fund: 200.0, items: []},
        {id: 'c1', at: '2024-07-02T10:00:00+08:00', kind: 'outpatient', inst: 'H1', by: 'D1', for: 'B', fund: 100.0, items: ['OB']},
        {id: 'c2', at: '2024-07-03T10:00:00+08:00', kind: 'outpatient', inst: 'H1', by: 'D1', for: 'A', fund: 100.0, items: ['CT']},
        {id: 't1', at: '2024-07-10T10:00:00+08:00', kind: 'outpatient', inst: 'H1', by: 'D1', for: 'B', fund: 10.0, items: ['HB']},
        {id: 't2', at: '2024-08-10T10:00:00+08:00', kind: 'outpatient', inst: 'H1', by: 'D1', for: 'B', fund: 10.0, items: ['HB']},
        {id: 't3', at: '2024-09-10T10:00:00+08:00', kind: 'outpatient', inst: 'H1', by: 'D1', for: 'B', fund: 10.0, items: ['HB']},
        {id: 't4', at: '2024-10-10T10:00:00+08:00', kind: 'outpatient', inst: 'H1', by: 'D1', for: 'B', fund: 10.0, items: ['HB']},
        {id: 's1', at: '2024-08-10T10:00:00+08:00', kind: 'inpatient', inst: 'H1', by: 'D2', for: 'A', fund: 1000.0, items: [], adm: '2024-08-01', dis: '2024-08-10', dx: 'I10'},
        {id: 's2', at: '2024-08-20T10:00:00+08:00', kind: 'inpatient', inst: 'H1', by: 'D1', for: 'A', fund: 900.0, items: [], adm: '2024-08-15', dis: '2024-08-20', dx: 'I10'}
      ] AS row
      MATCH (doc:Doctor {code: row.by}), (who:Person {idNumber: row.for}), (at:Institution {code: row.inst})
      CREATE (c:Claim {claimId: row.id, settledAt: datetime(row.at), kind: row.kind, institutionCode: row.inst, fundPaid: row.fund,
                       admissionDate: CASE WHEN row.adm IS NULL THEN null ELSE date(row.adm) END,
                       dischargeDate: CASE WHEN row.dis IS NULL THEN null ELSE date(row.dis) END, diagnosisCode: row.dx})
      CREATE (c)-[:BY]->(doc), (c)-[:FOR]->(who), (c)-[:AT]->(at)
      WITH c, row UNWIND row.items AS code MATCH (it:Item {code: code}) CREATE (c)-[:BILLED]->(it)`);
    // A pharmacy fill of D1's external prescription, evidence of an open kickback ring.
    await driver.executeQuery(`
      MATCH (d1:Doctor {code: 'D1'}), (a:Person {idNumber: 'A'}), (p:Institution {code: 'P1'})
      CREATE (c:Claim {claimId: 'f1', settledAt: datetime('2024-09-01T10:00:00+08:00'), kind: 'pharmacy', institutionCode: 'P1', fundPaid: 60.0})
      CREATE (c)-[:PRESCRIBED_BY]->(d1), (c)-[:FOR]->(a), (c)-[:AT]->(p)
      CREATE (:Ring {ringId: 'R1', status: 'active', family: 'kickback'})-[:EVIDENCED_BY]->(c)`);
  }, 180_000);
  afterAll(() => driver.close());

  it('reads each doctor’s own claims, ring claims, restricted lines, tests, stays and fills', async () => {
    const facts = await readDoctorFacts(driver, period, previous, { readmissionDays: 15 });
    const d1 = facts.find((f) => f.code === 'D1')!;
    const d2 = facts.find((f) => f.code === 'D2')!;
    expect(facts.map((f) => f.code).sort()).toEqual(['D1', 'D2']);
    expect(d1).toMatchObject({ department: '内科', institutionCode: 'H1', kind: 'hospital', level: 'primary', current: { claims: 8, patients: 2, fund: 1200 }, previous: { claims: 1, fund: 200 } });
    expect(d1.ringClaims).toEqual([{ claimId: 'f1', personId: 'A', fundPaid: 60, ringId: 'R1', family: 'kickback', verdict: 'open' }]);
    expect(d1.restrictedLines.map((l) => [l.claimId, l.institutionLevel, l.patientGender]).sort()).toEqual([
      ['c1', 'primary', 'M'],
      ['c2', 'primary', 'F'],
    ]);
    expect(d1.tests.map((t) => t.claimId).sort()).toEqual(['t1', 't2', 't3', 't4']);
    expect(d1.fills).toEqual([1]);
    expect(d1.stays.map((s) => [s.claimId, s.doctor]).sort()).toEqual([
      ['s1', 'D2'],
      ['s2', 'D1'],
    ]);
    expect(d2).toMatchObject({ current: { claims: 1, patients: 1, fund: 1000 }, previous: { claims: 0, fund: 0 }, ringClaims: [], fills: [] });

    const v1 = indicatorValues(model, d1, period, previous).values;
    // ring money: 0.5 (open) × 60 of 1200; patients: 0.5 of 2
    expect(v1['ring-fund-share']!.value).toBeCloseTo(0.025, 10);
    expect(v1['ring-patient-share']!.value).toBeCloseTo(0.25, 10);
    // code mismatch c1 (male, obstetric item) and c2 (CT above primary); split stay s2 (D1 readmitted after D2's discharge);
    // HbA1c: 4 tests of B in a half-year, limit round(4 × 184 / 365) = 2 → t3, t4. 5 of 8 claims.
    expect(v1['rule-signal-rate']).toMatchObject({ value: 0.625, detail: { claims: 8, signals: { 'code-mismatch': 2, 'split-stay': 1, 'over-testing': 2 } } });
    expect(v1['fund-growth']!.value).toBeCloseTo(5, 10);
    expect(v1['service-growth']!.value).toBeCloseTo(7, 10);
    expect(v1['prescription-concentration']).toMatchObject({ value: undefined, detail: { fills: 1 } });
    const v2 = indicatorValues(model, d2, period, previous).values;
    expect(v2['rule-signal-rate']).toMatchObject({ value: 0, detail: { signals: { 'split-stay': 0 } } });
    expect(v2['fund-growth']!.value).toBeUndefined();
  });

  it('reads the same graph for the institutions: every computed indicator of the institution model', async () => {
    const institutionModel = loadSubjectModel(DEFAULT_MODEL_FILE, 'institution');
    const facts = await readInstitutionFacts(driver, period, previous, { readmissionDays: 15 });
    const h1 = facts.find((f) => f.code === 'H1')!;
    const p1 = facts.find((f) => f.code === 'P1')!;
    expect(h1).toMatchObject({ current: { claims: 8, patients: 2, fund: 2140 }, previous: { claims: 1, fund: 200 }, fills: [1] });
    expect(p1).toMatchObject({ current: { claims: 1, patients: 1, fund: 60 }, previous: { claims: 0, fund: 0 }, fills: [1] });
    const vh = indicatorValues(institutionModel, h1, period, previous).values;
    const vp = indicatorValues(institutionModel, p1, period, previous).values;
    // H1: no ring claims; code mismatch c1, c2, split stay s2, over-testing t3, t4: 5 of 8 claims.
    expect(vh['ring-fund-share']!.value).toBe(0);
    expect(vh['rule-signal-rate']).toMatchObject({ value: 0.625, detail: { signals: { 'code-mismatch': 2, 'split-stay': 1, 'over-testing': 2 } } });
    // s1 (discharged 08-10) readmitted on 08-15, s2 not: 1 of 2 stays; no stays in 2024-H1 to compare with.
    expect(vh['readmission-rate']).toMatchObject({ value: 0.5, detail: { stays: 2, readmitted: 1 } });
    expect(vh['readmission-growth']!.value).toBeUndefined();
    expect(vh['fund-growth']!.value).toBeCloseTo(2140 / 200 - 1, 10);
    expect(vh['service-growth']!.value).toBeCloseTo(7, 10);
    expect(vh['prescription-concentration']).toMatchObject({ value: undefined, detail: { fills: 1 } });
    // P1: its one fill is evidence of an open kickback ring: half of its money and of its patient.
    expect(vp['ring-fund-share']!.value).toBeCloseTo(0.5, 10);
    expect(vp['ring-patient-share']!.value).toBeCloseTo(0.5, 10);
    expect(vp['fund-growth']!.value).toBeUndefined();
  });

  it('stores each doctor’s rating with the breakdown, imported lines missing', async () => {
    const r = await runDoctorRating(driver, { period: '2024-H2' });
    expect(r.run).toMatchObject({ subject: 'doctor', modelId: 'doctor-100', institutions: 2 });
    const [d1] = await doctorRatings(driver, 'D1');
    expect(d1).toMatchObject({ period: '2024-H2', institutionCode: 'H1', department: '内科', institutionName: '一院' });
    expect(d1!.lines.find((l) => l.indicator === 'ring-fund-share')).toMatchObject({ status: 'scored', value: 0.025, points: 10 });
    expect(d1!.lines.find((l) => l.indicator === 'payment-points')).toMatchObject({ status: 'missing', value: null, points: null });
  });

  it('imports doctor indicators all or nothing, naming line and field; an empty value stays missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-doctor-import-'));
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'period,doctor_code,indicator,value\n2024-H2,D1,payment-points,3\n2024-H2,D9,payment-points,1\n2024-H2,D2,payment-points,15\n');
    const err = await importIndicators(driver, bad, { model }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RatingImportError);
    expect((err as RatingImportError).problems).toEqual([
      { line: 3, field: 'doctor_code', message: 'no doctor "D9" in the graph' },
      { line: 4, field: 'value', message: "15 is outside payment-points's range [0, 12]" },
    ]);
    expect((await driver.executeQuery('MATCH (x:DoctorRatingImport) RETURN count(x) AS n')).records[0]!.get('n')).toBe(0);
    const wrongHeader = path.join(dir, 'institution-columns.csv');
    writeFileSync(wrongHeader, 'period,institution_code,indicator,value\n2024-H2,D1,payment-points,3\n');
    await expect(importIndicators(driver, wrongHeader, { model })).rejects.toThrow(/header lacks doctor_code/);

    const good = path.join(dir, 'good.csv');
    writeFileSync(good, 'period,doctor_code,indicator,value\n2024-H2,D1,payment-points,3\n2024-H2,D2,payment-points,\n');
    expect(await importIndicators(driver, good, { model, period: '2024-H2' })).toMatchObject({ rows: 2, missing: 1 });
    await runDoctorRating(driver, { period: '2024-H2' });
    expect((await doctorRatings(driver, 'D1'))[0]!.lines.find((l) => l.indicator === 'payment-points')).toMatchObject({ status: 'scored', value: 3, points: 11.25 });
    expect((await doctorRatings(driver, 'D2'))[0]!.lines.find((l) => l.indicator === 'payment-points')).toMatchObject({ status: 'missing', value: null, points: null, note: { en: '"payment-points" imported as missing for 2024-H2' } });
  });
});
