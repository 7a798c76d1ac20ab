import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroundTruthSchema, type GroundTruth } from '../../../evaluation/formats.ts';
import { CARD_COLUMNS, CLAIM_COLUMNS, CLAIM_ITEM_COLUMNS, CODE_PATTERNS, DOCTOR_COLUMNS, INSTITUTION_COLUMNS, PERSON_COLUMNS, REGION_COLUMNS } from '../../../generator/format.ts';
import { generate, type GenerateOptions } from '../../../generator/generate.ts';
import { parseIdNumber } from '../../../generator/id-number.ts';
import { defaultHardNegativePlan, parseHardNegativePlan, parseScenarioPlan } from '../../../generator/plan.ts';
import { SCENARIO_FAMILIES } from '../../../generator/scenarios/index.ts';
import { parsePeriod } from '../../../generator/time.ts';
import { readCsv } from './csv-reader.ts';
import { cardSignals } from './card-signals.ts';
import { DIAGNOSES } from '../../../generator/catalog.ts';
import { PATIENTS_PER_GROUP } from '../../../generator/institution-patients.ts';
import { score, truthAsDetected } from '../../../evaluation/score.ts';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ringlens-gen-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SCENARIOS = 'card-lending=2,card-farming=2:size=3-6,kickback=1:size=8-12,recruited-patients=2,split-hospitalization=1,over-treatment=1:strength=1,trace-code-reuse=2:overlap=0.5,code-mismatch=1';
const HARD = 'giant-hospital=2,pharmacy-beside-hospital=2,family-pharmacy=3,nursing-home=1,weekly-chronic=2';

function options(out: string, seed = 11): GenerateOptions {
  return {
    claims: 30_000,
    seed,
    out,
    regions: 3,
    period: parsePeriod('2024-01-01..2024-12-31'),
    scenarios: parseScenarioPlan(SCENARIOS),
    hardNegatives: parseHardNegativePlan(HARD, defaultHardNegativePlan(30_000, 3)),
  };
}

function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

describe('ringlens generate', () => {
  let dir: string;
  let truth: GroundTruth;
  let claims: Record<string, string>[];

  beforeAll(async () => {
    dir = tmp();
    await generate(options(dir));
    truth = GroundTruthSchema.parse(JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')));
    claims = readCsv(join(dir, 'claims.csv')).rows;
  }, 60_000);

  it('is deterministic: same seed and arguments give byte-identical files, with or without the items thread; another seed differs', async () => {
    const again = tmp();
    await generate(options(again));
    const a = hashes(dir);
    expect(Object.keys(a)).toEqual(['cards.csv', 'claim_items.csv', 'claims.csv', 'doctors.csv', 'ground-truth.json', 'institutions.csv', 'items.csv', 'manifest.json', 'persons.csv', 'regions.csv']);
    expect(hashes(again)).toEqual(a);
    const inline = tmp();
    await generate({ ...options(inline), itemsThread: false });
    expect(hashes(inline)).toEqual(a);
    const other = tmp();
    await generate(options(other, 12));
    expect(hashes(other)['claims.csv']).not.toBe(a['claims.csv']);
  }, 60_000);

  it('writes exactly the requested number of claims, with the documented headers', () => {
    expect(claims).toHaveLength(30_000);
    const headers: [string, readonly string[]][] = [
      ['claims.csv', CLAIM_COLUMNS],
      ['claim_items.csv', CLAIM_ITEM_COLUMNS],
      ['persons.csv', PERSON_COLUMNS],
      ['cards.csv', CARD_COLUMNS],
      ['institutions.csv', INSTITUTION_COLUMNS],
      ['doctors.csv', DOCTOR_COLUMNS],
      ['regions.csv', REGION_COLUMNS],
    ];
    for (const [file, columns] of headers) expect(readCsv(join(dir, file)).header, file).toEqual([...columns]);
  });

  it('gives every person a valid ID number that agrees with their birth date, gender and region', () => {
    const persons = readCsv(join(dir, 'persons.csv')).rows;
    expect(persons.length).toBeGreaterThan(1000);
    const seen = new Set<string>();
    for (const p of persons) {
      const parsed = parseIdNumber(p.id_number!);
      expect(parsed, p.id_number).not.toBeNull();
      expect(parsed!.birthDate).toBe(p.birth_date);
      expect(parsed!.gender).toBe(p.gender);
      expect(parsed!.regionCode.slice(0, 4)).toBe(p.region_code!.slice(0, 4));
      expect(seen.has(p.id_number!)).toBe(false);
      seen.add(p.id_number!);
    }
    const genders = new Set(persons.map((p) => p.gender));
    expect(genders).toEqual(new Set(['M', 'F']));
  });

  it('writes claims whose keys resolve, amounts add up and codes have the documented shapes', () => {
    const cards = new Map(readCsv(join(dir, 'cards.csv')).rows.map((c) => [c.card_id!, c.holder_id_number!]));
    const persons = new Set(readCsv(join(dir, 'persons.csv')).rows.map((p) => p.id_number!));
    const institutions = new Set(readCsv(join(dir, 'institutions.csv')).rows.map((i) => i.institution_code!));
    const doctors = new Set(readCsv(join(dir, 'doctors.csv')).rows.map((d) => d.doctor_code!));
    const lines = new Map<string, { n: number; sum: number }>();
    for (const l of readCsv(join(dir, 'claim_items.csv')).rows) {
      const e = lines.get(l.claim_id!) ?? { n: 0, sum: 0 };
      e.n++;
      e.sum += Math.round(Number(l.amount) * 100);
      lines.set(l.claim_id!, e);
    }
    const ids = new Set<string>();
    const kinds: Record<string, number> = {};
    let blankServed = 0;
    for (const c of claims) {
      expect(c.claim_id).toMatch(CODE_PATTERNS.claimId);
      expect(ids.has(c.claim_id!)).toBe(false);
      ids.add(c.claim_id!);
      expect(c.settled_at).toMatch(CODE_PATTERNS.timestamp);
      expect(cards.get(c.card_id!)).toBe(c.insured_id_number);
      expect(institutions.has(c.institution_code!)).toBe(true);
      if (c.doctor_code) expect(doctors.has(c.doctor_code)).toBe(true);
      if (c.served_id_number) expect(persons.has(c.served_id_number)).toBe(true);
      else blankServed++;
      expect(c.identity_check === 'none').toBe(c.served_id_number === '');
      const total = Math.round(Number(c.total_amount) * 100);
      expect(Math.round(Number(c.fund_paid) * 100) + Math.round(Number(c.self_paid) * 100)).toBe(total);
      expect(lines.get(c.claim_id!)).toEqual({ n: Number(c.item_count), sum: total });
      expect(c.admission_date !== '').toBe(c.claim_kind === 'inpatient');
      kinds[c.claim_kind!] = (kinds[c.claim_kind!] ?? 0) + 1;
    }
    // A realistic mix, and a recipient that is often unknown.
    expect(kinds.outpatient! / claims.length).toBeGreaterThan(0.45);
    expect(kinds.pharmacy! / claims.length).toBeGreaterThan(0.2);
    expect(kinds.inpatient! / claims.length).toBeGreaterThan(0.01);
    expect(blankServed / claims.length).toBeGreaterThan(0.2);
  }, 30_000);

  it('plants every requested scenario family with its count, members that exist and claims that exist', () => {
    const plan = parseScenarioPlan(SCENARIOS);
    for (const family of SCENARIO_FAMILIES) {
      expect(truth.rings.filter((r) => r.family === family).length, family).toBe(plan[family]!.count);
    }
    const claimIds = new Set(claims.map((c) => c.claim_id!));
    const keys = new Set([
      ...readCsv(join(dir, 'persons.csv')).rows.map((p) => `person:${p.id_number}`),
      ...readCsv(join(dir, 'cards.csv')).rows.map((c) => `card:${c.card_id}`),
      ...readCsv(join(dir, 'doctors.csv')).rows.map((d) => `doctor:${d.doctor_code}`),
      ...readCsv(join(dir, 'institutions.csv')).rows.map((i) => `institution:${i.institution_code}`),
    ]);
    for (const ring of truth.rings) {
      expect(ring.claimIds.length, ring.ringId).toBeGreaterThan(0);
      expect(ring.claimCount).toBe(ring.claimIds.length);
      for (const id of ring.claimIds) expect(claimIds.has(id), `${ring.ringId} claim ${id}`).toBe(true);
      for (const m of ring.members) expect(keys.has(`${m.type}:${m.id}`), `${ring.ringId} member ${m.type}:${m.id}`).toBe(true);
    }
    for (const ring of truth.rings.filter((r) => r.family === 'card-farming')) expect(ring.size).toBeGreaterThanOrEqual(3);
    for (const ring of truth.rings.filter((r) => r.family === 'card-farming')) expect(ring.size).toBeLessThanOrEqual(6);
  });

  it('plants signals the families are defined by', () => {
    const byId = new Map(claims.map((c) => [c.claim_id!, c]));
    const items = readCsv(join(dir, 'claim_items.csv')).rows;
    // trace-code reuse: the same code settled on more than one claim
    const traceClaims = new Map<string, Set<string>>();
    for (const l of items) if (l.trace_code) (traceClaims.get(l.trace_code) ?? traceClaims.set(l.trace_code, new Set()).get(l.trace_code)!).add(l.claim_id!);
    const reused = [...traceClaims.values()].filter((s) => s.size > 1);
    const reuseRingClaims = new Set(truth.rings.filter((r) => r.family === 'trace-code-reuse').flatMap((r) => r.claimIds));
    expect(reused.length).toBeGreaterThan(0);
    for (const s of reused) for (const id of s) expect(reuseRingClaims.has(id)).toBe(true);
    // kickback: pharmacy claims on prescriptions of the ring's doctors
    for (const ring of truth.rings.filter((r) => r.family === 'kickback')) {
      const prescribers = new Set(ring.members.filter((m) => m.role === 'prescriber').map((m) => m.id));
      for (const id of ring.claimIds) expect(prescribers.has(byId.get(id)!.prescribing_doctor_code!)).toBe(true);
    }
    // split hospitalization: inpatient claims only
    for (const ring of truth.rings.filter((r) => r.family === 'split-hospitalization')) for (const id of ring.claimIds) expect(byId.get(id)!.claim_kind).toBe('inpatient');
    // card lending: where the recipient is recorded, it is not the card holder
    const lent = truth.rings.filter((r) => r.family === 'card-lending').flatMap((r) => r.claimIds.map((id) => byId.get(id)!));
    const recorded = lent.filter((c) => c.served_id_number !== '');
    expect(recorded.length).toBeGreaterThan(0);
    for (const c of recorded) expect(c.served_id_number).not.toBe(c.insured_id_number);
  });

  it('labels the requested hard negatives', () => {
    const plan = parseHardNegativePlan(HARD, defaultHardNegativePlan(30_000, 3));
    for (const [kind, count] of Object.entries(plan)) expect(truth.hardNegatives.filter((g) => g.kind === kind).length, kind).toBe(count);
    for (const g of truth.hardNegatives) expect(g.claimIds.length, g.groupId).toBeGreaterThan(0);
    const persons = new Map(readCsv(join(dir, 'persons.csv')).rows.map((p) => [p.id_number!, p]));
    for (const g of truth.hardNegatives.filter((g) => g.kind === 'family-pharmacy')) {
      const households = new Set(g.members.filter((m) => m.type === 'person').map((m) => persons.get(m.id)!.household_id));
      expect(households.size).toBe(1);
    }
  });

  it('lists the patients who make the giant hospital and the pharmacy beside a hospital look suspicious', () => {
    const byId = new Map(claims.map((c) => [c.claim_id!, c]));
    for (const g of truth.hardNegatives.filter((g) => g.kind === 'giant-hospital' || g.kind === 'pharmacy-beside-hospital')) {
      const core = g.members.filter((m) => m.core);
      expect(core.map((m) => m.type), g.groupId).toEqual(g.kind === 'giant-hospital' ? ['institution'] : ['institution', 'institution']);
      const patients = new Set(g.members.filter((m) => m.type === 'person').map((m) => m.id));
      expect(patients.size, g.groupId).toBeGreaterThan(0);
      expect(patients.size, g.groupId).toBeLessThanOrEqual(PATIENTS_PER_GROUP);
      const listed = g.claimIds.map((id) => byId.get(id)!);
      // Every listed claim is a listed patient's claim, at the group's institutions.
      for (const c of listed) {
        expect(patients.has(c.insured_id_number!), c.claim_id).toBe(true);
        expect(core.map((m) => m.id)).toContain(c.institution_code);
      }
      if (g.kind === 'pharmacy-beside-hospital') {
        const pharmacy = g.members.find((m) => m.role === 'pharmacy')!.id;
        const hospital = g.members.find((m) => m.role === 'hospital')!.id;
        // Each patient carried at least one of the hospital's prescriptions to the pharmacy.
        const carriers = new Set(listed.filter((c) => c.institution_code === pharmacy && c.prescribing_institution_code === hospital).map((c) => c.insured_id_number));
        expect(carriers).toEqual(patients);
      } else {
        const visits = new Map<string, number>();
        for (const c of listed) visits.set(c.insured_id_number!, (visits.get(c.insured_id_number!) ?? 0) + 1);
        for (const n of visits.values()) expect(n).toBeGreaterThanOrEqual(3);
      }
    }
    // Rings and hard-negative groups never share a person.
    const ringPersons = new Set(truth.rings.flatMap((r) => r.members.filter((m) => m.type === 'person').map((m) => m.id)));
    for (const g of truth.hardNegatives) for (const m of g.members) if (m.type === 'person') expect(ringPersons.has(m.id), `${g.groupId} ${m.id}`).toBe(false);
  });

  it('scores the ground truth against itself at 1.0 without flagging a hard negative', () => {
    const report = score(truth, truthAsDetected(truth));
    for (const f of [...report.families, report.overall]) expect([f.ringPrecision, f.ringRecall, f.memberF1], f.family).toEqual([1, 1, 1]);
    expect(report.hardNegatives.flagged).toBe(0);
  });

  it('counts each ring\'s camouflage: claims on its persons\' cards that it does not list', () => {
    const cardsOf = new Map<string, string[]>();
    for (const c of readCsv(join(dir, 'cards.csv')).rows) (cardsOf.get(c.holder_id_number!) ?? cardsOf.set(c.holder_id_number!, []).get(c.holder_id_number!)!).push(c.card_id!);
    const byCard = new Map<string, string[]>();
    for (const c of claims) (byCard.get(c.card_id!) ?? byCard.set(c.card_id!, []).get(c.card_id!)!).push(c.claim_id!);
    for (const ring of truth.rings) {
      const listed = new Set(ring.claimIds);
      let expected = 0;
      for (const m of ring.members) if (m.type === 'person') for (const card of cardsOf.get(m.id) ?? []) for (const id of byCard.get(card) ?? []) if (!listed.has(id)) expected++;
      expect(ring.camouflageClaimCount, ring.ringId).toBe(expected);
      expect(expected, ring.ringId).toBeGreaterThan(0);
    }
  });

  it('gives every card-lending ring contradicting items or impossible travel, and honest cards such signals only rarely', () => {
    const signals = cardSignals(dir);
    const ringCards = new Set(truth.rings.flatMap((r) => r.members.filter((m) => m.type === 'card').map((m) => m.id)));
    const listedAnywhere = new Set([...truth.rings.flatMap((r) => r.claimIds), ...truth.hardNegatives.flatMap((g) => g.claimIds)]);
    for (const ring of truth.rings.filter((r) => r.family === 'card-lending')) {
      const cards = new Set(ring.members.filter((m) => m.type === 'card').map((m) => m.id));
      const onCards = claims.filter((c) => cards.has(c.card_id!));
      const contradicting = ring.claimIds.filter((id) => signals.contradicting.has(id));
      const travelling = onCards.filter((c) => signals.travelling.has(c.claim_id!));
      expect(contradicting.length + travelling.length, ring.ringId).toBeGreaterThan(0);
      // Across the ring, most lent cards show one of the signals.
      const flaggedCards = new Set(onCards.filter((c) => signals.contradicting.has(c.claim_id!) || signals.travelling.has(c.claim_id!)).map((c) => c.card_id));
      expect(flaggedCards.size / cards.size, ring.ringId).toBeGreaterThan(0.5);
    }
    // Some ring has an out-of-town card settled in two cities within two hours (the test data has 3 regions).
    expect(truth.rings.filter((r) => r.family === 'card-lending').some((r) => claims.some((c) => signals.travelling.has(c.claim_id!) && r.members.some((m) => m.id === c.card_id)))).toBe(true);
    // Honest data: such signals exist (a parent buying children's medicine on their own card) but are rare.
    const honest = claims.filter((c) => !listedAnywhere.has(c.claim_id!) && !ringCards.has(c.card_id!));
    const honestContradicting = honest.filter((c) => signals.contradicting.has(c.claim_id!)).length;
    const honestTravelling = honest.filter((c) => signals.travelling.has(c.claim_id!)).length;
    expect(honestContradicting).toBeGreaterThan(0);
    expect(honestContradicting / honest.length).toBeLessThan(0.005);
    expect(honestTravelling / honest.length).toBeLessThan(0.002);
  });

  it('has doctors treat what their department treats: children in paediatrics, adults never, obstetrics for women only', () => {
    const persons = new Map(readCsv(join(dir, 'persons.csv')).rows.map((p) => [p.id_number!, p]));
    const departments = new Map(readCsv(join(dir, 'doctors.csv')).rows.map((d) => [d.doctor_code!, d.department!]));
    const diagnoses = new Map(DIAGNOSES.map((d) => [d.code, d]));
    const inRings = new Set(truth.rings.flatMap((r) => r.claimIds));
    const general = ['全科', '内科', '急诊科'];
    let seen = 0;
    let fitting = 0;
    for (const c of claims) {
      if (!c.doctor_code || inRings.has(c.claim_id!)) continue;
      const patient = persons.get(c.insured_id_number!)!;
      const [by, bm, bd] = patient.birth_date!.split('-').map(Number) as [number, number, number];
      const [y, m, d] = c.settled_at!.slice(0, 10).split('-').map(Number) as [number, number, number];
      const age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
      const department = departments.get(c.doctor_code)!;
      const dx = diagnoses.get(c.diagnosis_code!)!;
      const allowed = age < 15 ? ['儿科', ...general, ...(dx.departments.includes('外科') ? ['外科'] : [])] : [...dx.departments, ...general];
      seen++;
      if (allowed.includes(department) && (department !== '妇产科' || patient.gender === 'F')) fitting++;
    }
    expect(seen).toBeGreaterThan(10_000);
    // Birthdays make the age boundary differ by a day from the generator's; a family member served on the
    // holder's card (about 1% of checked visits) is the other exception.
    expect(fitting / seen).toBeGreaterThan(0.995);
  });
});
