import { DIAGNOSES, ITEM, diagnosisIndex } from '../catalog.ts';
import { levelRank } from '../claims.ts';
import type { Rng } from '../random.ts';
import { between, institutionRingMembers, longWindow, personMembers, reserveRingInstitution, ringDoctorCandidates, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/**
 * 频繁就医、过度诊疗: patients of one doctor visit every few days and every visit repeats HbA1c,
 * physiotherapy, acupuncture and massage (and large-equipment exams where the level allows).
 */
export function plantOverTreatment(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const instIndex = rng.chance(0.5) ? ctx.institution(rng, region, 'clinic') : ctx.institution(rng, region, 'hospital', (i) => i.level === 'secondary');
  const dxIndex = diagnosisIndex(rng.chance(0.5) ? 'E11.9' : 'M54.5');
  const { inst, doctors } = reserveRingInstitution(ctx, rng, instIndex, [dxIndex]);
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 40 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const claims = [];
  for (const patient of patients) {
    const doctor = rng.pick(doctors);
    const gap = Math.max(1, Math.round(7 - 5 * p.strength));
    for (let day = start + rng.int(gap); day <= end; day += gap + rng.int(2)) {
      const c = f.base('outpatient', f.officeTime(rng, day), instIndex, patient, f.identityCheck(rng, inst));
      c.card = f.cardFor(rng, patient);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = dxIndex;
      c.lines = [f.line(ITEM.registration, inst, 1), f.line(ITEM.hba1c, inst, 1), f.line(ITEM.physio, inst, 2), f.line(ITEM.acupuncture, inst, 1), f.line(ITEM.massage, inst, 1)];
      if (levelRank(inst.level) >= 2 && rng.chance(0.3)) c.lines.push(f.line(rng.chance(0.5) ? ITEM.ct : ITEM.mri, inst, 1));
      for (const d of DIAGNOSES[dxIndex]!.drugs.slice(0, 2)) f.drugLines(c.lines, d, inst, 2, false);
      c.fundRatio = f.fundRatio(rng, patient, 'outpatient');
      claims.push(ctx.addClaim(c));
    }
  }
  const members: Member[] = [
    ...institutionRingMembers(instIndex, doctors),
    ...personMembers(patients, 'patient'),
  ];
  earlier.push(...patients);
  return { id, family: 'over-treatment', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${patients.length} patients over-treated at ${inst.name}` };
}

const DIABETES = diagnosisIndex('E11.9');

/** Patients of the ring with the condition: those who have it first, then others who are given it (and keep it). */
function patientsWith(ctx: PlantContext, rng: Rng, p: ScenarioParams, earlier: number[], size: number, region: number, dxIndex: number, minAge: number): number[] {
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge, chronic: dxIndex });
  for (const x of ctx.takePersons(rng, size - patients.length, { region, minAge })) patients.push(x);
  for (const x of patients) ctx.pop.persons.chronic[x] = dxIndex;
  return patients;
}

/** One outpatient visit at the ring's doctor with registration, the listed items and the condition's usual drugs. */
function visit(ctx: PlantContext, rng: Rng, instIndex: number, doctor: number, patient: number, dxIndex: number, day: number, items: readonly number[]) {
  const f = ctx.factory;
  const inst = ctx.pop.institutions[instIndex]!;
  const c = f.base('outpatient', f.officeTime(rng, day), instIndex, patient, f.identityCheck(rng, inst));
  c.card = f.cardFor(rng, patient);
  c.doctor = doctor;
  c.department = ctx.pop.doctors[doctor]!.department;
  c.diagnosis = dxIndex;
  c.lines = [f.line(ITEM.registration, inst, 1)];
  for (const item of items) c.lines.push(f.line(item, inst, 1));
  const drugs = f.drugChoices(dxIndex, patient, day);
  for (const d of rng.sample(drugs, rng.range(1, Math.min(2, drugs.length)))) f.drugLines(c.lines, d, inst, rng.range(1, 2), rng.chance(0.35));
  c.fundRatio = f.fundRatio(rng, patient, 'outpatient');
  return ctx.addClaim(c);
}

/**
 * HbA1c over-testing (varied profile): diabetics of one doctor have glycated haemoglobin (糖化血红蛋白)
 * measured at every visit, and they come every two to five weeks — 9 to 25 tests a year against a
 * guideline of 2–4. The visits themselves are not frequent; the test is.
 */
export function plantHba1cOvertesting(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const instIndex = rng.chance(0.5) ? ctx.variantInstitution(rng, region, 'clinic') : ctx.variantInstitution(rng, region, 'hospital');
  ctx.reservedInstitutions.add(instIndex);
  const inst = ctx.pop.institutions[instIndex]!;
  const doctor = rng.pick(ringDoctorCandidates(ctx, instIndex, [DIABETES]));
  const patients = patientsWith(ctx, rng, p, earlier, size, region, DIABETES, 40);
  const { start, end } = longWindow(ctx, rng, p, rng.range(180, 330));
  const interval = rng.range(14, 35);
  const claims = [];
  for (const patient of patients) {
    for (let day = start + rng.int(interval); day <= end; day += Math.max(10, interval + rng.range(-4, 4))) {
      const items = [ITEM.hba1c];
      if (rng.chance(0.8)) items.push(ITEM.glucose);
      if (rng.chance(0.25)) items.push(ITEM.lipids);
      if (rng.chance(0.15)) items.push(ITEM.liver);
      claims.push(visit(ctx, rng, instIndex, doctor, patient, DIABETES, day, items));
    }
  }
  const members: Member[] = [...institutionRingMembers(instIndex, [doctor]), ...personMembers(patients, 'patient')];
  earlier.push(...patients);
  return { id, family: 'over-treatment', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${patients.length} diabetics of one doctor at ${inst.name} have HbA1c tested at visits every ~${interval} days` };
}

/**
 * Imaging overuse (varied profile): one doctor orders CT or MRI again and again for the same low-back pain
 * or old stroke, every three to six weeks, where one scan would do. Visits about monthly.
 */
export function plantImagingOveruse(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const instIndex = ctx.variantInstitution(rng, region, 'hospital');
  ctx.reservedInstitutions.add(instIndex);
  const inst = ctx.pop.institutions[instIndex]!;
  const dxIndex = diagnosisIndex(rng.chance(0.5) ? 'M54.5' : 'I63.9');
  const doctor = rng.pick(ringDoctorCandidates(ctx, instIndex, [dxIndex]));
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 45 });
  const { start, end } = longWindow(ctx, rng, p, rng.range(150, 300));
  const interval = rng.range(21, 42);
  const modality = rng.pick(['CT', 'MRI', 'CT and MRI'] as const);
  const share = between(rng, 0.7, 1);
  const claims = [];
  for (const patient of patients) {
    for (let day = start + rng.int(interval); day <= end; day += Math.max(14, interval + rng.range(-5, 5))) {
      const items: number[] = [];
      if (rng.chance(share)) items.push(modality === 'CT' ? ITEM.ct : modality === 'MRI' ? ITEM.mri : rng.chance(0.5) ? ITEM.ct : ITEM.mri);
      claims.push(visit(ctx, rng, instIndex, doctor, patient, dxIndex, day, items));
    }
  }
  const members: Member[] = [...institutionRingMembers(instIndex, [doctor]), ...personMembers(patients, 'patient')];
  earlier.push(...patients);
  return { id, family: 'over-treatment', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${patients.length} patients of one doctor at ${inst.name} get ${modality} for ${DIAGNOSES[dxIndex]!.name} at visits every ~${interval} days` };
}

/** Usual length of stay (days) of the conditions prolonged stays are billed for. */
const TYPICAL_STAY: Record<string, number> = { 'J18.9': 8, 'I63.9': 12, 'I25.1': 7, 'M54.5': 7, 'E11.9': 8 };

/**
 * Prolonged stays (varied profile): patients kept (or kept on paper) 2.5–5 times the usual length of stay
 * for their diagnosis — three to eight weeks for a pneumonia or a back pain.
 */
export function plantProlongedStay(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const instIndex = rng.chance(0.3) ? ctx.variantInstitution(rng, region, 'clinic', (i) => i.beds > 0) : ctx.variantInstitution(rng, region, 'hospital');
  const code = rng.pick(Object.keys(TYPICAL_STAY));
  const dxIndex = diagnosisIndex(code);
  const { inst, doctors } = reserveRingInstitution(ctx, rng, instIndex, [dxIndex]);
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 45 });
  const { start, end } = longWindow(ctx, rng, p, 150);
  const lo = between(rng, 2.5, 3.5);
  const hi = between(rng, lo + 0.5, 5);
  const claims = [];
  for (const patient of patients) {
    const doctor = rng.pick(doctors);
    let day = rng.range(start, Math.max(start, end - 60));
    for (let k = rng.range(1, 2); k > 0; k--) {
      const stay = Math.min(90, Math.round(TYPICAL_STAY[code]! * between(rng, lo, hi)));
      // A stay the period cuts short would not be prolonged: the next one is left out.
      if (day + stay > f.days - 1) break;
      const discharge = day + stay;
      const c = f.base('inpatient', f.officeTime(rng, discharge), instIndex, patient, f.identityCheck(rng, inst));
      c.card = f.cardFor(rng, patient);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = dxIndex;
      c.admitDay = day;
      c.dischargeDay = discharge;
      c.lines = f.inpatientLines(rng, DIAGNOSES[dxIndex]!, inst, patient, day, discharge - day);
      c.fundRatio = f.fundRatio(rng, patient, 'inpatient');
      claims.push(ctx.addClaim(c));
      day = discharge + rng.range(30, 90);
    }
  }
  const members: Member[] = [...institutionRingMembers(instIndex, doctors), ...personMembers(patients, 'patient')];
  earlier.push(...patients);
  return { id, family: 'over-treatment', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${patients.length} patients kept in ${inst.name} ${lo.toFixed(1)}–${hi.toFixed(1)} times the usual ${TYPICAL_STAY[code]} days for ${DIAGNOSES[dxIndex]!.name}` };
}
