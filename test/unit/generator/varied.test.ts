import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroundTruthSchema, type GroundTruth } from '../../../evaluation/formats.ts';
import { score, truthAsDetected } from '../../../evaluation/score.ts';
import { generate, type GenerateOptions } from '../../../generator/generate.ts';
import { defaultHardNegativePlan, defaultScenarioPlan, parseHardNegativePlan, parseScenarioPlan } from '../../../generator/plan.ts';
import { VARIANTS } from '../../../generator/scenarios/index.ts';
import { parsePeriod } from '../../../generator/time.ts';
import { cardSignals } from './card-signals.ts';
import { readCsv } from './csv-reader.ts';

/**
 * --profile varied: every family variant and honest look-alike is checked in the CSV rows themselves —
 * each test would fail if the pattern it names were not there.
 */

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ringlens-varied-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Row = Record<string, string>;
const CLAIMS = 60_000;
// Counts that let each family cycle through all its variants (VARIANTS lists classic first).
const SCENARIOS = 'card-lending=3,card-farming=2,kickback=2,recruited-patients=3,split-hospitalization=2,over-treatment=4,trace-code-reuse=2,code-mismatch=2';
const LOOK_ALIKES = 'rehab-course=2,chemo-cycles=1,dialysis=1,family-mutual-aid=4,dtp-pharmacy=1,school-outbreak=1,health-check=1,chronic-refill=3';

function options(out: string, claims = CLAIMS, seed = 5): GenerateOptions {
  const none = parseHardNegativePlan('none', defaultHardNegativePlan(claims, 2, 'varied'));
  return {
    claims,
    seed,
    out,
    regions: 2,
    period: parsePeriod('2024-01-01..2024-12-31'),
    scenarios: parseScenarioPlan(SCENARIOS),
    hardNegatives: parseHardNegativePlan(LOOK_ALIKES, none),
    profile: 'varied',
  };
}

const seconds = (c: Row) => Date.parse(c.settled_at!) / 1000;
const dayOf = (c: Row) => c.settled_at!.slice(0, 10);
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) (m.get(key(x)) ?? m.set(key(x), []).get(key(x))!).push(x);
  return m;
}
function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}
function ageOn(birth: string, date: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
function distanceKm(a: Row, b: Row): number {
  const rad = Math.PI / 180;
  const [la, lo, lb, lob] = [Number(a.latitude), Number(a.longitude), Number(b.latitude), Number(b.longitude)];
  const h = Math.sin(((lb - la) * rad) / 2) ** 2 + Math.cos(la * rad) * Math.cos(lb * rad) * Math.sin(((lob - lo) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}
const LEVEL = { none: 0, primary: 1, secondary: 2, tertiary: 3 } as Record<string, number>;

describe('ringlens generate --profile varied', () => {
  let dir: string;
  let truth: GroundTruth;
  let claims: Row[];
  let byId: Map<string, Row>;
  let linesOf: Map<string, Row[]>;
  let persons: Map<string, Row>;
  let institutions: Map<string, Row>;
  let doctors: Map<string, Row>;
  let items: Map<string, Row>;

  const rings = (variant: string) => truth.rings.filter((r) => r.variant === variant);
  const groups = (kind: string) => truth.hardNegatives.filter((g) => g.kind === kind);
  const ids = (ms: GroundTruth['rings'][number]['members'], type: string, role?: string) => ms.filter((m) => m.type === type && (role === undefined || m.role === role)).map((m) => m.id);
  const ringClaims = (r: { claimIds: string[] }) => r.claimIds.map((id) => byId.get(id)!);
  const itemCodes = (c: Row) => new Set((linesOf.get(c.claim_id!) ?? []).map((l) => l.item_code!));

  beforeAll(async () => {
    dir = tmp();
    await generate(options(dir));
    truth = GroundTruthSchema.parse(JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')));
    claims = readCsv(join(dir, 'claims.csv')).rows;
    byId = new Map(claims.map((c) => [c.claim_id!, c]));
    linesOf = groupBy(readCsv(join(dir, 'claim_items.csv')).rows, (l) => l.claim_id!);
    persons = new Map(readCsv(join(dir, 'persons.csv')).rows.map((p) => [p.id_number!, p]));
    institutions = new Map(readCsv(join(dir, 'institutions.csv')).rows.map((i) => [i.institution_code!, i]));
    doctors = new Map(readCsv(join(dir, 'doctors.csv')).rows.map((d) => [d.doctor_code!, d]));
    items = new Map(readCsv(join(dir, 'items.csv')).rows.map((i) => [i.item_code!, i]));
  }, 60_000);

  it('records the profile, plants every variant of every family and labels each ring with its variant', () => {
    expect(truth.generator.profile).toBe('varied');
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).profile).toBe('varied');
    for (const [family, variants] of Object.entries(VARIANTS)) {
      const planted = truth.rings.filter((r) => r.family === family);
      expect(new Set(planted.map((r) => r.variant)), family).toEqual(new Set(variants));
      for (const r of planted) expect(r.description.startsWith(`[${r.variant}] `), r.ringId).toBe(true);
    }
    for (const kind of ['rehab-course', 'chemo-cycles', 'dialysis', 'family-mutual-aid', 'dtp-pharmacy', 'school-outbreak', 'health-check', 'chronic-refill']) {
      expect(groups(kind).length, kind).toBeGreaterThan(0);
      for (const g of groups(kind)) {
        expect(g.claimIds.length, g.groupId).toBeGreaterThan(0);
        expect(g.members.some((m) => m.type === 'institution' && m.core), g.groupId).toBe(true);
      }
    }
  });

  it('keeps rings and look-alikes apart: the ground truth scored against itself flags no look-alike', () => {
    const report = score(truth, truthAsDetected(truth));
    expect(report.overall.memberF1).toBe(1);
    expect(report.hardNegatives.flaggedGroups).toEqual([]);
    const lookAlikeInstitutions = new Set(truth.hardNegatives.flatMap((g) => g.members.filter((m) => m.core).map((m) => m.id)));
    for (const r of truth.rings) for (const m of r.members) if (m.type === 'institution') expect(lookAlikeInstitutions.has(m.id), `${r.ringId} ${m.id}`).toBe(false);
  });

  it('is deterministic', async () => {
    const a = tmp();
    const b = tmp();
    await generate({ ...options(a, 20_000, 9) });
    await generate({ ...options(b, 20_000, 9), itemsThread: false });
    const hash = (d: string) => readdirSync(d).sort().map((f) => createHash('sha256').update(readFileSync(join(d, f))).digest('hex'));
    expect(hash(a)).toEqual(hash(b));
  }, 60_000);

  // ---- fraud variants ----

  it('slow farm: one card every 3–10 minutes in business hours, the same 15–40 cards recurring, similar amounts', () => {
    expect(rings('slow-farm').length).toBeGreaterThan(0);
    for (const r of rings('slow-farm')) {
      const inst = ids(r.members, 'institution', 'farming-institution')[0]!;
      const cs = ringClaims(r).filter((c) => c.institution_code === inst).sort((a, b) => seconds(a) - seconds(b));
      expect(cs.length, r.ringId).toBe(r.claimIds.length);
      const gaps: number[] = [];
      for (let i = 1; i < cs.length; i++) if (dayOf(cs[i]!) === dayOf(cs[i - 1]!)) gaps.push(seconds(cs[i]!) - seconds(cs[i - 1]!));
      expect(median(gaps), r.ringId).toBeGreaterThanOrEqual(180);
      expect(median(gaps), r.ringId).toBeLessThanOrEqual(600);
      for (const c of cs) {
        const hm = c.settled_at!.slice(11, 16);
        expect(hm >= '08:30' && hm <= '18:00', `${r.ringId} ${c.settled_at}`).toBe(true);
      }
      const cards = ids(r.members, 'card');
      expect(cards.length).toBeGreaterThanOrEqual(15);
      expect(cards.length).toBeLessThanOrEqual(40);
      const daysPerCard = [...groupBy(cs, (c) => c.card_id!).values()].map((l) => new Set(l.map(dayOf)).size);
      expect(daysPerCard.filter((n) => n >= 3).length / cards.length, r.ringId).toBeGreaterThan(0.8);
      const amounts = cs.map((c) => Number(c.total_amount));
      const m = median(amounts);
      expect(amounts.filter((a) => Math.abs(a - m) <= 0.35 * m).length / amounts.length, r.ringId).toBeGreaterThan(0.6);
    }
    // The classic farm, for contrast, swipes in tight bursts.
    for (const r of truth.rings.filter((x) => x.family === 'card-farming' && x.variant === 'classic')) {
      const cs = ringClaims(r).sort((a, b) => seconds(a) - seconds(b));
      const gaps: number[] = [];
      for (let i = 1; i < cs.length; i++) if (dayOf(cs[i]!) === dayOf(cs[i - 1]!)) gaps.push(seconds(cs[i]!) - seconds(cs[i - 1]!));
      expect(median(gaps)).toBeLessThan(180);
    }
  });

  it('no-check lending: never a recorded recipient, only pharmacies, several lent cards per visit, and the holder-side signals', () => {
    const signals = cardSignals(dir);
    expect(rings('no-check').length).toBeGreaterThan(0);
    for (const r of rings('no-check')) {
      const cs = ringClaims(r);
      for (const c of cs) {
        expect(c.identity_check).toBe('none');
        expect(c.served_id_number).toBe('');
        expect(institutions.get(c.institution_code!)!.kind).toBe('pharmacy');
      }
      // The same counters at the same times: most lent swipes have another of the ring's cards within 10 minutes.
      const sorted = cs.slice().sort((a, b) => seconds(a) - seconds(b));
      const together = sorted.filter((c) => sorted.some((o) => o !== c && o.card_id !== c.card_id && o.institution_code === c.institution_code && Math.abs(seconds(o) - seconds(c)) <= 600));
      expect(together.length / cs.length, r.ringId).toBeGreaterThan(0.6);
      // Holder-side evidence: contradicting items, impossible travel, or a purchase during the holder's stay elsewhere.
      const cards = new Set(ids(r.members, 'card'));
      const onCards = claims.filter((c) => cards.has(c.card_id!));
      const stays = onCards.filter((c) => c.claim_kind === 'inpatient');
      const duringStay = cs.filter((c) => stays.some((s) => s.card_id === c.card_id && dayOf(c) > s.admission_date! && dayOf(c) < s.discharge_date!));
      const contradicting = cs.filter((c) => signals.contradicting.has(c.claim_id!));
      const travelling = onCards.filter((c) => signals.travelling.has(c.claim_id!));
      expect(contradicting.length + travelling.length, r.ringId).toBeGreaterThan(0);
      expect(contradicting.length + travelling.length + duringStay.length, r.ringId).toBeGreaterThan(1);
    }
  });

  it('both-cards lending: one holder\'s physical card and e-voucher both used by the ring, sometimes minutes apart in two places', () => {
    expect(rings('both-cards').length).toBeGreaterThan(0);
    for (const r of rings('both-cards')) {
      const cs = ringClaims(r);
      const cardsByHolder = groupBy(cs, (c) => c.insured_id_number!);
      const both = [...cardsByHolder.values()].filter((l) => new Set(l.map((c) => (c.card_id!.startsWith('EV') ? 'ev' : 'card'))).size === 2);
      expect(both.length, r.ringId).toBeGreaterThan(0);
      const memberCards = new Set(ids(r.members, 'card'));
      for (const l of both) for (const c of l) expect(memberCards.has(c.card_id!)).toBe(true);
      const twoPlaces = both.some((l) => l.some((a) => l.some((b) => a.card_id !== b.card_id && a.institution_code !== b.institution_code && Math.abs(seconds(a) - seconds(b)) <= 1800)));
      expect(twoPlaces, r.ringId).toBe(true);
      for (const c of cs) if (c.served_id_number) expect(c.served_id_number).not.toBe(c.insured_id_number);
    }
  });

  it('seen-first kickback: a visit with the prescriber before every patient\'s first fill, few fills, at a pharmacy not near the hospital', () => {
    expect(rings('seen-first').length).toBeGreaterThan(0);
    for (const r of rings('seen-first')) {
      const prescribers = new Set(ids(r.members, 'doctor', 'prescriber'));
      const pharmacy = ids(r.members, 'institution', 'pharmacy')[0]!;
      const fills = groupBy(ringClaims(r), (c) => c.insured_id_number!);
      for (const [patient, list] of fills) {
        expect(list.length).toBeLessThanOrEqual(4);
        const first = list.reduce((a, b) => (seconds(a) < seconds(b) ? a : b));
        expect(prescribers.has(first.prescribing_doctor_code!)).toBe(true);
        const seen = claims.some((c) => c.insured_id_number === patient && c.claim_kind === 'outpatient' && c.doctor_code === first.prescribing_doctor_code && seconds(c) <= seconds(first) && seconds(first) - seconds(c) <= 36 * 3600);
        expect(seen, `${r.ringId} ${patient}`).toBe(true);
      }
      // Not the pharmacy nearest to a prescriber's hospital.
      const pharmacyRow = institutions.get(pharmacy)!;
      const regionPharmacies = [...institutions.values()].filter((i) => i.kind === 'pharmacy' && i.region_code === pharmacyRow.region_code);
      for (const d of prescribers) {
        const hospital = institutions.get(doctors.get(d)!.institution_code!)!;
        const nearest = regionPharmacies.sort((a, b) => distanceKm(hospital, a) - distanceKm(hospital, b))[0]!.institution_code;
        expect(nearest, r.ringId).not.toBe(pharmacy);
      }
    }
  });

  /** Ring claims split into events: a gap of more than `gapDays` starts a new one. */
  function events(cs: Row[], at: (c: Row) => number, gapDays: number): Row[][] {
    const sorted = cs.slice().sort((a, b) => at(a) - at(b));
    const out: Row[][] = [];
    for (const c of sorted) {
      const last = out[out.length - 1];
      if (last && at(c) - at(last[last.length - 1]!) <= gapDays * 86400) last.push(c);
      else out.push([c]);
    }
    return out;
  }

  function nearIdenticalItems(r: GroundTruth['rings'][number]): void {
    const sets = ringClaims(r).map((c) => {
      const s = itemCodes(c);
      s.delete('111000001'); // registration
      return s;
    });
    const keys = groupBy(sets, (s) => [...s].sort().join('|'));
    // Not one identical combination for everybody…
    expect(keys.size, r.ringId).toBeGreaterThan(1);
    // …but a combination from which every claim differs by one item swapped (2) or added (1) at most.
    const all = [...new Set(sets.flatMap((s) => [...s]))];
    expect(all.length, r.ringId).toBeLessThanOrEqual(14);
    let best = Infinity;
    for (let mask = 0; mask < 1 << all.length; mask++) {
      const core = new Set(all.filter((_, i) => mask & (1 << i)));
      let worst = 0;
      for (const s of sets) worst = Math.max(worst, [...s].filter((i) => !core.has(i)).length + [...core].filter((i) => !s.has(i)).length);
      best = Math.min(best, worst);
    }
    expect(best, r.ringId).toBeLessThanOrEqual(2);
  }

  it('spread arrival: each group visit spreads over more than an hour and at most three days, with near-identical items and amounts', () => {
    expect(rings('spread-arrival').length).toBeGreaterThan(0);
    for (const r of rings('spread-arrival')) {
      const evs = events(ringClaims(r), seconds, 3);
      expect(evs.length).toBeGreaterThan(1);
      for (const e of evs) {
        const span = seconds(e[e.length - 1]!) - seconds(e[0]!);
        expect(span, r.ringId).toBeGreaterThan(3600);
        expect(dayNumber(dayOf(e[e.length - 1]!)) - dayNumber(dayOf(e[0]!)), r.ringId).toBeLessThanOrEqual(2);
      }
      nearIdenticalItems(r);
      const amounts = ringClaims(r).map((c) => Number(c.total_amount));
      const m = median(amounts);
      expect(median(amounts.map((a) => Math.abs(a - m))) / m, r.ringId).toBeLessThan(0.2);
    }
  });

  it('staggered bed-hanging: short inpatient stays, the group admitted on several days, near-identical items', () => {
    expect(rings('staggered-bed-hanging').length).toBeGreaterThan(0);
    for (const r of rings('staggered-bed-hanging')) {
      const cs = ringClaims(r);
      for (const c of cs) {
        expect(c.claim_kind).toBe('inpatient');
        expect(dayNumber(c.discharge_date!) - dayNumber(c.admission_date!)).toBeLessThanOrEqual(7);
      }
      const evs = events(cs, (c) => dayNumber(c.admission_date!) * 86400, 5);
      for (const e of evs) if (e.length >= 3) expect(new Set(e.map((c) => c.admission_date)).size, r.ringId).toBeGreaterThan(1);
      nearIdenticalItems(r);
    }
  });

  it('split to another doctor: readmissions within 15 days to a different doctor of the same department', () => {
    expect(rings('other-doctor').length).toBeGreaterThan(0);
    for (const r of rings('other-doctor')) {
      let readmissions = 0;
      for (const list of groupBy(ringClaims(r), (c) => c.insured_id_number!).values()) {
        list.sort((a, b) => a.admission_date!.localeCompare(b.admission_date!));
        for (let i = 1; i < list.length; i++) {
          const [a, b] = [list[i - 1]!, list[i]!];
          expect(dayNumber(b.admission_date!) - dayNumber(a.discharge_date!)).toBeLessThanOrEqual(15);
          expect(b.doctor_code).not.toBe(a.doctor_code);
          expect(doctors.get(b.doctor_code!)!.department).toBe(doctors.get(a.doctor_code!)!.department);
          expect(b.diagnosis_code).toBe(a.diagnosis_code);
          readmissions++;
        }
      }
      expect(readmissions, r.ringId).toBeGreaterThan(0);
    }
  });

  it('HbA1c over-testing: five or more HbA1c tests per diabetic at one doctor, at visits two or more weeks apart', () => {
    expect(rings('hba1c-overtesting').length).toBeGreaterThan(0);
    for (const r of rings('hba1c-overtesting')) {
      const cs = ringClaims(r);
      expect(new Set(cs.map((c) => c.doctor_code)).size).toBe(1);
      for (const [patient, list] of groupBy(cs, (c) => c.insured_id_number!)) {
        const tests = list.filter((c) => itemCodes(c).has('250301002')).length;
        expect(tests, `${r.ringId} ${patient}`).toBeGreaterThanOrEqual(5);
        const days = list.map((c) => dayNumber(dayOf(c))).sort((a, b) => a - b);
        expect(median(days.slice(1).map((d, i) => d - days[i]!)), `${r.ringId} ${patient}`).toBeGreaterThanOrEqual(10);
        for (const c of list) expect(c.diagnosis_code).toBe('E11.9');
      }
    }
  });

  it('imaging overuse: CT/MRI three or more times for most patients of one doctor, at about monthly visits', () => {
    expect(rings('imaging-overuse').length).toBeGreaterThan(0);
    for (const r of rings('imaging-overuse')) {
      const cs = ringClaims(r);
      expect(new Set(cs.map((c) => c.doctor_code)).size).toBe(1);
      const perPatient = [...groupBy(cs, (c) => c.insured_id_number!).values()].map((l) => l.filter((c) => itemCodes(c).has('210200001') || itemCodes(c).has('210500001')).length);
      expect(perPatient.filter((n) => n >= 3).length / perPatient.length, r.ringId).toBeGreaterThan(0.7);
      for (const c of cs) expect(LEVEL[institutions.get(c.institution_code!)!.level!]).toBeGreaterThanOrEqual(2);
    }
  });

  it('prolonged stays: at least twice the usual length of stay of the same diagnosis in honest data', () => {
    expect(rings('prolonged-stay').length).toBeGreaterThan(0);
    const listed = new Set([...truth.rings.flatMap((r) => r.claimIds), ...truth.hardNegatives.flatMap((g) => g.claimIds)]);
    const honestStays = groupBy(
      claims.filter((c) => c.claim_kind === 'inpatient' && !listed.has(c.claim_id!)),
      (c) => c.diagnosis_code!,
    );
    for (const r of rings('prolonged-stay')) {
      for (const c of ringClaims(r)) {
        const usual = median((honestStays.get(c.diagnosis_code!) ?? []).map((s) => dayNumber(s.discharge_date!) - dayNumber(s.admission_date!)));
        expect(dayNumber(c.discharge_date!) - dayNumber(c.admission_date!), `${r.ringId} ${c.diagnosis_code} usual ${usual}`).toBeGreaterThanOrEqual(2 * usual);
      }
    }
  });

  it('long chain: each package settled at three or more pharmacies in turn, weeks apart', () => {
    expect(rings('long-chain').length).toBeGreaterThan(0);
    for (const r of rings('long-chain')) {
      const byCode = new Map<string, Row[]>();
      for (const c of ringClaims(r)) for (const l of linesOf.get(c.claim_id!)!) if (l.trace_code) (byCode.get(l.trace_code) ?? byCode.set(l.trace_code, []).get(l.trace_code)!).push(c);
      const reused = [...byCode.values()].filter((l) => l.length > 1);
      expect(reused.length, r.ringId).toBeGreaterThan(0);
      const long = reused.filter((l) => new Set(l.map((c) => c.institution_code)).size >= 3);
      expect(long.length / reused.length, r.ringId).toBeGreaterThan(0.8);
      for (const l of reused) {
        l.sort((a, b) => seconds(a) - seconds(b));
        for (let i = 1; i < l.length; i++) expect(dayNumber(dayOf(l[i]!)) - dayNumber(dayOf(l[i - 1]!)), r.ringId).toBeGreaterThanOrEqual(14);
      }
    }
  });

  it('one mis-code per patient: 15–30 patients of one doctor, exactly one listed visit each, with an item above the clinic\'s level or against the patient', () => {
    expect(rings('once-per-patient').length).toBeGreaterThan(0);
    for (const r of rings('once-per-patient')) {
      const patients = ids(r.members, 'person');
      expect(patients.length).toBeGreaterThanOrEqual(15);
      expect(patients.length).toBeLessThanOrEqual(30);
      const cs = ringClaims(r);
      expect(new Set(cs.map((c) => c.doctor_code)).size).toBe(1);
      expect([...groupBy(cs, (c) => c.insured_id_number!).values()].map((l) => l.length)).toEqual(patients.map(() => 1));
      for (const c of cs) {
        const inst = institutions.get(c.institution_code!)!;
        const patient = persons.get(c.insured_id_number!)!;
        const age = ageOn(patient.birth_date!, dayOf(c));
        const wrong = [...itemCodes(c)].some((code) => {
          const it = items.get(code)!;
          return (it.min_level !== '' && LEVEL[it.min_level!]! > LEVEL[inst.level!]!) || (it.gender_restriction !== '' && it.gender_restriction !== patient.gender) || (it.min_age !== '' && age < Number(it.min_age)) || (it.max_age !== '' && age > Number(it.max_age));
        });
        expect(wrong, c.claim_id).toBe(true);
      }
    }
  });

  it('honest look-alikes bill nothing above the institution\'s level or against the patient (they mimic rings, not mis-coding)', () => {
    for (const g of truth.hardNegatives) {
      for (const c of groupClaims(g)) {
        const inst = institutions.get(c.institution_code!)!;
        const patient = persons.get(c.insured_id_number!)!;
        const age = ageOn(patient.birth_date!, dayOf(c));
        for (const code of itemCodes(c)) {
          const it = items.get(code)!;
          // mutual aid settles a relative's care on the holder's card: the holder is not the patient
          const patientKnown = g.kind !== 'family-mutual-aid';
          const wrong = (it.min_level !== '' && LEVEL[it.min_level!]! > LEVEL[inst.level!]!) || (patientKnown && ((it.gender_restriction !== '' && it.gender_restriction !== patient.gender) || (it.min_age !== '' && age < Number(it.min_age)) || (it.max_age !== '' && age > Number(it.max_age))));
          expect(wrong, `${g.groupId} ${g.kind} ${c.claim_id} ${code}`).toBe(false);
        }
      }
    }
  });

  // ---- honest look-alikes ----

  const core = (g: GroundTruth['hardNegatives'][number]) => g.members.filter((m) => m.core).map((m) => m.id);
  const groupClaims = (g: { claimIds: string[] }) => g.claimIds.map((id) => byId.get(id)!);

  it('rehab courses: 8–20 sessions per patient, 2–5 a week, with one doctor at one institution', () => {
    for (const g of groups('rehab-course')) {
      const cs = groupClaims(g);
      expect(new Set(cs.map((c) => c.institution_code))).toEqual(new Set(core(g)));
      expect(new Set(cs.map((c) => c.doctor_code)).size).toBe(1);
      const perPatient = groupBy(cs, (c) => c.insured_id_number!);
      expect(perPatient.size).toBeGreaterThanOrEqual(2);
      for (const list of perPatient.values()) {
        expect(list.length).toBeGreaterThanOrEqual(8);
        expect(list.length).toBeLessThanOrEqual(20);
        const days = list.map((c) => dayNumber(dayOf(c)));
        const weeks = (Math.max(...days) - Math.min(...days) + 1) / 7;
        expect(list.length / weeks, g.groupId).toBeGreaterThanOrEqual(1.5);
        expect(list.length / Math.ceil(weeks), g.groupId).toBeLessThanOrEqual(5);
        for (const c of list) expect([...itemCodes(c)].some((i) => ['430000001', '430000002', '340200001', '340200004', '340200009'].includes(i))).toBe(true);
      }
    }
  });

  it('chemotherapy cycles: the same oncology diagnosis and doctor, readmitted every 14–21 days', () => {
    for (const g of groups('chemo-cycles')) {
      const cs = groupClaims(g);
      for (const list of groupBy(cs, (c) => c.insured_id_number!).values()) {
        expect(list.length).toBeGreaterThanOrEqual(3);
        expect(new Set(list.map((c) => c.diagnosis_code)).size).toBe(1);
        expect(list[0]!.diagnosis_code).toMatch(/^C/);
        expect(new Set(list.map((c) => c.doctor_code)).size).toBe(1);
        expect(doctors.get(list[0]!.doctor_code!)!.department).toBe('肿瘤科');
        const admits = list.map((c) => dayNumber(c.admission_date!)).sort((a, b) => a - b);
        for (let i = 1; i < admits.length; i++) {
          expect(admits[i]! - admits[i - 1]!).toBeGreaterThanOrEqual(14);
          expect(admits[i]! - admits[i - 1]!).toBeLessThanOrEqual(21);
        }
        for (const c of list) expect(c.claim_kind).toBe('inpatient');
      }
    }
  });

  it('dialysis: N18 patients at 2.5 or more sessions a week on three fixed weekdays, arriving with their shift', () => {
    for (const g of groups('dialysis')) {
      const cs = groupClaims(g);
      expect(new Set(cs.map((c) => c.institution_code))).toEqual(new Set(core(g)));
      let together = 0;
      for (const list of groupBy(cs, (c) => c.insured_id_number!).values()) {
        const days = list.map((c) => dayNumber(dayOf(c)));
        const weeks = (Math.max(...days) - Math.min(...days) + 1) / 7;
        expect(list.length / weeks, g.groupId).toBeGreaterThanOrEqual(2.5);
        expect(new Set(list.map((c) => new Date(Date.parse(c.settled_at!)).getUTCDay())).size).toBe(3);
        for (const c of list) {
          expect(c.diagnosis_code).toMatch(/^N18/);
          expect(itemCodes(c).has('311000001')).toBe(true);
        }
      }
      for (const c of cs) if (cs.some((o) => o.insured_id_number !== c.insured_id_number && Math.abs(seconds(o) - seconds(c)) <= 45 * 60)) together++;
      expect(together / cs.length, g.groupId).toBeGreaterThan(0.5);
    }
  });

  it('family mutual aid: a card paying for a relative in another household, with surname and ages fitting the relation', () => {
    let recorded = 0;
    for (const g of groups('family-mutual-aid')) {
      const holder = persons.get(ids(g.members, 'person', 'card-holder')[0]!)!;
      const relatives = g.members.filter((m) => m.type === 'person' && m.role !== 'card-holder');
      expect(relatives.length).toBeGreaterThan(0);
      for (const m of relatives) {
        const r = persons.get(m.id)!;
        expect(r.household_id, g.groupId).not.toBe(holder.household_id);
        expect(r.address, g.groupId).not.toBe(holder.address);
        expect(r.region_code).toBe(holder.region_code);
        const gap = ageOn(r.birth_date!, '2024-01-01') - ageOn(holder.birth_date!, '2024-01-01');
        if (m.role === 'parent') expect(gap).toBeGreaterThanOrEqual(18);
        if (m.role === 'child') expect(gap).toBeLessThanOrEqual(-18);
        if (m.role === 'spouse') {
          expect(Math.abs(gap)).toBeLessThanOrEqual(10);
          expect(r.gender).not.toBe(holder.gender);
        }
        if ((m.role === 'parent' && r.gender === 'M') || m.role === 'child') expect(r.name![0]).toBe(holder.name![0]);
      }
      for (const c of groupClaims(g)) {
        expect(c.insured_id_number).toBe(holder.id_number);
        if (c.served_id_number) {
          expect(relatives.map((m) => m.id)).toContain(c.served_id_number);
          recorded++;
        }
      }
    }
    expect(recorded).toBeGreaterThan(0);
  });

  it('DTP pharmacy: the only pharmacy settling its oncology drug, each fill on an oncologist\'s prescription after a visit', () => {
    for (const g of groups('dtp-pharmacy')) {
      const pharmacy = core(g)[0]!;
      const oncologists = new Set(ids(g.members, 'doctor'));
      const drugClaims = new Set([...linesOf.values()].flat().filter((l) => l.item_code === 'XL01EB0031').map((l) => l.claim_id!));
      const region = institutions.get(pharmacy)!.region_code;
      for (const id of drugClaims) {
        const c = byId.get(id)!;
        if (c.region_code === region) expect(c.institution_code).toBe(pharmacy);
      }
      const fills = groupClaims(g).filter((c) => c.institution_code === pharmacy);
      expect(fills.length).toBeGreaterThan(0);
      for (const fill of fills) {
        expect(drugClaims.has(fill.claim_id!)).toBe(true);
        expect(oncologists.has(fill.prescribing_doctor_code!)).toBe(true);
        expect(doctors.get(fill.prescribing_doctor_code!)!.department).toBe('肿瘤科');
        const seen = claims.some((c) => c.insured_id_number === fill.insured_id_number && c.doctor_code === fill.prescribing_doctor_code && seconds(c) <= seconds(fill) && seconds(fill) - seconds(c) <= 2 * 86400);
        expect(seen, fill.claim_id).toBe(true);
      }
    }
  });

  it('school outbreak: a class of one age at one paediatric department within two days, one diagnosis, near-identical items', () => {
    for (const g of groups('school-outbreak')) {
      const cs = groupClaims(g);
      expect(cs.length).toBeGreaterThanOrEqual(20);
      expect(new Set(cs.map((c) => c.institution_code))).toEqual(new Set(core(g)));
      const days = cs.map((c) => dayNumber(dayOf(c)));
      expect(Math.max(...days) - Math.min(...days)).toBeLessThanOrEqual(1);
      expect(new Set(cs.map((c) => c.diagnosis_code)).size).toBe(1);
      const ages = cs.map((c) => ageOn(persons.get(c.insured_id_number!)!.birth_date!, dayOf(c)));
      expect(Math.max(...ages) - Math.min(...ages)).toBeLessThanOrEqual(3);
      expect(Math.max(...ages)).toBeLessThan(15);
      for (const c of cs) expect(doctors.get(c.doctor_code!)!.department).toBe('儿科');
      const sets = cs.map(itemCodes);
      for (const s of sets) expect(jaccard(s, sets[0]!)).toBeGreaterThanOrEqual(0.4);
    }
  });

  it('health check: 15–40 employees on one day at one hospital with the same package', () => {
    for (const g of groups('health-check')) {
      const cs = groupClaims(g);
      expect(cs.length).toBeGreaterThanOrEqual(15);
      expect(cs.length).toBeLessThanOrEqual(40);
      expect(new Set(cs.map(dayOf)).size).toBe(1);
      expect(new Set(cs.map((c) => c.institution_code))).toEqual(new Set(core(g)));
      for (const c of cs) expect(persons.get(c.insured_id_number!)!.insured_type).toBe('employee');
      const packages = new Set(cs.map((c) => [...itemCodes(c)].filter((i) => i !== '250403001').sort().join('|')));
      expect(packages.size).toBe(1);
    }
  });

  it('chronic refill: the group meets monthly on the clinic\'s chronic-disease day', () => {
    for (const g of groups('chronic-refill')) {
      const cs = groupClaims(g);
      expect(new Set(cs.map((c) => c.institution_code))).toEqual(new Set(core(g)));
      const dates = new Set(cs.map(dayOf));
      expect(dates.size).toBeLessThanOrEqual(13);
      expect(new Set([...dates].map((d) => d.slice(0, 7))).size).toBe(dates.size);
      const perPatient = groupBy(cs, (c) => c.insured_id_number!);
      // Monthly, though not every month without fail.
      for (const list of perPatient.values()) expect(list.length).toBeGreaterThanOrEqual(4);
      expect(median([...perPatient.values()].map((l) => l.length))).toBeGreaterThanOrEqual(8);
      expect(cs.length / dates.size).toBeGreaterThanOrEqual(5);
    }
  });
});

describe('the classic profile', () => {
  it('is the generator of before profiles, byte for byte (all files of a 5,000-claim dataset, hashed at commit 3465393)', async () => {
    const out = tmp();
    await generate({ claims: 5000, seed: 42, out, regions: 2, period: parsePeriod('2024-01-01..2024-12-31'), scenarios: defaultScenarioPlan(5000), hardNegatives: defaultHardNegativePlan(5000, 2) });
    const h = createHash('sha256');
    for (const f of readdirSync(out).sort()) h.update(f).update(readFileSync(join(out, f)));
    expect(h.digest('hex')).toBe('c6af32c36e32e66c510ebf1da63f7b48a738d65086bc9611b4555cd2881ebcd9');
  }, 30_000);

  it('refuses look-alikes and variants without --profile varied', async () => {
    const base = { claims: 5000, seed: 1, out: tmp(), regions: 2, period: parsePeriod('2024-01-01..2024-12-31') };
    await expect(generate({ ...base, scenarios: {}, hardNegatives: parseHardNegativePlan('dialysis=1', defaultHardNegativePlan(5000, 2)) })).rejects.toThrow(/dialysis needs --profile varied/);
    await expect(generate({ ...base, scenarios: parseScenarioPlan('card-farming=1:variant=slow-farm'), hardNegatives: defaultHardNegativePlan(5000, 2) })).rejects.toThrow(/variant .* needs --profile varied/);
  });
});
