import { CATALOG, ITEM, diagnosisIndex } from '../catalog.ts';
import type { ClaimLine } from '../claims.ts';
import type { Rng } from '../random.ts';
import { between, institutionRingMembers, personMembers, reserveRingInstitution, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/**
 * 虚假就医、组团就医、挂床住院: a recruiter brings a group of elderly people to one institution on the
 * same days; everyone gets the same item combination and nearly the same amount, often as a short
 * bed-hanging inpatient stay.
 */
export function plantRecruitedPatients(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const instIndex = rng.chance(0.5) ? ctx.institution(rng, region, 'clinic') : ctx.institution(rng, region, 'hospital', (i) => i.level === 'secondary');
  const dxIndex = diagnosisIndex('I63.9');
  const { inst, doctors } = reserveRingInstitution(ctx, rng, instIndex, [dxIndex]);
  const organizer = ctx.takePersons(rng, 1, { region, minAge: 35, maxAge: 60 });
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 60 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const events = Math.max(2, Math.round(3 + p.strength * 7));
  const inpatient = rng.chance(0.5);
  const template = [ITEM.ultrasound, ITEM.salvianolate, ITEM.ginkgo, ITEM.infusion, ITEM.infusionSet];
  const claims = [];
  for (let e = 0; e < events; e++) {
    const day = rng.range(start, Math.max(start, end - 7));
    const stay = rng.range(3, 6);
    let t = f.seconds(day, rng.range(8, 9), rng.int(60));
    const group = [...organizer, ...patients.filter(() => rng.chance(0.7 + 0.3 * p.strength))];
    for (const person of group) {
      t += rng.range(30, 600);
      const doctor = rng.pick(doctors);
      const check = rng.chance(0.5) ? 'real_name' : 'face';
      const c = f.base(inpatient ? 'inpatient' : 'outpatient', inpatient ? f.seconds(Math.min(f.days - 1, day + stay), 10, rng.int(60), rng.int(60)) : t, instIndex, person, check);
      c.card = f.cardFor(rng, person);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = dxIndex;
      // Identical combination; quantities identical, prices identical, so amounts cluster tightly.
      const lines: ClaimLine[] = inpatient ? [f.line(ITEM.wardBed, inst, stay), f.line(ITEM.nursing, inst, stay)] : [f.line(ITEM.registration, inst, 1)];
      for (const item of template) lines.push(f.line(item, inst, inpatient ? stay : 1));
      c.lines = lines;
      if (inpatient) {
        c.admitDay = day;
        c.dischargeDay = Math.min(f.days - 1, day + stay);
        c.admitDay = c.dischargeDay - stay;
      }
      c.fundRatio = 0.85 + rng.float() * 0.02;
      claims.push(ctx.addClaim(c));
    }
  }
  const members: Member[] = [
    ...institutionRingMembers(instIndex, doctors),
    ...personMembers(organizer, 'organizer'),
    ...personMembers(patients, 'recruited-patient'),
  ];
  earlier.push(...patients);
  return { id, family: 'recruited-patients', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${patients.length} recruited patients visit ${inst.name} together ${events} times${inpatient ? ' as short inpatient stays' : ''}` };
}

/**
 * What recruiters bill, by the condition written on the group: a pool of items the ring draws its
 * combination from (4–5 of them), the rest serving as the item swapped in or added for one patient.
 */
const RECRUIT_POOLS: Record<string, readonly number[]> = {
  'I63.9': [ITEM.ultrasound, ITEM.salvianolate, ITEM.ginkgo, ITEM.infusion, ITEM.infusionSet, ITEM.ecg, ITEM.bloodRoutine],
  'I25.1': [ITEM.ecg, ITEM.ultrasound, ITEM.salvianolate, ITEM.infusion, ITEM.infusionSet, ITEM.lipids, ITEM.bloodRoutine],
  'M54.5': [ITEM.acupuncture, ITEM.massage, ITEM.physio, ITEM.xray, ITEM.celecoxib, ITEM.bloodRoutine],
  I10: [ITEM.ecg, ITEM.lipids, ITEM.ginkgo, ITEM.salvianolate, ITEM.infusion, ITEM.infusionSet, ITEM.ultrasound],
};
const RECRUIT_DIAGNOSES = Object.keys(RECRUIT_POOLS);

/**
 * The ring's combination with, for most patients, one item swapped for another of about the same price or
 * one cheap item added: the recruiter's price list stays the same, so amounts stay within a few percent.
 */
function nearIdentical(rng: Rng, template: readonly number[], alternates: readonly number[], cost: (item: number) => number): number[] {
  const items = template.slice();
  const r = rng.float();
  if (r < 0.45) {
    const at = rng.int(items.length);
    const like = alternates.filter((a) => Math.abs(cost(a) - cost(items[at]!)) <= 0.5 * cost(items[at]!));
    if (like.length > 0) items[at] = rng.pick(like);
  } else if (r < 0.9) {
    const total = template.reduce((sum, i) => sum + cost(i), 0);
    const cheap = alternates.filter((a) => cost(a) <= 0.15 * total);
    if (cheap.length > 0) items.push(rng.pick(cheap));
  }
  return items;
}

/** What the institution bills for one unit of the item (service prices depend on its level). */
function unitPrice(f: PlantContext['factory'], inst: RecruitSetup['inst'], item: number): number {
  const c = CATALOG[item]!;
  return c.category === 'drug' ? c.priceFen : Math.round(c.priceFen * f.levelPriceFactor(inst));
}

/** Per-day items (drugs, infusions, nursing) are billed once per day of a stay; exams and treatments once. */
const DAILY = new Set<number>([ITEM.salvianolate, ITEM.ginkgo, ITEM.infusion, ITEM.infusionSet, ITEM.celecoxib]);

interface RecruitSetup {
  region: number;
  size: number;
  instIndex: number;
  inst: ReturnType<typeof reserveRingInstitution>['inst'];
  doctors: number[];
  dxIndex: number;
  template: number[];
  alternates: number[];
  organizer: number[];
  patients: number[];
  start: number;
  end: number;
}

function recruitSetup(ctx: PlantContext, rng: Rng, p: ScenarioParams, earlier: number[], inpatient: boolean): RecruitSetup {
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  // Bed-hanging needs beds: a secondary hospital or a township health centre.
  const instIndex = rng.chance(0.5) ? ctx.variantInstitution(rng, region, 'clinic', (i) => !inpatient || i.beds > 0) : ctx.variantInstitution(rng, region, 'hospital', (i) => i.level === 'secondary');
  const code = rng.pick(RECRUIT_DIAGNOSES);
  const dxIndex = diagnosisIndex(code);
  const { inst, doctors } = reserveRingInstitution(ctx, rng, instIndex, [dxIndex]);
  const pool = RECRUIT_POOLS[code]!.filter((i) => !inpatient || i !== ITEM.xray);
  // The pool's cheapest item stays out of the combination, so there is always a small extra to add.
  const cheapest = pool.reduce((a, b) => (CATALOG[b]!.priceFen < CATALOG[a]!.priceFen ? b : a));
  const template = rng.sample(pool.filter((i) => i !== cheapest), rng.range(4, Math.min(5, pool.length - 1)));
  const alternates = pool.filter((i) => !template.includes(i));
  const organizer = ctx.takePersons(rng, 1, { region, minAge: 35, maxAge: 60 });
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 60 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  return { region, size, instIndex, inst, doctors, dxIndex, template, alternates, organizer, patients, start, end };
}

/**
 * Spread arrival (varied profile): the recruiter no longer brings the group in one bus within an hour; its
 * members come over one to three days, at ordinary office hours. Everyone still gets nearly the same
 * combination (one item swapped or added for most of them) and nearly the same amount.
 */
export function plantSpreadArrival(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const s = recruitSetup(ctx, rng, p, earlier, false);
  const events = Math.max(2, Math.round(3 + p.strength * rng.range(2, 5)));
  const arrivalDays = rng.range(1, 3);
  const attend = between(rng, 0.7, 0.7 + 0.3 * p.strength);
  const packages = rng.range(1, 2);
  const quantity = (item: number) => (CATALOG[item]!.category === 'drug' ? packages : 1);
  const cost = (item: number) => unitPrice(f, s.inst, item) * quantity(item);
  const claims = [];
  // Trips a week or more apart, each spread over its arrival days.
  const step = Math.max(7, Math.floor((s.end - s.start + 1) / events));
  for (let e = 0; e < events; e++) {
    const day0 = Math.min(f.days - 1 - arrivalDays, s.start + e * step + rng.int(Math.max(1, step - arrivalDays - 4)));
    for (const person of [...s.organizer, ...s.patients.filter(() => rng.chance(attend))]) {
      const day = Math.min(f.days - 1, day0 + rng.int(arrivalDays));
      const doctor = rng.pick(s.doctors);
      const c = f.base('outpatient', f.officeTime(rng, day), s.instIndex, person, f.identityCheck(rng, s.inst));
      c.card = f.cardFor(rng, person);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = s.dxIndex;
      c.lines = [f.line(ITEM.registration, s.inst, 1)];
      for (const item of nearIdentical(rng, s.template, s.alternates, cost)) c.lines.push(f.line(item, s.inst, quantity(item)));
      c.fundRatio = f.fundRatio(rng, person, 'outpatient');
      claims.push(ctx.addClaim(c));
    }
  }
  const members: Member[] = [...institutionRingMembers(s.instIndex, s.doctors), ...personMembers(s.organizer, 'organizer'), ...personMembers(s.patients, 'recruited-patient')];
  earlier.push(...s.patients);
  return { id, family: 'recruited-patients', size: s.size, strength: p.strength, startDay: s.start, endDay: s.end, members, claims, description: `${s.patients.length} recruited patients come to ${s.inst.name} ${events} times, each time spread over ${arrivalDays} day(s), for nearly the same items` };
}

/**
 * Staggered bed-hanging (varied profile): short inpatient stays on paper, the group admitted over two to
 * four days instead of on one morning, stays of a few days each, nearly the same items per day.
 */
export function plantStaggeredBedHanging(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const s = recruitSetup(ctx, rng, p, earlier, true);
  const events = Math.max(2, Math.round(2 + p.strength * rng.range(1, 3)));
  const stagger = rng.range(2, 4);
  const baseStay = rng.range(3, 6);
  const attend = between(rng, 0.7, 0.7 + 0.3 * p.strength);
  const cost = (item: number) => unitPrice(f, s.inst, item) * (DAILY.has(item) ? baseStay : 1);
  const claims = [];
  // A new group is admitted a week or more after the last one left.
  const step = Math.max(stagger + baseStay + 8, Math.floor((s.end - s.start + 1) / events));
  for (let e = 0; e < events; e++) {
    const day0 = Math.max(0, Math.min(f.days - stagger - baseStay - 2, s.start + e * step + rng.int(Math.max(1, step - stagger - baseStay - 7))));
    for (const person of [...s.organizer, ...s.patients.filter(() => rng.chance(attend))]) {
      const stay = rng.chance(0.7) ? baseStay : Math.max(2, baseStay + rng.pick([-1, 1]));
      const discharge = Math.min(f.days - 1, day0 + rng.int(stagger + 1) + stay);
      const admit = discharge - stay;
      const doctor = rng.pick(s.doctors);
      const c = f.base('inpatient', f.officeTime(rng, discharge), s.instIndex, person, f.identityCheck(rng, s.inst));
      c.card = f.cardFor(rng, person);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = s.dxIndex;
      c.admitDay = admit;
      c.dischargeDay = discharge;
      c.lines = [f.line(ITEM.wardBed, s.inst, stay), f.line(ITEM.nursing, s.inst, stay)];
      for (const item of nearIdentical(rng, s.template, s.alternates, cost)) c.lines.push(f.line(item, s.inst, DAILY.has(item) ? stay : 1));
      c.fundRatio = f.fundRatio(rng, person, 'inpatient');
      claims.push(ctx.addClaim(c));
    }
  }
  const members: Member[] = [...institutionRingMembers(s.instIndex, s.doctors), ...personMembers(s.organizer, 'organizer'), ...personMembers(s.patients, 'recruited-patient')];
  earlier.push(...s.patients);
  return { id, family: 'recruited-patients', size: s.size, strength: p.strength, startDay: s.start, endDay: s.end, members, claims, description: `${s.patients.length} recruited patients admitted to ${s.inst.name} ${events} times over ${stagger + 1} staggered days, ${baseStay}-day stays (a day more or less for some) with nearly the same items` };
}
