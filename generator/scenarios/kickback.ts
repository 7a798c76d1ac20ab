import { DIAGNOSES, HIGH_MARGIN_DRUGS, ITEM, diagnosisIndex } from '../catalog.ts';
import type { Rng } from '../random.ts';
import { personMembers, ringDoctorCandidates, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/**
 * 医药勾结/回扣: one to three doctors (possibly at different hospitals) steer external prescriptions
 * for high-margin drugs to one pharmacy; about half the patients never saw the prescribing doctor.
 */
/** chronic conditions with expensive long-term prescriptions */
const KICKBACK_DIAGNOSES = ['I10', 'E11.9', 'I63.9', 'I25.1'].map(diagnosisIndex);

export function plantKickback(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const doctorCount = rng.range(1, 3);
  const doctors: number[] = [];
  for (let i = 0; i < doctorCount; i++) {
    const hospital = ctx.pop.institutions[ctx.institution(rng, region, 'hospital')]!;
    const d = rng.pick(ringDoctorCandidates(ctx, hospital.index, KICKBACK_DIAGNOSES));
    if (!doctors.includes(d)) doctors.push(d);
  }
  const pharmacy = ctx.institution(rng, region, 'pharmacy');
  ctx.reservedInstitutions.add(pharmacy);
  const pharmacyInst = ctx.pop.institutions[pharmacy]!;
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 18 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const fills = Math.max(1, Math.round(2 + p.strength * 8));
  const claims = [];
  for (const patient of patients) {
    const doctor = rng.pick(doctors);
    const doctorInst = ctx.pop.institutions[ctx.pop.doctors[doctor]!.institution]!;
    const saw = rng.chance(0.5);
    // Prescriptions name conditions the prescriber's department treats.
    const fitting = KICKBACK_DIAGNOSES.filter((d) => f.fittingDoctors(doctorInst.index, d, false).includes(doctor));
    const treatable = fitting.length > 0 ? fitting : KICKBACK_DIAGNOSES;
    for (let k = 0; k < fills; k++) {
      const day = rng.range(start, end);
      let t = f.shopTime(rng, day);
      const dxIndex = rng.pick(treatable);
      if (saw && k === 0) {
        // A real consultation with the doctor, so part of the ring looks like ordinary referral.
        const visit = f.base('outpatient', f.officeTime(rng, day), doctorInst.index, patient, f.identityCheck(rng, doctorInst));
        visit.card = f.cardFor(rng, patient);
        visit.doctor = doctor;
        visit.department = ctx.pop.doctors[doctor]!.department;
        visit.diagnosis = dxIndex;
        visit.lines = f.outpatientLines(rng, DIAGNOSES[dxIndex]!, doctorInst, patient, day);
        visit.fundRatio = f.fundRatio(rng, patient, 'outpatient');
        ctx.addClaim(visit);
        t = visit.t + rng.range(1800, 7200);
      }
      const c = f.base('pharmacy', Math.min(t, f.days * 86400 - 1), pharmacy, patient, f.identityCheck(rng, pharmacyInst));
      c.card = f.cardFor(rng, patient);
      c.diagnosis = dxIndex;
      c.rxDoctor = doctor;
      c.rxNumber = f.newPrescriptionNumber();
      const expensive = rng.sample(HIGH_MARGIN_DRUGS, rng.chance(p.strength) ? 2 : 1);
      for (const d of expensive) f.drugLines(c.lines, d, pharmacyInst, rng.range(1, 3), true);
      if (rng.chance(0.4)) f.drugLines(c.lines, rng.pick(DIAGNOSES[dxIndex]!.drugs.length ? DIAGNOSES[dxIndex]!.drugs : [ITEM.ginkgo]), pharmacyInst, 1, true);
      c.fundRatio = f.fundRatio(rng, patient, 'pharmacy');
      claims.push(ctx.addClaim(c));
    }
  }
  const members: Member[] = [
    ...doctors.map((index): Member => ({ type: 'doctor', index, role: 'prescriber' })),
    { type: 'institution', index: pharmacy, role: 'pharmacy' },
    ...personMembers(patients, 'patient'),
  ];
  earlier.push(...patients);
  return { id, family: 'kickback', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${doctors.length} doctors steer high-margin prescriptions of ${patients.length} patients to one pharmacy` };
}
