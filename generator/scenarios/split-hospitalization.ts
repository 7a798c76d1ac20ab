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
