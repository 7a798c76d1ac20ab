import { DIAGNOSES } from '../catalog.ts';
import type { Rng } from '../random.ts';
import { institutionRingMembers, personMembers, reserveRingInstitution, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/** 分解住院: one stay billed as several, discharge and readmission for the same condition within days. */
export function plantSplitHospitalization(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const instIndex = ctx.institution(rng, region, 'hospital');
  const dxChoices = DIAGNOSES.flatMap((d, i) => (d.inpatientShare >= 0.3 && d.code !== 'K35.8' && !d.variedOnly ? [i] : []));
  const { inst, doctors } = reserveRingInstitution(ctx, rng, instIndex, dxChoices);
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 45 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const claims = [];
  for (const patient of patients) {
    const dxIndex = rng.pick(dxChoices);
    const dx = DIAGNOSES[dxIndex]!;
    const doctor = rng.pick(doctors);
    const parts = 2 + Math.round(p.strength * rng.range(1, 3));
    let day = rng.range(start, Math.max(start, end - parts * 12));
    for (let k = 0; k < parts && day < f.days - 2; k++) {
      const stay = rng.range(3, 8);
      const discharge = Math.min(f.days - 1, day + stay);
      const c = f.base('inpatient', f.officeTime(rng, discharge), instIndex, patient, f.identityCheck(rng, inst));
      c.card = f.cardFor(rng, patient);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = dxIndex;
      c.admitDay = day;
      c.dischargeDay = discharge;
      c.lines = f.inpatientLines(rng, dx, inst, patient, day, discharge - day);
      c.fundRatio = f.fundRatio(rng, patient, 'inpatient');
      claims.push(ctx.addClaim(c));
      day = discharge + rng.range(1, Math.round(15 - 10 * p.strength));
    }
  }
  const members: Member[] = [
    ...institutionRingMembers(instIndex, doctors),
    ...personMembers(patients, 'patient'),
  ];
  earlier.push(...patients);
  return { id, family: 'split-hospitalization', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${patients.length} patients discharged and readmitted for the same condition at ${inst.name}` };
}

interface Team {
  department: string;
  doctors: number[];
  diagnoses: number[];
}

/** Departments of the hospital with at least two doctors who treat one of the diagnoses, with the diagnoses. */
function teams(ctx: PlantContext, instIndex: number, dxChoices: readonly number[]): Team[] {
  const byDepartment = new Map<string, Team>();
  for (const dx of dxChoices) {
    const fitting = ctx.factory.fittingDoctors(instIndex, dx, false);
    const groups = new Map<string, number[]>();
    for (const d of fitting) {
      const dept = ctx.pop.doctors[d]!.department;
      (groups.get(dept) ?? groups.set(dept, []).get(dept)!).push(d);
    }
    for (const [department, doctors] of groups) {
      if (doctors.length < 2) continue;
      const team = byDepartment.get(department) ?? byDepartment.set(department, { department, doctors, diagnoses: [] }).get(department)!;
      team.diagnoses.push(dx);
    }
  }
  return [...byDepartment.values()];
}

/**
 * Split with a change of doctor (varied profile): the readmission goes to another doctor of the same
 * department, so no single doctor shows the discharge–readmission pattern.
 */
export function plantSplitOtherDoctor(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const dxChoices = DIAGNOSES.flatMap((d, i) => (d.inpatientShare >= 0.3 && d.code !== 'K35.8' && !d.variedOnly ? [i] : []));
  const instIndex = ctx.variantInstitution(rng, region, 'hospital', (i) => teams(ctx, i.index, dxChoices).length > 0);
  ctx.reservedInstitutions.add(instIndex);
  const inst = ctx.pop.institutions[instIndex]!;
  const options = teams(ctx, instIndex, dxChoices);
  // A hospital without two doctors in one fitting department (a tiny dataset): any two fitting doctors.
  const team: Team = options.length > 0 ? rng.pick(options) : { department: '', doctors: [...new Set(dxChoices.flatMap((d) => f.fittingDoctors(instIndex, d, false)))], diagnoses: dxChoices };
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 45 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const maxGap = rng.range(4, Math.max(4, Math.round(15 - 8 * p.strength)));
  const claims = [];
  const used = new Set<number>();
  for (const patient of patients) {
    const dxIndex = rng.pick(team.diagnoses);
    const dx = DIAGNOSES[dxIndex]!;
    const parts = 2 + Math.round(p.strength * rng.range(0, 2));
    const offset = rng.int(team.doctors.length);
    let day = rng.range(start, Math.max(start, end - parts * 12));
    for (let k = 0; k < parts && day < f.days - 2; k++) {
      const doctor = team.doctors[(offset + k) % team.doctors.length]!;
      used.add(doctor);
      const stay = rng.range(3, 8);
      const discharge = Math.min(f.days - 1, day + stay);
      const c = f.base('inpatient', f.officeTime(rng, discharge), instIndex, patient, f.identityCheck(rng, inst));
      c.card = f.cardFor(rng, patient);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = dxIndex;
      c.admitDay = day;
      c.dischargeDay = discharge;
      c.lines = f.inpatientLines(rng, dx, inst, patient, day, discharge - day);
      c.fundRatio = f.fundRatio(rng, patient, 'inpatient');
      claims.push(ctx.addClaim(c));
      day = discharge + rng.range(1, maxGap);
    }
  }
  const members: Member[] = [...institutionRingMembers(instIndex, [...used]), ...personMembers(patients, 'patient')];
  earlier.push(...patients);
  return { id, family: 'split-hospitalization', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${patients.length} patients discharged and readmitted within ${maxGap} days to another doctor of ${team.department || 'the hospital'} at ${inst.name}` };
}
