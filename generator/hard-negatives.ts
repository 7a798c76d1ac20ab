import { CHRONIC_DIAGNOSES, DIAGNOSES, diagnosisIndex } from './catalog.ts';
import { chronicConditionFor, householdId } from './population.ts';
import type { Profile } from './profile.ts';
import type { Rng } from './random.ts';
import { weekday } from './time.ts';
import { personMembers, ringDoctorCandidates, type Member, type PlantContext, type PlantedGroup } from './scenarios/context.ts';

/**
 * Honest structures that look like rings to a naive detector. They are labelled in the ground truth so
 * the scorer can count how many a detector flagged.
 */

/** The kinds every profile plants. */
export const CLASSIC_HARD_NEGATIVE_KINDS = ['giant-hospital', 'pharmacy-beside-hospital', 'family-pharmacy', 'nursing-home', 'weekly-chronic'] as const;
/** Honest look-alikes planted with `--profile varied` only (generator/look-alikes.ts). */
export const LOOK_ALIKE_KINDS = ['rehab-course', 'chemo-cycles', 'dialysis', 'family-mutual-aid', 'dtp-pharmacy', 'school-outbreak', 'health-check', 'chronic-refill'] as const;
export const HARD_NEGATIVE_KINDS = [...CLASSIC_HARD_NEGATIVE_KINDS, ...LOOK_ALIKE_KINDS] as const;
export type HardNegativeKind = (typeof HARD_NEGATIVE_KINDS)[number];
export type LookAlikeKind = (typeof LOOK_ALIKE_KINDS)[number];
export type HardNegativePlan = Record<HardNegativeKind, number>;

/** The kinds a profile plants and records in the ground truth. */
export function hardNegativeKinds(profile: Profile): readonly HardNegativeKind[] {
  return profile === 'varied' ? HARD_NEGATIVE_KINDS : CLASSIC_HARD_NEGATIVE_KINDS;
}

/** Residents and weekly patients are there for a chronic condition; hypertension when none other fits their age. */
export function chronicOrHypertension(rng: Rng, age: number): number {
  const d = chronicConditionFor(rng, age);
  return d >= 0 ? d : diagnosisIndex('I10');
}

export function group(id: string, family: HardNegativeKind, members: Member[], claims: PlantedGroup['claims'], startDay: number, endDay: number, description: string): PlantedGroup {
  return { id, family, size: members.length, strength: 0, startDay, endDay, members, claims, description };
}

/** The most popular tertiary hospital of a region connects a large share of its patients. */
export function labelGiantHospitals(ctx: PlantContext, count: number, nextId: () => string): PlantedGroup[] {
  const out: PlantedGroup[] = [];
  for (let r = 0; r < Math.min(count, ctx.pop.regions.length); r++) {
    const hospitals = ctx.pop.byRegion[r]!.hospitals.map((i) => ctx.pop.institutions[i]!);
    const giant = hospitals.reduce((a, b) => (b.popularity > a.popularity ? b : a));
    ctx.reservedInstitutions.add(giant.index);
    ctx.negativeInstitutions.add(giant.index);
    out.push(group(nextId(), 'giant-hospital', [{ type: 'institution', index: giant.index, role: 'hub-hospital', core: true }], [], 0, ctx.factory.days - 1, `${giant.name} serves a large share of the region`));
  }
  return out;
}

/** A pharmacy moved across the street from a hospital fills most of that hospital's external prescriptions. */
export function placePharmaciesBesideHospitals(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const out: PlantedGroup[] = [];
  for (let k = 0; k < count; k++) {
    const region = k % ctx.pop.regions.length;
    const rp = ctx.pop.byRegion[region]!;
    const hospitals = rp.hospitals.filter((i) => !ctx.reservedInstitutions.has(i) && ctx.pop.institutions[i]!.besidePharmacy < 0);
    const pharmacies = rp.pharmacies.filter((i) => !ctx.reservedInstitutions.has(i));
    if (hospitals.length === 0 || pharmacies.length === 0) break;
    const hospital = ctx.pop.institutions[rng.pick(hospitals)]!;
    const pharmacy = ctx.pop.institutions[rng.pick(pharmacies)]!;
    pharmacy.lat = hospital.lat + 0.0008;
    pharmacy.lon = hospital.lon + 0.0006;
    pharmacy.address = hospital.address.replace(/(\d+)号$/, (_, n: string) => `${Number(n) + 1}号`);
    hospital.besidePharmacy = pharmacy.index;
    for (const i of [hospital.index, pharmacy.index]) {
      ctx.reservedInstitutions.add(i);
      ctx.negativeInstitutions.add(i);
    }
    out.push(
      group(
        nextId(),
        'pharmacy-beside-hospital',
        [
          { type: 'institution', index: pharmacy.index, role: 'pharmacy', core: true },
          { type: 'institution', index: hospital.index, role: 'hospital', core: true },
        ],
        [],
        0,
        ctx.factory.days - 1,
        `${pharmacy.name} across the street fills most external prescriptions of ${hospital.name}`,
      ),
    );
  }
  return out;
}

/** Households buying their medicine at the same neighbourhood pharmacy, often on the same day. */
export function plantFamilies(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const p = ctx.pop.persons;
  const out: PlantedGroup[] = [];
  for (let k = 0; k < count; k++) {
    const [seed] = ctx.takePersons(rng, 1, { householdMin: 3 });
    if (seed === undefined) break;
    const first = p.household[seed]!;
    const members = Array.from({ length: p.householdSize[seed]! }, (_, i) => first + i).filter((m) => m === seed || !ctx.isUsed(m));
    members.forEach((m) => ctx.markUsed(m));
    const pharmacy = p.homePharmacy[seed]!;
    const inst = ctx.pop.institutions[pharmacy]!;
    const claims = [];
    const trips = rng.range(8, 16);
    for (let t = 0; t < trips; t++) {
      const day = f.randomDay(rng);
      const time = f.shopTime(rng, day);
      for (const m of members) {
        if (!rng.chance(0.6)) continue;
        const dxIndex = f.diagnosisFor(rng, m, day, false);
        const c = f.base('pharmacy', time + rng.range(0, 300), pharmacy, m, f.identityCheck(rng, inst));
        c.card = f.cardFor(rng, m);
        c.diagnosis = dxIndex;
        const dx = DIAGNOSES[dxIndex]!;
        f.drugLines(c.lines, rng.pick(dx.drugs), inst, rng.range(1, 2), true);
        c.fundRatio = f.fundRatio(rng, m, 'pharmacy');
        claims.push(ctx.addClaim(c));
      }
    }
    out.push(group(nextId(), 'family-pharmacy', [...personMembers(members, 'family-member'), { type: 'institution', index: pharmacy, role: 'pharmacy' }], claims, 0, f.days - 1, `a household of ${members.length} buying at ${inst.name}`));
  }
  return out;
}

/** Residents of one nursing home seen together weekly by a clinic doctor, each for their own conditions. */
export function plantNursingHomes(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const out: PlantedGroup[] = [];
  for (let k = 0; k < count; k++) {
    const region = rng.int(ctx.pop.regions.length);
    const residents = ctx.takePersons(rng, rng.range(15, 35), { region, minAge: 70 });
    if (residents.length === 0) break;
    const clinic = ctx.institution(rng, region, 'clinic');
    ctx.reservedInstitutions.add(clinic);
    const inst = ctx.pop.institutions[clinic]!;
    // A general practitioner: the one department that treats every resident's chronic condition.
    const doctor = rng.pick(ringDoctorCandidates(ctx, clinic, CHRONIC_DIAGNOSES));
    const regionInfo = ctx.pop.regions[region]!;
    const home = { householdId: householdId(ctx.pop.persons.count + k * 7919), address: `${regionInfo.province}${regionInfo.name}${inst.name.replace(/社区卫生服务中心|镇卫生院/, '')}路${rng.range(1, 200)}号颐养院` };
    for (const r of residents) {
      ctx.pop.addressOverride.set(r, home);
      if (ctx.pop.persons.chronic[r]! < 0) ctx.pop.persons.chronic[r] = chronicOrHypertension(rng, ctx.ageOf(r));
    }
    const roundDay = rng.range(0, 4);
    const claims = [];
    for (let day = 0; day < f.days; day++) {
      if (weekday(f.period.startDay + day) !== roundDay) continue;
      let t = f.seconds(day, 9, rng.int(30));
      for (const r of residents) {
        if (!rng.chance(0.8)) continue;
        t += rng.range(120, 600);
        const dxIndex = ctx.pop.persons.chronic[r]!;
        const c = f.base('outpatient', t, clinic, r, 'face');
        c.card = f.cardFor(rng, r);
        c.doctor = doctor;
        c.department = ctx.pop.doctors[doctor]!.department;
        c.diagnosis = dxIndex;
        c.lines = f.outpatientLines(rng, DIAGNOSES[dxIndex]!, inst, r, day);
        c.fundRatio = f.fundRatio(rng, r, 'outpatient');
        claims.push(ctx.addClaim(c));
      }
    }
    const members: Member[] = [...personMembers(residents, 'resident'), { type: 'institution', index: clinic, role: 'clinic' }, { type: 'doctor', index: doctor, role: 'doctor' }];
    out.push(group(nextId(), 'nursing-home', members, claims, 0, f.days - 1, `${residents.length} nursing-home residents seen weekly at ${inst.name}`));
  }
  return out;
}

/** Chronic patients of one community clinic, each coming on their own weekday every week. */
export function plantWeeklyChronic(ctx: PlantContext, rng: Rng, count: number, nextId: () => string): PlantedGroup[] {
  const f = ctx.factory;
  const out: PlantedGroup[] = [];
  for (let k = 0; k < count; k++) {
    const region = rng.int(ctx.pop.regions.length);
    const patients = ctx.takePersons(rng, rng.range(5, 15), { region, minAge: 50 });
    if (patients.length === 0) break;
    const clinic = ctx.institution(rng, region, 'clinic');
    const inst = ctx.pop.institutions[clinic]!;
    const claims = [];
    for (const patient of patients) {
      if (ctx.pop.persons.chronic[patient]! < 0) ctx.pop.persons.chronic[patient] = chronicOrHypertension(rng, ctx.ageOf(patient));
      const dxIndex = ctx.pop.persons.chronic[patient]!;
      const visitDay = rng.range(0, 4);
      for (let day = 0; day < f.days; day++) {
        if (weekday(f.period.startDay + day) !== visitDay || !rng.chance(0.85)) continue;
        const c = f.base('outpatient', f.officeTime(rng, day), clinic, patient, f.identityCheck(rng, inst));
        c.card = f.cardFor(rng, patient);
        c.doctor = f.doctorFor(rng, clinic, dxIndex, patient, day);
        c.department = ctx.pop.doctors[c.doctor]!.department;
        c.diagnosis = dxIndex;
        c.lines = f.outpatientLines(rng, DIAGNOSES[dxIndex]!, inst, patient, day);
        c.fundRatio = f.fundRatio(rng, patient, 'outpatient');
        claims.push(ctx.addClaim(c));
      }
    }
    out.push(group(nextId(), 'weekly-chronic', [...personMembers(patients, 'chronic-patient'), { type: 'institution', index: clinic, role: 'clinic' }], claims, 0, f.days - 1, `${patients.length} chronic patients visiting ${inst.name} weekly`));
  }
  return out;
}
