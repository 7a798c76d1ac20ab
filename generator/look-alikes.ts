import { CATALOG, DIAGNOSES, ITEM, diagnosisIndex, type Diagnosis } from './catalog.ts';
import type { ClaimDraft } from './claims.ts';
import type { IdentityCheck } from './format.ts';
import { chronicOrHypertension, group, type HardNegativeKind, type HardNegativePlan } from './hard-negatives.ts';
import { homeAddress, householdId, personName, randomSurname, type Institution } from './population.ts';
import { Rng } from './random.ts';
import type { Department } from './reference-data.ts';
import { between, distanceKm, personMembers, type Member, type PlantContext, type PlantedGroup } from './scenarios/context.ts';
import { dateString, dayOfYear, weekday } from './time.ts';

/**
 * Honest look-alikes (--profile varied): planned repeat care, an outbreak, a company health check, family
 * mutual aid across households, a specialty pharmacy — everyday structures that share a ring's shape
 * (the same people at the same place again and again, readmissions, one pharmacy filling one doctor's
 * prescriptions, a card paying for someone else). Only honest claims; every group marks the institution(s)
 * a false ring would be built around as `core`. They are planted before the rings, so rings never use those
 * institutions (PlantContext.negativeInstitutions) and never share their persons.
 */

type Planter = (ctx: PlantContext, rng: Rng, count: number, nextId: () => string) => PlantedGroup[];

export function plantLookAlikes(ctx: PlantContext, seed: number, plan: HardNegativePlan, nextId: () => string): PlantedGroup[] {
  const planters: [HardNegativeKind, Planter][] = [
    ['rehab-course', plantRehabCourses],
    ['chemo-cycles', plantChemoCycles],
    ['dialysis', plantDialysis],
    ['family-mutual-aid', plantFamilyMutualAid],
    ['dtp-pharmacy', plantDtpPharmacies],
    ['school-outbreak', plantSchoolOutbreaks],
    ['health-check', plantHealthChecks],
    ['chronic-refill', plantChronicRefills],
  ];
  const out: PlantedGroup[] = [];
  for (const [kind, planter] of planters) {
    const count = plan[kind] ?? 0;
    if (count > 0) out.push(...planter(ctx, Rng.stream(seed, `hn:${kind}`), count, nextId));
  }
  return out;
}

/** Chance that a look-alike settles in an institution another look-alike (or hard negative) already holds. */
const REUSE = 0.4;
/** Institutions of each kind a region keeps out of look-alikes, so the rings planted later find some. */
const KEEP_FREE = { hospital: 2, clinic: 2, pharmacy: 4 } as const;

/**
 * The institution a look-alike is built around, in the region, of the kind, accepted by the filter. Big
 * hospitals host several kinds of planned care (an oncology ward, a dialysis unit, a health-check centre),
 * so a look-alike sometimes settles where another already is, and always does when taking a new one would
 * leave the rings fewer than KEEP_FREE of the kind. Reserved for hard negatives: rings never use it. -1 when
 * the region has none the filter accepts.
 */
function lookAlikeInstitution(ctx: PlantContext, rng: Rng, region: number, kind: 'hospital' | 'clinic' | 'pharmacy', accept: (i: Institution) => boolean = () => true): number {
  const r = ctx.pop.byRegion[region]!;
  const all = kind === 'hospital' ? r.hospitals : kind === 'clinic' ? r.clinics : r.pharmacies;
  const list = all.filter((i) => accept(ctx.pop.institutions[i]!));
  if (list.length === 0) return -1;
  const fresh = list.filter((i) => !ctx.reservedInstitutions.has(i));
  const shared = list.filter((i) => ctx.negativeInstitutions.has(i));
  const freeOfKind = all.filter((i) => !ctx.reservedInstitutions.has(i)).length;
  let pick: number;
  if (shared.length > 0 && (fresh.length === 0 || freeOfKind <= KEEP_FREE[kind] || rng.chance(REUSE))) pick = rng.pick(shared);
  else pick = rng.pick(fresh.length > 0 ? fresh : list);
  ctx.reservedInstitutions.add(pick);
  ctx.negativeInstitutions.add(pick);
  return pick;
}

/** A region (from a random one on) where the institution exists; [-1, -1] when none has one. */
function regionWith(ctx: PlantContext, rng: Rng, kind: 'hospital' | 'clinic' | 'pharmacy', accept: (i: Institution) => boolean = () => true): [number, number] {
  const regions = ctx.pop.regions.length;
  const first = rng.int(regions);
  for (let k = 0; k < regions; k++) {
    const region = (first + k) % regions;
    const inst = lookAlikeInstitution(ctx, rng, region, kind, accept);
    if (inst >= 0) return [region, inst];
  }
  return [-1, -1];
}

function doctorsIn(ctx: PlantContext, inst: Institution, departments: readonly Department[]): number[] {
  return inst.doctors.filter((d) => departments.includes(ctx.pop.doctors[d]!.department));
}

function hasDepartment(ctx: PlantContext, departments: readonly Department[]): (i: Institution) => boolean {
  return (i) => doctorsIn(ctx, i, departments).length > 0;
}

interface VisitSpec {
  kind: 'outpatient' | 'pharmacy' | 'inpatient';
  t: number;
  institution: number;
  person: number;
  doctor: number;
  dxIndex: number;
  items: readonly (readonly [number, number])[];
  check?: IdentityCheck;
  fundRatio?: number;
  /** inpatient: the stay (settled on the discharge day) */
  admitDay?: number;
  dischargeDay?: number;
}

/** An honest claim with the given items ([item, quantity]; drugs at a pharmacy scanned one package a line). */
function claim(ctx: PlantContext, rng: Rng, v: VisitSpec): ClaimDraft {
  const f = ctx.factory;
  const inst = ctx.pop.institutions[v.institution]!;
  const c = f.base(v.kind, Math.min(v.t, f.days * 86400 - 1), v.institution, v.person, v.check ?? f.identityCheck(rng, inst));
  c.card = f.cardFor(rng, v.person);
  c.diagnosis = v.dxIndex;
  if (v.doctor >= 0) {
    c.doctor = v.doctor;
    c.department = ctx.pop.doctors[v.doctor]!.department;
  }
  for (const [item, qty] of v.items) {
    if (CATALOG[item]!.category === 'drug' && v.kind === 'pharmacy') f.drugLines(c.lines, item, inst, qty, true);
    else c.lines.push(f.line(item, inst, qty));
  }
  if (v.kind === 'inpatient') {
    c.admitDay = v.admitDay!;
    c.dischargeDay = v.dischargeDay!;
  }
  c.fundRatio = v.fundRatio ?? f.fundRatio(rng, v.person, v.kind);
  return ctx.addClaim(c);
}

function institutionMember(index: number, role: string): Member {
  return { type: 'institution', index, role, core: true };
}

function doctorMembers(doctors: readonly number[], role: string): Member[] {
  return [...new Set(doctors)].map((index): Member => ({ type: 'doctor', index, role }));
}

// ---------------------------------------------------------------------------------------------------------

/** Rehabilitation after a stroke, a hip fracture or for back pain, and what a session bills. */
const REHAB = [
  { code: 'I69.3', items: [ITEM.hemiplegia, ITEM.acupuncture, ITEM.physio], minAge: 50 },
  { code: 'S72.0', items: [ITEM.exercise, ITEM.physio], minAge: 55 },
  { code: 'M54.5', items: [ITEM.acupuncture, ITEM.massage, ITEM.physio], minAge: 30 },
] as const;
const REHAB_DEPARTMENTS: readonly Department[] = ['康复科', '中医科'];

/**
 * Several patients of one rehabilitation (or TCM) doctor, each on a course of 8–20 sessions, 2–5 a week on
 * fixed weekdays at their usual hour: physiotherapy, acupuncture, massage, exercise therapy.
 */
function plantRehabCourses(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const out: PlantedGroup[] = [];
  for (let k = 0; k < count; k++) {
    const kind = rng.chance(0.5) ? 'clinic' : 'hospital';
    let [region, instIndex] = regionWith(ctx, rng, kind, hasDepartment(ctx, REHAB_DEPARTMENTS));
    if (instIndex < 0) [region, instIndex] = regionWith(ctx, rng, kind === 'clinic' ? 'hospital' : 'clinic', hasDepartment(ctx, REHAB_DEPARTMENTS));
    if (instIndex < 0) break;
    const inst = ctx.pop.institutions[instIndex]!;
    const rehab = doctorsIn(ctx, inst, ['康复科']);
    const doctor = rng.pick(rehab.length > 0 ? rehab : doctorsIn(ctx, inst, REHAB_DEPARTMENTS));
    const department = ctx.pop.doctors[doctor]!.department;
    const conditions = REHAB.filter((r) => DIAGNOSES[diagnosisIndex(r.code)]!.departments.includes(department));
    const patients = ctx.takePersons(rng, rng.range(5, 12), { region, minAge: 30 });
    if (patients.length === 0) break;
    const claims: ClaimDraft[] = [];
    for (const patient of patients) {
      const fitting = conditions.filter((c) => ctx.ageOf(patient) >= c.minAge);
      const condition = fitting.length > 0 ? rng.pick(fitting) : conditions[conditions.length - 1]!;
      const dxIndex = diagnosisIndex(condition.code);
      const sessions = rng.range(8, 20);
      const perWeek = rng.range(2, 5);
      const weekdays = rng.sample([0, 1, 2, 3, 4, 5], perWeek);
      const weeks = Math.ceil(sessions / perWeek) + 2;
      const start = rng.range(0, Math.max(0, f.days - weeks * 7 - 1));
      const hour = rng.pick([8, 9, 10, 14, 15]);
      const items = rng.sample(condition.items, rng.range(Math.min(2, condition.items.length), condition.items.length));
      let done = 0;
      for (let day = start; done < sessions && day < f.days; day++) {
        if (!weekdays.includes(weekday(f.period.startDay + day)) || rng.chance(0.05)) continue;
        const lines: [number, number][] = items.map((i) => [i, 1]);
        if (done === 0) lines.unshift([ITEM.registration, 1]);
        claims.push(claim(ctx, rng, { kind: 'outpatient', t: f.seconds(day, hour, rng.int(60), rng.int(60)), institution: instIndex, person: patient, doctor, dxIndex, items: lines }));
        done++;
      }
    }
    const members = [...personMembers(patients, 'rehab-patient'), institutionMember(instIndex, inst.kind === 'clinic' ? 'clinic' : 'hospital'), ...doctorMembers([doctor], 'doctor')];
    out.push(group(nextId(), 'rehab-course', members, claims, 0, f.days - 1, `${patients.length} patients on 8–20-session rehabilitation courses, 2–5 a week, with one ${department} doctor at ${inst.name}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Oncology inpatients readmitted every 14–21 days by one oncologist for their chemotherapy cycles (4–8
 * of them, 2–4-day stays): planned readmission for the same diagnosis, which split hospitalization mimics.
 */
function plantChemoCycles(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const out: PlantedGroup[] = [];
  const lung = diagnosisIndex('C34.9');
  const breast = diagnosisIndex('C50.9');
  for (let k = 0; k < count; k++) {
    const [region, instIndex] = regionWith(ctx, rng, 'hospital', hasDepartment(ctx, ['肿瘤科']));
    if (instIndex < 0) break;
    const inst = ctx.pop.institutions[instIndex]!;
    const doctor = rng.pick(doctorsIn(ctx, inst, ['肿瘤科']));
    const patients = ctx.takePersons(rng, rng.range(5, 12), { region, minAge: 40, maxAge: 80 });
    if (patients.length === 0) break;
    const claims: ClaimDraft[] = [];
    for (const patient of patients) {
      const dxIndex = ctx.pop.persons.gender[patient] === 1 && rng.chance(0.5) ? breast : lung;
      const regimen = dxIndex === lung ? [ITEM.paclitaxel, ITEM.carboplatin] : [ITEM.epirubicin, ITEM.paclitaxel];
      const cycles = rng.range(4, 8);
      const interval = rng.range(14, 21);
      let admit = rng.range(0, Math.max(0, f.days - cycles * 21 - 5));
      for (let c = 0; c < cycles; c++) {
        const stay = rng.range(2, 4);
        if (admit + stay > f.days - 1) break;
        const items: [number, number][] = [
          [ITEM.wardBed, stay],
          [ITEM.nursing, stay],
          [regimen[0]!, rng.range(1, 3)],
          [regimen[1]!, rng.range(1, 3)],
          [ITEM.ondansetron, stay],
          [ITEM.infusion, stay],
          [ITEM.infusionSet, stay],
          [ITEM.bloodRoutine, 1],
        ];
        if (rng.chance(0.5)) items.push([ITEM.liver, 1]);
        if (rng.chance(0.5)) items.push([ITEM.renal, 1]);
        claims.push(claim(ctx, rng, { kind: 'inpatient', t: f.officeTime(rng, admit + stay), institution: instIndex, person: patient, doctor, dxIndex, items, admitDay: admit, dischargeDay: admit + stay }));
        // The next cycle 14–21 days after this one began (a day or two later when blood counts need it).
        admit += Math.min(21, interval + (rng.chance(0.2) ? rng.range(1, 2) : 0));
      }
    }
    const members = [...personMembers(patients, 'chemo-patient'), institutionMember(instIndex, 'hospital'), ...doctorMembers([doctor], 'oncologist')];
    out.push(group(nextId(), 'chemo-cycles', members, claims, 0, f.days - 1, `${patients.length} oncology patients readmitted every 14–21 days for chemotherapy cycles by one oncologist at ${inst.name}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/** Monday-Wednesday-Friday or Tuesday-Thursday-Saturday, and the shifts' start hours with their weights. */
const DIALYSIS_SCHEDULES = [
  [0, 2, 4],
  [1, 3, 5],
] as const;
const SHIFTS = [7, 7, 7, 12, 12, 12, 17] as const;

/**
 * End-stage renal disease (N18.5) patients dialysed three times a week at one hospital's dialysis unit, on
 * fixed weekday slots and shifts, so those of a shift arrive and settle together, all year (some start or
 * stop during it).
 */
function plantDialysis(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const out: PlantedGroup[] = [];
  const ckd = diagnosisIndex('N18.5');
  for (let k = 0; k < count; k++) {
    const [region, instIndex] = regionWith(ctx, rng, 'hospital');
    if (instIndex < 0) break;
    const inst = ctx.pop.institutions[instIndex]!;
    const nephrologists = doctorsIn(ctx, inst, ['肾内科']);
    const doctors = nephrologists.length > 0 ? nephrologists : [rng.pick(f.fittingDoctors(instIndex, ckd, false))];
    const size = rng.range(8, 20);
    const patients = ctx.takePersons(rng, size, { region, minAge: 30, chronic: ckd });
    for (const x of ctx.takePersons(rng, size - patients.length, { region, minAge: 40 })) patients.push(x);
    if (patients.length === 0) break;
    const claims: ClaimDraft[] = [];
    for (const patient of patients) {
      ctx.pop.persons.chronic[patient] = ckd;
      const schedule = rng.pick(DIALYSIS_SCHEDULES);
      const shift = rng.pick(SHIFTS);
      const doctor = rng.pick(doctors);
      const first = rng.chance(0.75) ? 0 : rng.range(0, Math.max(0, f.days - 90));
      const last = rng.chance(0.9) ? f.days - 1 : rng.range(Math.min(f.days - 1, first + 60), f.days - 1);
      const epoShare = between(rng, 0.3, 0.7);
      for (let day = first; day <= last; day++) {
        if (!(schedule as readonly number[]).includes(weekday(f.period.startDay + day)) || rng.chance(0.03)) continue;
        const items: [number, number][] = [
          [ITEM.dialysis, 1],
          [ITEM.dialyser, 1],
          [ITEM.heparin, 1],
        ];
        if (rng.chance(epoShare)) items.push([ITEM.epo, 1]);
        // Settled at the end of the four-hour session.
        const t = f.seconds(day, shift + 4, rng.int(30), rng.int(60));
        claims.push(claim(ctx, rng, { kind: 'outpatient', t, institution: instIndex, person: patient, doctor, dxIndex: ckd, items, check: rng.chance(0.7) ? 'face' : 'real_name', fundRatio: f.fundRatio(rng, patient, 'inpatient') }));
      }
    }
    const members = [...personMembers(patients, 'dialysis-patient'), institutionMember(instIndex, 'hospital'), ...doctorMembers(doctors, 'nephrologist')];
    out.push(group(nextId(), 'dialysis', members, claims, 0, f.days - 1, `${patients.length} patients dialysed three times a week on fixed shifts at ${inst.name}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

type Relation = 'parents' | 'parent' | 'child' | 'spouse';
const RELATIONS: readonly Relation[] = ['parents', 'parents', 'parent', 'child', 'child', 'spouse'];
const OSTEOPOROSIS = diagnosisIndex('M81.0');
const PREGNANCY = diagnosisIndex('O26.9');

/**
 * 家庭共济: an employee's card pays, every three to six weeks all year, for a spouse, a parent (or both
 * parents) or a child who lives in another household — another household_id and address, same region. The
 * recipient is recorded where the pharmacy checks identity; the medicine is the recipient's, so it may
 * contradict the cardholder's gender or age (a son buying his mother's osteoporosis drug). Parents and
 * children share the cardholder's surname; ages fit the relation.
 */
function plantFamilyMutualAid(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const p = ctx.pop.persons;
  const out: PlantedGroup[] = [];
  const familyPharmacies = new Set<number>();
  // A holder for whom no relative of the drawn kind is found is passed over: a few more tries than groups.
  for (let k = 0; out.length < count && k < count * 4; k++) {
    const region = rng.int(ctx.pop.regions.length);
    const [holder] = ctx.takePersons(rng, 1, { region, minAge: 28, maxAge: 60, employee: true });
    if (holder === undefined) break;
    const age = ctx.ageOf(holder);
    const notHousehold = p.household[holder]!;
    let relation = rng.pick(RELATIONS);
    const recipients: number[] = [];
    if (relation === 'parents' || relation === 'parent') {
      const [father] = ctx.takePersons(rng, 1, { region, minAge: Math.max(50, age + 22), maxAge: age + 38, gender: 0, notHousehold });
      const [mother] = ctx.takePersons(rng, 1, { region, minAge: Math.max(48, age + 20), maxAge: age + 36, gender: 1, notHousehold });
      if (relation === 'parents' && father !== undefined && mother !== undefined) recipients.push(father, mother);
      else {
        const one = rng.chance(0.5) ? (mother ?? father) : (father ?? mother);
        if (one !== undefined) recipients.push(one);
        relation = 'parent';
      }
    } else if (relation === 'child') {
      // An adult child with a home of their own, or a young child living with the grandparents.
      const [child] = age >= 45 ? ctx.takePersons(rng, 1, { region, minAge: Math.max(18, age - 38), maxAge: age - 22, notHousehold }) : ctx.takePersons(rng, 1, { region, minAge: Math.max(0, age - 40), maxAge: Math.min(12, age - 22), notHousehold });
      if (child !== undefined) recipients.push(child);
    } else {
      const [spouse] = ctx.takePersons(rng, 1, { region, minAge: Math.max(22, age - 6), maxAge: age + 6, gender: p.gender[holder] === 0 ? 1 : 0, notHousehold });
      if (spouse !== undefined) recipients.push(spouse);
    }
    if (recipients.length === 0) continue;
    // Names: parent and child share the surname (the mother keeps hers, as Chinese women do).
    const surname = randomSurname(rng);
    ctx.pop.nameOverride.set(holder, personName(rng, p.gender[holder] === 0 ? 'M' : 'F', surname));
    for (const r of recipients) if (relation !== 'spouse' && !(relation === 'parents' && p.gender[r] === 1)) ctx.pop.nameOverride.set(r, personName(rng, p.gender[r] === 0 ? 'M' : 'F', surname));
    // Two parents share their own home.
    if (recipients.length === 2) {
      const home = { householdId: householdId(p.count + 2_000_000 + k * 7), address: homeAddress(rng, ctx.pop.regions[region]!) };
      for (const r of recipients) ctx.pop.addressOverride.set(r, home);
    }
    // The recipient's own pharmacy, unless that would leave the region's rings too few: then one that
    // another look-alike already holds (people buy at more than one pharmacy).
    const home = p.homePharmacy[recipients[0]!]!;
    const free = ctx.pop.byRegion[region]!.pharmacies.filter((x) => !ctx.reservedInstitutions.has(x)).length;
    const others = [...familyPharmacies].filter((x) => ctx.pop.institutions[x]!.region === region);
    const pharmacy = ctx.negativeInstitutions.has(home) || free > KEEP_FREE.pharmacy || others.length === 0 ? home : rng.pick(others);
    ctx.reservedInstitutions.add(pharmacy);
    ctx.negativeInstitutions.add(pharmacy);
    familyPharmacies.add(pharmacy);
    const inst = ctx.pop.institutions[pharmacy]!;
    const cadence = rng.range(20, 45);
    const claims: ClaimDraft[] = [];
    const cards = new Set<number>();
    for (const r of recipients) {
      const rAge = ctx.ageOf(r);
      if (p.chronic[r]! < 0 && rAge >= 50) p.chronic[r] = p.gender[r] === 1 && rng.chance(0.5) ? OSTEOPOROSIS : chronicOrHypertension(rng, rAge);
      const pregnant = relation === 'spouse' && p.gender[r] === 1 && rAge >= 20 && rAge <= 42 && rng.chance(0.4);
      for (let day = rng.int(cadence); day < f.days; day += Math.max(7, cadence + rng.range(-5, 5))) {
        const dxIndex = pregnant ? PREGNANCY : p.chronic[r]! >= 0 && rng.chance(0.8) ? p.chronic[r]! : f.diagnosisFor(rng, r, day, false);
        const drugs = f.drugChoices(dxIndex, r, day);
        if (drugs.length === 0) continue;
        const c = f.base('pharmacy', f.shopTime(rng, day), pharmacy, holder, f.identityCheck(rng, inst));
        c.card = f.cardFor(rng, holder);
        c.served = c.check === 'none' ? -1 : r;
        c.diagnosis = dxIndex;
        for (const d of rng.sample(drugs, rng.range(1, Math.min(2, drugs.length)))) f.drugLines(c.lines, d, inst, rng.range(1, 2), true);
        c.fundRatio = f.fundRatio(rng, holder, 'pharmacy');
        cards.add(c.card);
        claims.push(ctx.addClaim(c));
      }
    }
    const role = relation === 'parents' ? 'parent' : relation;
    const members: Member[] = [
      { type: 'person', index: holder, role: 'card-holder' },
      ...[...cards].map((index): Member => ({ type: 'card', index, role: 'paying-card' })),
      ...personMembers(recipients, role),
      institutionMember(pharmacy, 'pharmacy'),
    ];
    const whom = relation === 'parents' ? 'both parents' : relation === 'parent' ? 'a parent' : relation === 'child' ? 'a child' : 'a spouse';
    out.push(group(nextId(), 'family-mutual-aid', members, claims, 0, f.days - 1, `an employee's card pays every ~${cadence} days for ${whom} living in another household, at ${inst.name}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * A specialty (DTP) pharmacy near a big hospital, the only one in its region stocking an expensive targeted
 * oncology drug (甲磺酸奥希替尼片), filling the prescriptions of one or two oncologists: each patient sees the
 * oncologist monthly and fills the month's box there the same or the next day.
 */
function plantDtpPharmacies(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const out: PlantedGroup[] = [];
  const lung = diagnosisIndex('C34.9');
  const regions = rng.sample(
    ctx.pop.regions.map((r) => r.index),
    ctx.pop.regions.length,
  );
  for (const region of regions) {
    if (out.length >= count) break;
    const oncologists = ctx.pop.byRegion[region]!.hospitals.flatMap((h) => doctorsIn(ctx, ctx.pop.institutions[h]!, ['肿瘤科']));
    if (oncologists.length === 0) continue;
    const prescribers = rng.sample(oncologists, rng.range(1, Math.min(2, oncologists.length)));
    const hospital = ctx.pop.institutions[ctx.pop.doctors[prescribers[0]!]!.institution]!;
    // The pharmacy nearest the prescribers' hospital that nothing else holds (else any that is free).
    const byDistance = ctx.pop.byRegion[region]!.pharmacies.filter((i) => !ctx.reservedInstitutions.has(i)).sort((a, b) => distanceKm(hospital, ctx.pop.institutions[a]!) - distanceKm(hospital, ctx.pop.institutions[b]!));
    const nearest = byDistance.slice(0, 2);
    const pharmacy = lookAlikeInstitution(ctx, rng, region, 'pharmacy', (i) => nearest.length === 0 || nearest.includes(i.index));
    if (pharmacy < 0) continue;
    const inst = ctx.pop.institutions[pharmacy]!;
    inst.name = inst.name.replace(/店\)$/, '店·DTP特药药房)');
    const patients = ctx.takePersons(rng, rng.range(8, 20), { region, minAge: 45, maxAge: 85 });
    if (patients.length === 0) continue;
    const claims: ClaimDraft[] = [];
    for (const patient of patients) {
      const doctor = rng.pick(prescribers);
      const doctorInst = ctx.pop.institutions[ctx.pop.doctors[doctor]!.institution]!;
      const months = rng.range(4, 10);
      let day = rng.range(0, Math.max(0, f.days - months * 31 - 2));
      for (let m = 0; m < months && day < f.days - 1; m++) {
        const items: [number, number][] = [[ITEM.registration, 1]];
        if (rng.chance(0.6)) items.push([ITEM.bloodRoutine, 1]);
        if (rng.chance(0.3)) items.push([ITEM.liver, 1]);
        if (m % 3 === 2) items.push([ITEM.ct, 1]);
        const visit = claim(ctx, rng, { kind: 'outpatient', t: f.officeTime(rng, day), institution: doctorInst.index, person: patient, doctor, dxIndex: lung, items });
        claims.push(visit);
        const fill = claim(ctx, rng, { kind: 'pharmacy', t: visit.t + (rng.chance(0.8) ? rng.range(3600, 5 * 3600) : 86400 + rng.range(0, 3 * 3600)), institution: pharmacy, person: patient, doctor: -1, dxIndex: lung, items: [[ITEM.osimertinib, 1]] });
        fill.rxDoctor = doctor;
        fill.rxNumber = f.newPrescriptionNumber();
        claims.push(fill);
        day += rng.range(28, 32);
      }
    }
    const members = [...personMembers(patients, 'oncology-patient'), institutionMember(pharmacy, 'pharmacy'), ...doctorMembers(prescribers, 'oncologist')];
    out.push(group(nextId(), 'dtp-pharmacy', members, claims, 0, f.days - 1, `${inst.name}, the only pharmacy of its region stocking ${CATALOG[ITEM.osimertinib]!.name}, fills it monthly for ${patients.length} patients of ${prescribers.length} oncologist(s) at ${hospital.name}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/** Flu season: November to March. */
function fluSeasonDay(ctx: PlantContext, rng: Rng): number {
  const f = ctx.factory;
  const days: number[] = [];
  for (let d = 0; d < f.days - 1; d++) {
    const doy = dayOfYear(f.period.startDay + d);
    if (doy < 90 || doy > 305) days.push(d);
  }
  return days.length > 0 ? rng.pick(days) : rng.range(0, Math.max(0, f.days - 2));
}

/**
 * A school class (20–40 children of one age) brought to one hospital's paediatric department within two
 * days with influenza: the same diagnosis, near-identical items (antigen test, blood count, oseltamivir).
 */
function plantSchoolOutbreaks(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const out: PlantedGroup[] = [];
  const flu = diagnosisIndex('J11.1');
  for (let k = 0; k < count; k++) {
    const [region, instIndex] = regionWith(ctx, rng, 'hospital', hasDepartment(ctx, ['儿科']));
    if (instIndex < 0) break;
    const inst = ctx.pop.institutions[instIndex]!;
    const paediatricians = rng.sample(doctorsIn(ctx, inst, ['儿科']), rng.range(1, 3));
    const age = rng.range(6, 11);
    const size = rng.range(20, 40);
    // One school year: children of one age, or a year either side when the town is small.
    const pupils = ctx.takePersons(rng, size, { region, minAge: age, maxAge: age });
    if (pupils.length < size) for (const x of ctx.takePersons(rng, size - pupils.length, { region, minAge: age - 1, maxAge: age + 1 })) pupils.push(x);
    if (pupils.length === 0) break;
    const day0 = fluSeasonDay(ctx, rng);
    const withAntigen = between(rng, 0.7, 1);
    const claims: ClaimDraft[] = [];
    for (const child of pupils) {
      const day = Math.min(f.days - 1, day0 + (rng.chance(0.6) ? 0 : 1));
      const items: [number, number][] = [
        [ITEM.registration, 1],
        [ITEM.oseltamivir, 1],
      ];
      if (rng.chance(withAntigen)) items.push([ITEM.fluAntigen, 1]);
      if (rng.chance(0.6)) items.push([ITEM.bloodRoutine, 1]);
      if (rng.chance(0.3) && ctx.ageOf(child) <= 12) items.push([ITEM.childIbuprofen, 1]);
      claims.push(claim(ctx, rng, { kind: 'outpatient', t: f.seconds(day, rng.range(8, 20), rng.int(60), rng.int(60)), institution: instIndex, person: child, doctor: rng.pick(paediatricians), dxIndex: flu, items, check: rng.chance(0.6) ? 'real_name' : 'face' }));
    }
    const members = [...personMembers(pupils, 'pupil'), institutionMember(instIndex, 'hospital'), ...doctorMembers(paediatricians, 'paediatrician')];
    out.push(group(nextId(), 'school-outbreak', members, claims, day0, Math.min(f.days - 1, day0 + 1), `a class of ${pupils.length} children seen for influenza at the paediatric department of ${inst.name} within two days (${dateString(f.period.startDay + day0)})`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

const CHECK_ITEMS = [ITEM.bloodRoutine, ITEM.liver, ITEM.renal, ITEM.lipids, ITEM.glucose, ITEM.urine, ITEM.ecg, ITEM.xray, ITEM.ultrasound];

/**
 * A company's employees (15–40) on one morning at one hospital's health-check centre, all with the
 * company's package (men over 45 get a PSA on top), paid from their personal accounts.
 */
function plantHealthChecks(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const out: PlantedGroup[] = [];
  const checkup = diagnosisIndex('Z00.0');
  for (let k = 0; k < count; k++) {
    const tertiaryFirst = rng.chance(0.6);
    let [region, instIndex] = regionWith(ctx, rng, 'hospital', (i) => !tertiaryFirst || i.level === 'tertiary');
    if (instIndex < 0) [region, instIndex] = regionWith(ctx, rng, 'hospital');
    if (instIndex < 0) break;
    const inst = ctx.pop.institutions[instIndex]!;
    const doctors = rng.sample(doctorsIn(ctx, inst, ['全科', '内科']), rng.range(1, 2));
    const employees = ctx.takePersons(rng, rng.range(15, 40), { region, minAge: 22, maxAge: 59, employee: true });
    if (employees.length === 0 || doctors.length === 0) break;
    const pack = rng.sample(CHECK_ITEMS, rng.range(6, CHECK_ITEMS.length));
    const day = f.randomWorkday(rng);
    const claims: ClaimDraft[] = [];
    for (const e of employees) {
      const items: [number, number][] = pack.map((i) => [i, 1]);
      if (ctx.pop.persons.gender[e] === 0 && ctx.ageOf(e) >= 45) items.push([ITEM.psa, 1]);
      claims.push(claim(ctx, rng, { kind: 'outpatient', t: f.seconds(day, 7, 30) + rng.int(3 * 3600), institution: instIndex, person: e, doctor: rng.pick(doctors), dxIndex: checkup, items, fundRatio: 1 }));
    }
    const members = [...personMembers(employees, 'employee'), institutionMember(instIndex, 'hospital'), ...doctorMembers(doctors, 'doctor')];
    out.push(group(nextId(), 'health-check', members, claims, day, day, `${employees.length} employees of one company with the same health-check package at ${inst.name} on ${dateString(f.period.startDay + day)}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Chronic patients (10–30) of one community clinic collecting their month's long prescription (长处方) on
 * the clinic's chronic-disease day — a fixed date, or the n-th weekday of each month — so they meet there
 * every month. Unlike weekly-chronic (each patient on their own weekday every week): monthly, and together.
 */
function plantChronicRefills(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const out: PlantedGroup[] = [];
  for (let k = 0; k < count; k++) {
    const [region, instIndex] = regionWith(ctx, rng, 'clinic');
    if (instIndex < 0) break;
    const inst = ctx.pop.institutions[instIndex]!;
    const patients = ctx.takePersons(rng, rng.range(10, 30), { region, minAge: 50 });
    if (patients.length === 0) break;
    for (const x of patients) if (ctx.pop.persons.chronic[x]! < 0) ctx.pop.persons.chronic[x] = chronicOrHypertension(rng, ctx.ageOf(x));
    const byDate = rng.chance(0.5);
    const date = rng.range(5, 25);
    const nth = rng.range(1, 3);
    const wd = rng.range(0, 4);
    const clinicDays: number[] = [];
    for (let d = 0; d < f.days; d++) {
      const w = weekday(f.period.startDay + d);
      const dom = Number(dateString(f.period.startDay + d).slice(8));
      // A date falling on a weekend moves to the Monday after it.
      const onDate = (dom === date && w < 5) || (w === 0 && (dom === date + 1 || dom === date + 2));
      if (byDate ? onDate : w === wd && Math.ceil(dom / 7) === nth) clinicDays.push(d);
    }
    const attendance = between(rng, 0.8, 0.95);
    const claims: ClaimDraft[] = [];
    const doctors = new Set<number>();
    for (const patient of patients) {
      const dxIndex = ctx.pop.persons.chronic[patient]!;
      const dx: Diagnosis = DIAGNOSES[dxIndex]!;
      const drugs = f.drugChoices(dxIndex, patient, 0);
      const regular = rng.sample(drugs, rng.range(1, Math.min(3, drugs.length)));
      const boxes = rng.range(2, 4);
      const doctor = f.doctorFor(rng, instIndex, dxIndex, patient, 0);
      doctors.add(doctor);
      for (const day of clinicDays) {
        if (!rng.chance(attendance)) continue;
        const items: [number, number][] = [[ITEM.registration, 1], ...regular.map((d): [number, number] => [d, boxes])];
        // an exam the clinic may perform (a community clinic bills no MRI, as in the honest world's visits)
        if (dx.exams.length > 0 && rng.chance(0.2)) {
          const exam = rng.pick(dx.exams);
          if (f.allowed(exam, inst, patient, day)) items.push([exam, 1]);
        }
        claims.push(claim(ctx, rng, { kind: 'outpatient', t: f.seconds(day, rng.range(8, 11), rng.int(60), rng.int(60)), institution: instIndex, person: patient, doctor, dxIndex, items }));
      }
    }
    const rule = byDate ? `the ${date}th of each month` : `the ${['first', 'second', 'third'][nth - 1]} ${['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'][wd]} of each month`;
    const members = [...personMembers(patients, 'chronic-patient'), institutionMember(instIndex, 'clinic'), ...doctorMembers([...doctors], 'doctor')];
    out.push(group(nextId(), 'chronic-refill', members, claims, 0, f.days - 1, `${patients.length} chronic patients collecting monthly long prescriptions at ${inst.name} on its chronic-disease day, ${rule}`));
  }
  return out;
}
