import { DIAGNOSES, ITEM, diagnosisIndex } from '../catalog.ts';
import { levelRank } from '../claims.ts';
import type { Rng } from '../random.ts';
import { institutionRingMembers, personMembers, reserveRingInstitution, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

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
