import { DIAGNOSES, ITEM, diagnosisIndex } from '../catalog.ts';
import type { Rng } from '../random.ts';
import { between, institutionRingMembers, personMembers, reserveRingInstitution, ringDoctorCandidates, ringSize, variantSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/**
 * 对码错误、串换项目: a primary clinic bills items its level may not bill (CT, MRI, dialysis) or items
 * that contradict the patient (gender-restricted), in place of what was actually done.
 */
export function plantCodeMismatch(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const instIndex = ctx.institution(rng, region, 'clinic');
  // The clinic's general practitioners: they see whatever the patients come with.
  const { inst, doctors } = reserveRingInstitution(ctx, rng, instIndex, ['J06.9', 'I10', 'E11.9', 'K29.7'].map(diagnosisIndex));
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 18 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const perPatient = Math.max(1, Math.round(2 + p.strength * 6));
  const claims = [];
  const aboveLevel = [ITEM.ct, ITEM.mri, ITEM.icuBed];
  for (const patient of patients) {
    const female = ctx.pop.persons.gender[patient] === 1;
    for (let k = 0; k < perPatient; k++) {
      const day = rng.range(start, end);
      const doctor = rng.pick(doctors);
      const dxIndex = f.diagnosisFor(rng, patient, day, false);
      const c = f.base('outpatient', f.officeTime(rng, day), instIndex, patient, f.identityCheck(rng, inst));
      c.card = f.cardFor(rng, patient);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = dxIndex;
      c.lines = f.outpatientLines(rng, DIAGNOSES[dxIndex]!, inst, patient, day);
      c.lines.push(rng.chance(0.75) ? f.line(rng.pick(aboveLevel), inst, 1) : f.line(female ? ITEM.psa : ITEM.prenatal, inst, 1));
      c.fundRatio = f.fundRatio(rng, patient, 'outpatient');
      claims.push(ctx.addClaim(c));
    }
  }
  const members: Member[] = [
    ...institutionRingMembers(instIndex, doctors),
    ...personMembers(patients, 'patient'),
  ];
  earlier.push(...patients);
  return { id, family: 'code-mismatch', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${inst.name} bills items outside its level or inconsistent with the patient` };
}

/**
 * One mis-coding per patient (varied profile): a single doctor slips one wrong code into one visit of each
 * of 15–30 patients — an exam or treatment above the clinic's level, or an item the patient's gender or age
 * rules out — among their ordinary visits to the same doctor. Per patient it looks like a typo.
 */
export function plantOncePerPatient(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = variantSize(ctx, rng, p, 15, 30);
  const instIndex = ctx.variantInstitution(rng, region, 'clinic');
  ctx.reservedInstitutions.add(instIndex);
  const inst = ctx.pop.institutions[instIndex]!;
  const doctor = rng.pick(ringDoctorCandidates(ctx, instIndex, ['J06.9', 'I10', 'E11.9', 'K29.7'].map(diagnosisIndex)));
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 18 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const aboveLevelShare = between(rng, 0.4, 0.8);
  const claims = [];
  for (const patient of patients) {
    const honest = rng.range(0, 2);
    const wrong = rng.int(honest + 1);
    for (let k = 0; k <= honest; k++) {
      const day = rng.range(start, end);
      // What the patient comes with, among what the doctor's department treats.
      let dxIndex = f.diagnosisFor(rng, patient, day, false);
      for (let tries = 0; tries < 4 && !f.fittingDoctors(instIndex, dxIndex, false).includes(doctor); tries++) dxIndex = f.diagnosisFor(rng, patient, day, false);
      if (!f.fittingDoctors(instIndex, dxIndex, false).includes(doctor)) dxIndex = diagnosisIndex('J06.9');
      const c = f.base('outpatient', f.officeTime(rng, day), instIndex, patient, f.identityCheck(rng, inst));
      c.card = f.cardFor(rng, patient);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = dxIndex;
      c.lines = f.outpatientLines(rng, DIAGNOSES[dxIndex]!, inst, patient, day);
      c.fundRatio = f.fundRatio(rng, patient, 'outpatient');
      ctx.addClaim(c);
      if (k !== wrong) continue;
      c.lines.push(f.line(mismatchedItem(ctx, rng, patient, day, aboveLevelShare), inst, 1));
      claims.push(c);
    }
  }
  const members: Member[] = [...institutionRingMembers(instIndex, [doctor]), ...personMembers(patients, 'patient')];
  earlier.push(...patients);
  return { id, family: 'code-mismatch', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `one doctor at ${inst.name} bills one wrong code to each of ${patients.length} patients` };
}

/** An item above a primary clinic's level, or one the patient's gender or age rules out. */
function mismatchedItem(ctx: PlantContext, rng: Rng, patient: number, day: number, aboveLevelShare: number): number {
  if (rng.chance(aboveLevelShare)) return rng.pick([ITEM.ct, ITEM.mri, ITEM.dialysis, ITEM.icuBed]);
  const p = ctx.pop.persons;
  const age = ctx.ageOf(patient) + Math.floor(day / 365);
  const options: number[] = p.gender[patient] === 1 ? [ITEM.psa, ITEM.tadalafil] : [ITEM.prenatal, ITEM.progesterone];
  if (age > 14) options.push(ITEM.nebulizer, ITEM.childCough);
  if (age < 45) options.push(ITEM.alendronate);
  return rng.pick(options);
}
