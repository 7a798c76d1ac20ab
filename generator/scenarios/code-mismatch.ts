import { DIAGNOSES, ITEM, diagnosisIndex } from '../catalog.ts';
import type { Rng } from '../random.ts';
import { institutionRingMembers, personMembers, reserveRingInstitution, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

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
