import { describe, expect, it } from 'vitest';
import { ClaimSetBuilder } from '../../../algorithms/claim-set-builder.ts';
import type { ClaimSet } from '../../../algorithms/claim-set.ts';
import { KICKBACK_DEFAULTS, detectKickback } from '../../../algorithms/detectors/kickback.ts';
import { betaBinomialUpperTailLog10 } from '../../../algorithms/stats.ts';
import { MIN_SURPRISE, type RingCandidate } from '../../../algorithms/detectors/types.ts';
import { compileKnowledge } from '../../../algorithms/knowledge.ts';
import { binomialUpperTailLog10, fisherCombineLog10, seededRandom, truncatedProductLog10 } from '../../../algorithms/stats.ts';
import { loadKnowledge } from '../../../detection/knowledge.ts';
import { world } from './world.ts';

/**
 * A city of 600 insured people in one region: three hospitals of six internists each (H1 has a pharmacy
 * across the street, PB, that fills most of its prescriptions), two oncologists, six neighbourhood
 * pharmacies where people buy on their own and fill the prescriptions of H2/H3, and a specialty (DTP)
 * pharmacy. Honest life for a year: every person sees a random internist twice and fills the
 * prescription the same day — at PB when the doctor is at H1 (most of the time), else at home — and buys
 * on their own at home four times. Schemes are added per test.
 */
function city(seed = 7) {
  const rnd = seededRandom(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const b = new ClaimSetBuilder();
  b.region('330100', '杭州市');
  const hospitals = ['H1', 'H2', 'H3'] as const;
  hospitals.forEach((id, k) => b.institution({ id, name: `第${k + 1}医院`, kind: 'hospital', level: 'tertiary', region: '330100', lat: 30.2 + k * 0.05, lon: 120.1 }));
  const homes = ['PA', 'PC', 'PD', 'PE', 'PQ', 'PR'] as const;
  for (const [k, id] of [...homes, 'PB', 'PDTP'].entries()) b.institution({ id, name: `药店${id}`, kind: 'pharmacy', level: null, region: '330100', lat: 30.3 + k * 0.01, lon: 120.2 });
  const internists: Record<string, string[]> = {};
  for (const h of hospitals) {
    internists[h] = [];
    for (let k = 1; k <= 6; k++) {
      const id = `${h}D${k}`;
      b.doctor({ id, name: `医生${id}`, institutionId: h, department: '内科' });
      internists[h]!.push(id);
    }
  }
  b.doctor({ id: 'ONC2', name: '肿瘤医生甲', institutionId: 'H2', department: '肿瘤科' });
  b.doctor({ id: 'ONC3', name: '肿瘤医生乙', institutionId: 'H3', department: '肿瘤科' });
  b.doctor({ id: 'H2C1', name: '心内科医生甲', institutionId: 'H2', department: '心血管内科' });
  b.doctor({ id: 'H2C2', name: '心内科医生乙', institutionId: 'H2', department: '心血管内科' });
  b.item({ id: 'REG', name: '门诊诊查费', category: 'treatment' });
  const drugs = ['二甲双胍片', '缬沙坦胶囊', '阿托伐他汀钙片', '氨溴索口服溶液'];
  drugs.forEach((name, k) => b.item({ id: `DR${k}`, name, category: 'drug' }));
  b.item({ id: 'ALB', name: '人血白蛋白', category: 'drug' });
  b.item({ id: 'OSI', name: '甲磺酸奥希替尼片', category: 'drug' });
  b.item({ id: 'NUS', name: '诺西那生钠注射液', category: 'drug' });
  b.item({ id: 'EVE', name: '依维莫司片', category: 'drug' });
  b.item({ id: 'RARE', name: '复方营养素口服液', category: 'drug' });
  const persons = 600;
  const home = (k: number) => homes[k % homes.length]!;
  for (let k = 0; k < persons; k++) {
    const id = `P${String(k).padStart(4, '0')}`;
    b.person({ id, name: `参保人${k}`, gender: k % 2 ? 'F' : 'M', birthDate: `${1940 + (k % 50)}-03-01`, householdId: `HH${k}`, address: `地址${k}`, region: '330100' });
    b.card({ id: `A${id}`, holderId: id });
  }
  let n = 0;
  const at = (day: number, hour: number) => Date.UTC(2024, 0, 1 + day, hour - 8, Math.floor(rnd() * 60)) / 1000;
  const claim = (o: { day: number; hour?: number; kind?: string; inst: string; person: number; doctor?: string; rx?: string; items?: string[]; total?: number }) => {
    const items = o.items ?? ['REG'];
    const total = o.total ?? 80;
    b.claim({
      id: `CL${String(n++).padStart(7, '0')}`,
      settledAt: at(o.day, o.hour ?? 10),
      kind: o.kind ?? 'outpatient',
      institutionId: o.inst,
      cardId: `AP${String(o.person).padStart(4, '0')}`,
      doctorId: o.doctor ?? null,
      rxDoctorId: o.rx ?? null,
      total,
      fund: total * 0.7,
      lines: items.map((itemId) => ({ itemId, quantity: 1, amount: total / items.length })),
    });
  };
  const visitAndFill = (person: number, doctor: string, day: number, pharmacy: string, items: string[], total = 80) => {
    claim({ day, hour: 9, inst: doctor.startsWith('ONC') ? `H${doctor.slice(3)}` : doctor.slice(0, 2), person, doctor });
    claim({ day, hour: 14, kind: 'pharmacy', inst: pharmacy, person, rx: doctor, items, total });
  };
  for (let k = 0; k < persons; k++) {
    for (let v = 0; v < 2; v++) {
      const h = pick(hospitals);
      const doctor = pick(internists[h]!);
      const pharmacy = h === 'H1' && rnd() < 0.75 ? 'PB' : home(k);
      visitAndFill(k, doctor, Math.floor(rnd() * 360), pharmacy, [pick(drugs)], 40 + Math.floor(rnd() * 80));
    }
    for (let v = 0; v < 4; v++) claim({ day: Math.floor(rnd() * 360), hour: 18, kind: 'pharmacy', inst: home(k), person: k, items: [pick(drugs)], total: 20 + Math.floor(rnd() * 40) });
  }
  /** people whose home pharmacy is not the given one, from a given offset */
  const notCustomersOf = (pharmacy: string, count: number, from: number) => {
    const out: number[] = [];
    for (let k = from; out.length < count; k++) if (home(k) !== pharmacy) out.push(k);
    return out;
  };
  return { b, claim, visitAndFill, notCustomersOf, internists, home, rnd };
}

const ids = (set: ClaimSet, r: RingCandidate, type: 'person' | 'doctor' | 'institution') =>
  r.members
    .filter((m) => m.type === type)
    .map((m) => (type === 'person' ? set.persons.id : type === 'doctor' ? set.doctors.id : set.institutions.id)[m.index]!)
    .sort();
const personIds = (ks: number[]) => ks.map((k) => `P${String(k).padStart(4, '0')}`).sort();
const ringAt = (set: ClaimSet, rings: RingCandidate[], pharmacy: string) => rings.filter((r) => ids(set, r, 'institution').includes(pharmacy));

describe('kickback: prescription flows against the doctor’s peers', () => {
  it('an honest city makes no ring: the pharmacy across the street is what every H1 doctor is expected to feed', () => {
    const w = city();
    const set = w.b.build();
    expect(detectKickback(set)).toEqual([]);
    // …and the test can tell: against the region's share, PB's patients from H1D1 are far beyond chance.
    const pb = set.institutions.id.indexOf('PB');
    const d1 = set.doctors.id.indexOf('H1D1');
    const patients = (pred: (i: number) => boolean) => {
      const s = new Set<number>();
      for (let i = 0; i < set.claims.count; i++) if (set.claims.rxDoctor[i]! >= 0 && pred(i)) s.add(set.cards.holder[set.claims.card[i]!]!);
      return s.size;
    };
    const regionShare = patients((i) => set.claims.institution[i] === pb) / patients(() => true);
    const own = patients((i) => set.claims.rxDoctor[i] === d1 && set.claims.institution[i] === pb);
    expect(binomialUpperTailLog10(own, patients((i) => set.claims.rxDoctor[i] === d1), regionShare)).toBeLessThan(-5);
  });

  it('finds a classic steering ring: high-margin fills at one pharmacy, half the patients never saw the doctor', () => {
    const w = city();
    const patients = w.notCustomersOf('PQ', 12, 100);
    patients.forEach((p, k) => {
      const saw = k % 2 === 0;
      for (let f = 0; f < 4; f++) {
        const day = 120 + k * 3 + f * 20;
        if (saw) w.claim({ day, hour: 9, inst: 'H2', person: p, doctor: 'H2D3' });
        w.claim({ day, hour: 15, kind: 'pharmacy', inst: 'PQ', person: p, rx: 'H2D3', items: ['ALB', 'DR1'], total: 900 });
      }
    });
    const set = w.b.build();
    const rings = detectKickback(set);
    expect(rings).toHaveLength(1);
    const r = rings[0]!;
    expect(ids(set, r, 'doctor')).toEqual(['H2D3']);
    expect(ids(set, r, 'institution')).toEqual(['PQ']);
    expect(ids(set, r, 'person')).toEqual(personIds(patients));
    expect(r.surprise!).toBeGreaterThanOrEqual(MIN_SURPRISE);
    const flow = r.evidence.find((e) => e.key === 'kickback.flow')!;
    expect(flow.facts.patients).toBe(12);
    expect(flow.facts.unvisited).toBe(6);
    expect(Number(flow.facts.expected)).toBeLessThan(2);
  });

  it('finds the doctor who sees every patient first (a visit before each fill)', () => {
    const w = city();
    const patients = w.notCustomersOf('PR', 12, 200);
    patients.forEach((p, k) => {
      for (let f = 0; f < 2; f++) w.visitAndFill(p, 'H3D2', 60 + k * 8 + f * 30, 'PR', ['ALB'], 700);
    });
    const set = w.b.build();
    const rings = detectKickback(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['H3D2']);
    expect(ids(set, rings[0]!, 'institution')).toEqual(['PR']);
    expect(ids(set, rings[0]!, 'person')).toEqual(personIds(patients));
    expect(rings[0]!.evidence.find((e) => e.key === 'kickback.flow')!.facts.unvisited).toBe(0);
  });

  it('finds two doctors of one department steering to the same pharmacy: neither is the other’s baseline', () => {
    const w = city();
    // H3D2 and H3D4 see each of their patients first and send four each to PR, where none of them shops.
    // Each doctor's four alone are modest; counted in the other's baseline, they hid both.
    const patients = w.notCustomersOf('PR', 8, 300);
    patients.forEach((p, k) => {
      for (let f = 0; f < 2; f++) w.visitAndFill(p, k % 2 ? 'H3D4' : 'H3D2', 60 + k * 7 + f * 30, 'PR', ['DR1'], 80);
    });
    const set = w.b.build();
    const rings = ringAt(set, detectKickback(set), 'PR');
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['H3D2', 'H3D4']);
    expect(ids(set, rings[0]!, 'person')).toEqual(personIds(patients));
  });

  it('a scheme’s patients are those of its whole season, not only of its busiest month', () => {
    const w = city();
    // H2D5 sees each patient first and sends them to PQ for five months: nine in the first month (days
    // 90–119, the most surprising window on its own), then one a month. The months after still carry the
    // flag together with the first and belong to the scheme.
    const patients = w.notCustomersOf('PQ', 13, 400);
    patients.forEach((p, k) => w.visitAndFill(p, 'H2D5', k < 9 ? 92 + k * 3 : 125 + (k - 9) * 30, 'PQ', ['ALB'], 700));
    const set = w.b.build();
    const rings = ringAt(set, detectKickback(set), 'PQ');
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['H2D5']);
    expect(ids(set, rings[0]!, 'person')).toEqual(personIds(patients));
    const flow = rings[0]!.evidence.find((e) => e.key === 'kickback.flow')!;
    expect(flow.facts.patients).toBe(13);
  });

  it('counts patients, not fills: a chronic patient’s 30 refills at one pharmacy are no flow', () => {
    const w = city();
    // Person 301 fills H2D4's prescriptions at PQ every ten days, mostly without a fresh visit.
    const p = w.home(301) === 'PQ' ? 302 : 301;
    for (let f = 0; f < 30; f++) {
      if (f % 6 === 0) w.claim({ day: f * 11, hour: 9, inst: 'H2', person: p, doctor: 'H2D4' });
      w.claim({ day: f * 11 + 1, hour: 15, kind: 'pharmacy', inst: 'PQ', person: p, rx: 'H2D4', items: ['DR0'], total: 300 });
    }
    const set = w.b.build();
    expect(detectKickback(set)).toEqual([]);
  });

  it('a DTP pharmacy, the only one stocking an oncology drug, is not a ring — by the knowledge file or by the data', () => {
    const w = city();
    // ONC2 (the only oncologist at H2) sends every patient on osimertinib to PDTP, the only pharmacy that has it.
    for (let k = 0; k < 14; k++) for (let f = 0; f < 3; f++) w.visitAndFill(400 + k, 'ONC2', 20 + k * 9 + f * 28, 'PDTP', ['OSI'], 5200);
    const set = w.b.build();
    const k = compileKnowledge(set, loadKnowledge());
    expect(detectKickback(set, KICKBACK_DEFAULTS, k)).toEqual([]);
    // without the knowledge file nothing in the data says osimertinib is special (one prescriber): a ring
    expect(ringAt(set, detectKickback(set), 'PDTP')).toHaveLength(1);

    // Nusinersen is in no list, but the data shows it: only PDTP dispenses it, on prescriptions of ONC2 and of
    // three internists of H3 — more prescribers than a ring has.
    const w2 = city();
    for (let k = 0; k < 10; k++) for (let f = 0; f < 3; f++) w2.visitAndFill(400 + k, 'ONC2', 20 + k * 9 + f * 28, 'PDTP', ['NUS'], 8000);
    for (let k = 0; k < 6; k++) w2.visitAndFill(450 + k, `H3D${1 + (k % 3)}`, 40 + k * 20, 'PDTP', ['NUS'], 8000);
    const set2 = w2.b.build();
    expect(detectKickback(set2, KICKBACK_DEFAULTS, compileKnowledge(set2, loadKnowledge()))).toEqual([]);
    // …and the data rule is what clears it: with concentration never enough, PDTP would be flagged.
    expect(ringAt(set2, detectKickback(set2, { ...KICKBACK_DEFAULTS, concentratedShare: 1, maxSpecialtyPharmacies: 0 }), 'PDTP')).toHaveLength(1);

    // Everolimus is in no list and has one prescriber, but PDTP also dispenses osimertinib (in the list):
    // a DTP pharmacy's rare stock is specialty stock.
    const w3 = city();
    for (let k = 0; k < 14; k++) for (let f = 0; f < 3; f++) w3.visitAndFill(400 + k, 'ONC2', 20 + k * 9 + f * 28, 'PDTP', [k % 2 ? 'EVE' : 'OSI'], 5200);
    const set3 = w3.b.build();
    const k3 = compileKnowledge(set3, loadKnowledge());
    expect(detectKickback(set3, KICKBACK_DEFAULTS, k3)).toEqual([]);
    // without that inference the everolimus patients would make a ring
    const noOsi = compileKnowledge(set3, { ...loadKnowledge(), specialtyDrugs: { items: ['无此药'], source: 'test' } });
    expect(ringAt(set3, detectKickback(set3, KICKBACK_DEFAULTS, noOsi), 'PDTP')).toHaveLength(1);
  });

  it('a small department that favours one pharmacy is the baseline for its doctors, even below the peer-group size', () => {
    const w = city();
    // H2's two cardiologists both send most of their patients to PE (none of whom shop there otherwise);
    // H2's internists do not. Against the institution each cardiologist looks steered; against each other not.
    for (const [j, doctor] of ['H2C1', 'H2C2'].entries()) {
      const patients = w.notCustomersOf('PE', 20, 100 + j * 40);
      patients.forEach((p, k) => w.visitAndFill(p, doctor, 10 + k * 15, k % 5 === 4 ? w.home(p) : 'PE', [k % 2 ? 'DR1' : 'DR2'], 90));
    }
    const set = w.b.build();
    expect(detectKickback(set)).toEqual([]);
    // …while a lone cardiologist doing the same is flagged
    const w2 = city();
    const patients = w2.notCustomersOf('PE', 20, 100);
    patients.forEach((p, k) => w2.visitAndFill(p, 'H2C1', 10 + k * 15, k % 5 === 4 ? w2.home(p) : 'PE', [k % 2 ? 'DR1' : 'DR2'], 90));
    for (let k = 0; k < 20; k++) w2.visitAndFill(300 + k, 'H2C2', 10 + k * 15, w2.home(300 + k), ['DR1'], 90);
    const set2 = w2.b.build();
    expect(ids(set2, ringAt(set2, detectKickback(set2), 'PE')[0]!, 'doctor')).toEqual(['H2C1']);
  });

  it('a small department’s two doctors who start steering together do not vouch for each other', () => {
    // H2's two cardiologists prescribe all year, their patients filling where they live; from day 150 both
    // send a few patients a month to PQ, which neither used before. Each is the other's department baseline,
    // but a colleague whose share rose in the same window shows a change, not a habit.
    const w = city();
    for (const [j, doctor] of ['H2C1', 'H2C2'].entries()) {
      for (let k = 0; k < 30; k++) w.visitAndFill(300 + j * 40 + k, doctor, 5 + k * 12, w.home(300 + j * 40 + k), ['DR1'], 90);
      const steered = w.notCustomersOf('PQ', 8, 100 + j * 20);
      steered.forEach((p, k) => {
        for (let f = 0; f < 3; f++) w.visitAndFill(p, doctor, 150 + k * 7 + f * 30, 'PQ', ['ALB'], 600);
      });
    }
    const set = w.b.build();
    const rings = ringAt(set, detectKickback(set), 'PQ');
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['H2C1', 'H2C2']);
  });

  it('the steered product names the ring’s patients: an ordinary fill at the pharmacy in the season is its trade', () => {
    // For a month H2's cardiologist H2C1 sees a few patients and sends them to PE with albumin, which none
    // of H2C1's other patients, and none of PE's other prescribers' patients, are given; two more of
    // H2C1's patients fill an ordinary prescription at PE that month. The product says who was steered: the
    // two ordinary fills are PE's trade (the excess alone took them in).
    const w = city();
    for (let k = 0; k < 40; k++) w.visitAndFill(300 + k, 'H2C2', 5 + k * 8, w.home(300 + k), ['DR1'], 90);
    for (let k = 0; k < 40; k++) w.visitAndFill(360 + k, 'H2C1', 5 + k * 8, w.home(360 + k), [k % 2 ? 'DR1' : 'DR2'], 90);
    const ordinary = w.notCustomersOf('PE', 2, 420);
    ordinary.forEach((p, k) => w.visitAndFill(p, 'H2C1', 152 + k * 9, 'PE', ['DR2'], 90));
    const steered = w.notCustomersOf('PE', 4, 100);
    steered.forEach((p, k) => w.visitAndFill(p, 'H2C1', 150 + k * 4, 'PE', ['ALB', 'DR1'], 600));
    const set = w.b.build();
    const rings = ringAt(set, detectKickback(set), 'PE');
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['H2C1']);
    expect(ids(set, rings[0]!, 'person')).toEqual(personIds(steered));
    const flow = rings[0]!.evidence.find((e) => e.key === 'kickback.flow')!;
    expect(flow.facts).toMatchObject({ product: '人血白蛋白', productPatients: 4 });
  });

  it('a drug only the ring’s pharmacy sells, on one hospital’s prescriptions, does not hide the ring', () => {
    const w = city();
    const patients = w.notCustomersOf('PQ', 12, 100);
    patients.forEach((p, k) => {
      for (let f = 0; f < 3; f++) w.visitAndFill(p, 'H2D5', 90 + k * 4 + f * 25, 'PQ', ['RARE'], 650);
    });
    const set = w.b.build();
    const rings = detectKickback(set, KICKBACK_DEFAULTS, compileKnowledge(set, loadKnowledge()));
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'person')).toEqual(personIds(patients));
  });

  it('two rings sharing nothing are two rings, and a doctor steering to two pharmacies makes two rings, not one component', () => {
    const w = city();
    const a = w.notCustomersOf('PQ', 10, 100).filter((p) => w.home(p) !== 'PR').slice(0, 10);
    const bPatients = w.notCustomersOf('PR', 40, 300).filter((p) => w.home(p) !== 'PQ').slice(0, 10);
    const c = w.notCustomersOf('PR', 60, 500).filter((p) => w.home(p) !== 'PQ').slice(0, 10);
    a.forEach((p, k) => {
      for (let f = 0; f < 3; f++) w.claim({ day: 100 + k * 5 + f * 15, hour: 15, kind: 'pharmacy', inst: 'PQ', person: p, rx: 'H2D1', items: ['ALB'], total: 800 });
    });
    bPatients.forEach((p, k) => {
      for (let f = 0; f < 2; f++) w.visitAndFill(p, 'H3D6', 200 + k * 6 + f * 20, 'PR', ['ALB'], 800);
    });
    // H2D1 also sends another group to PR — same doctor, two pharmacies: two rings, one per pharmacy.
    c.forEach((p, k) => {
      for (let f = 0; f < 3; f++) w.claim({ day: 30 + k * 5 + f * 15, hour: 15, kind: 'pharmacy', inst: 'PR', person: p, rx: 'H2D1', items: ['ALB'], total: 800 });
    });
    const set = w.b.build();
    const rings = detectKickback(set);
    expect(rings).toHaveLength(2);
    const q = ringAt(set, rings, 'PQ');
    const r = ringAt(set, rings, 'PR');
    expect(q).toHaveLength(1);
    expect(r).toHaveLength(1);
    expect(ids(set, q[0]!, 'doctor')).toEqual(['H2D1']);
    expect(ids(set, q[0]!, 'person')).toEqual(personIds(a));
    expect(ids(set, r[0]!, 'doctor')).toEqual(['H2D1', 'H3D6']);
    expect(ids(set, r[0]!, 'person')).toEqual(personIds([...bPatients, ...c]));
  });
});

describe('kickback: the steered product pooled over a pharmacy’s prescribers', () => {
  const noPooling = { ...KICKBACK_DEFAULTS, steeredProduct: { ...KICKBACK_DEFAULTS.steeredProduct, minPatients: Number.POSITIVE_INFINITY } };
  /**
   * Three doctors of three hospitals each send three patients (seen first) to PQ for DR1 over a season — two
   * of the three PQ's own customers, whom the flows do not count (PQ is where they shop anyway).
   */
  const thinScheme = (w: ReturnType<typeof city>, doctors = ['H1D2', 'H2D3', 'H3D5']) => {
    const customers: number[] = [];
    for (let k = 150; customers.length < 2 * doctors.length; k++) if (w.home(k) === 'PQ') customers.push(k);
    const others = w.notCustomersOf('PQ', doctors.length, 150);
    const patients = doctors.flatMap((_, k) => [customers[2 * k]!, customers[2 * k + 1]!, others[k]!]);
    patients.forEach((p, k) => {
      for (let f = 0; f < 2; f++) w.visitAndFill(p, doctors[Math.floor(k / 3)]!, 150 + k * 9 + f * 25, 'PQ', ['DR1'], 900);
    });
    return patients;
  };

  it('finds a scheme spread thin over three doctors, which the doctor → pharmacy flows miss one by one', () => {
    const w = city();
    const patients = thinScheme(w);
    const set = w.b.build();
    // each doctor's three patients are too few for the search over every flow of the region
    const alone = ringAt(set, detectKickback(set, noPooling), 'PQ');
    expect(alone.flatMap((r) => ids(set, r, 'doctor'))).not.toEqual(['H1D2', 'H2D3', 'H3D5']);
    const rings = ringAt(set, detectKickback(set), 'PQ');
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['H1D2', 'H2D3', 'H3D5']);
    expect(ids(set, rings[0]!, 'person')).toEqual(personIds(patients));
    const product = rings[0]!.evidence.find((e) => e.key === 'kickback.product')!;
    expect(product.facts.product).toBe('缬沙坦胶囊');
    expect(product.facts.patients).toBe(9);
    expect(Number(product.facts.expected)).toBeLessThan(1);
  });

  it('a pharmacy’s standing trade in a drug all year, and a drug the whole region takes up in a season, are no scheme', () => {
    const w = city();
    // PA dispenses RARE on a third of its prescriptions all year, whoever prescribes; from day 270 every
    // pharmacy adds EVE to half its prescriptions (a new drug in the catalogue).
    for (let k = 0; k < 600; k++) {
      if (w.home(k) !== 'PA') continue;
      for (let v = 0; v < 2; v++) if (w.rnd() < 0.35) w.visitAndFill(k, w.internists.H2![v * 2]!, Math.floor(w.rnd() * 360), 'PA', ['RARE', 'DR0'], 120);
    }
    for (let k = 0; k < 600; k += 2) w.visitAndFill(k, w.internists.H3![k % 6]!, 270 + Math.floor(w.rnd() * 90), w.home(k), ['EVE'], 150);
    const set = w.b.build();
    expect(detectKickback(set)).toEqual([]);
  });

  it('a doctor steering the same drug to two pharmacies: the other scheme is not the doctor’s practice', () => {
    const w = city();
    // H2D3 runs the thin scheme at PQ with two colleagues, and sends twelve patients of their own to PR for
    // the same DR1 (found by the flow): DR1 at PR must not count as how H2D3 prescribes.
    const patients = thinScheme(w);
    const own = w.notCustomersOf('PR', 40, 400).filter((p) => w.home(p) !== 'PQ').slice(0, 12);
    own.forEach((p, k) => {
      for (let f = 0; f < 2; f++) w.visitAndFill(p, 'H2D3', 40 + k * 6 + f * 20, 'PR', ['DR1'], 900);
    });
    const set = w.b.build();
    const rings = detectKickback(set);
    expect(ids(set, ringAt(set, rings, 'PR')[0]!, 'person')).toEqual(personIds(own));
    const q = ringAt(set, rings, 'PQ');
    expect(q).toHaveLength(1);
    expect(ids(set, q[0]!, 'doctor')).toEqual(['H1D2', 'H2D3', 'H3D5']);
    expect(ids(set, q[0]!, 'person')).toEqual(personIds(patients));
  });
});

describe('kickback (moved from detectors.test.ts): paper prescriptions on the small world', () => {
  it('flags a doctor sending paper prescriptions to one pharmacy, not the pharmacy across the street every doctor feeds', () => {
    const w = world();
    // Baseline: doctors D1..D6 at H1 see patients and send 75% of fills to P1 (across the street), the rest to P2.
    let patient = 0;
    for (const d of ['D1', 'D2', 'D3', 'D4', 'D5', 'D6']) {
      for (let k = 0; k < 12; k++) {
        const p = patient++ % 30;
        w.claim({ at: w.day(k * 2, 9), inst: 'H1', card: w.card(p), doctor: d });
        w.claim({ at: w.day(k * 2, 11), kind: 'pharmacy', inst: k % 4 === 3 ? 'P2' : 'P1', card: w.card(p), rx: d, items: ['DRUG'] });
      }
    }
    // Scheme: D1 prescriptions for patients 40..49 filled at P3, without a visit.
    for (let k = 0; k < 30; k++) w.claim({ at: w.day(k, 15), kind: 'pharmacy', inst: 'P3', card: w.card(40 + (k % 10)), rx: 'D1', items: ['DRUG2'] });
    // Not a scheme: one of D2's own patients, seen that morning, happens to fill at P3.
    for (const p of [50]) {
      w.claim({ at: w.day(p - 20, 9), inst: 'H1', card: w.card(p), doctor: 'D2' });
      w.claim({ at: w.day(p - 20, 11), kind: 'pharmacy', inst: 'P3', card: w.card(p), rx: 'D2', items: ['DRUG'] });
    }
    const set = w.b.build();
    const rings = detectKickback(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['D1']);
    expect(ids(set, rings[0]!, 'institution')).toEqual(['P3']);
    expect(ids(set, rings[0]!, 'person')).toEqual(Array.from({ length: 10 }, (_, k) => w.person(40 + k)).sort());
  });
});

describe('beta-binomial tail', () => {
  it('is the binomial at ρ = 0 and heavier as ρ grows', () => {
    expect(betaBinomialUpperTailLog10(8, 40, 0.05, 0)).toBeCloseTo(binomialUpperTailLog10(8, 40, 0.05), 10);
    const b = binomialUpperTailLog10(8, 40, 0.05);
    const light = betaBinomialUpperTailLog10(8, 40, 0.05, 0.02);
    const heavy = betaBinomialUpperTailLog10(8, 40, 0.05, 0.2);
    expect(light).toBeGreaterThan(b);
    expect(heavy).toBeGreaterThan(light);
    // P(X ≥ 1) for BB(1, p, ρ) is p whatever ρ
    expect(betaBinomialUpperTailLog10(1, 1, 0.3, 0.5)).toBeCloseTo(Math.log10(0.3), 10);
    // small exact case: BB(2, α = β = 1) is uniform on {0, 1, 2} (p = 0.5, ρ = 1/3)
    expect(betaBinomialUpperTailLog10(2, 2, 0.5, 1 / 3)).toBeCloseTo(Math.log10(1 / 3), 10);
  });
});

describe('truncated product of tail probabilities (the hub test)', () => {
  it('is calibrated under the null: P(p ≤ α) ≈ α for uniform tails, whatever the truncation', () => {
    const rnd = seededRandom(11);
    for (const [tests, tau] of [
      [5, 0.05],
      [20, 0.05 / 20],
      [40, 0.01],
    ] as const) {
      let below = 0;
      const runs = 20000;
      for (let r = 0; r < runs; r++) {
        const ps = Array.from({ length: tests }, () => Math.log10(rnd()));
        if (truncatedProductLog10(ps, tests, tau) <= Math.log10(0.05)) below++;
      }
      expect(below / runs).toBeGreaterThan(0.044);
      expect(below / runs).toBeLessThan(0.056);
    }
  });

  it('charges for the tests the small ones were picked from, which Fisher over the picked ones does not', () => {
    const picked = [-3.97, -4.47];
    const tpm = truncatedProductLog10(picked, 14, 0.05 / 14);
    // Zaykin et al.'s sum, worked by hand for L = 14, τ = 0.05/14, w = 10^-8.44: ≈ 1.2e-5
    expect(tpm).toBeCloseTo(-4.93, 1);
    expect(tpm).toBeGreaterThan(fisherCombineLog10(picked));
    // one test, nothing to pick from: its own tail
    expect(truncatedProductLog10([-3], 1, 0.05)).toBeCloseTo(-3, 6);
  });
});
