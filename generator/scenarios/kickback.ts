import { DIAGNOSES, HIGH_MARGIN_DRUGS, ITEM, diagnosisIndex } from '../catalog.ts';
import type { Rng } from '../random.ts';
import { between, distanceKm, personMembers, ringDoctorCandidates, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

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

/**
 * Seen-first kickback (varied profile): the doctor sees every patient before steering them — a real visit
 * precedes the first fill, and often the later ones — so no fill lacks a consultation. Each patient fills
 * only two to four prescriptions, a month or so apart; one to three doctors, possibly at different
 * hospitals; the ring's high-margin products; and the pharmacy is not the natural one: not the one beside
 * the hospital, nor the one nearest to it.
 */
export function plantSeenFirstKickback(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const doctors: number[] = [];
  for (let i = rng.range(1, 3); i > 0; i--) {
    const hospital = ctx.variantInstitution(rng, region, 'hospital');
    const d = rng.pick(ringDoctorCandidates(ctx, hospital, KICKBACK_DIAGNOSES));
    if (!doctors.includes(d)) doctors.push(d);
  }
  const hospitals = [...new Set(doctors.map((d) => ctx.pop.doctors[d]!.institution))].map((i) => ctx.pop.institutions[i]!);
  // Not the natural one: neither beside a prescriber's hospital nor the pharmacy nearest to it.
  const near = new Set<number>();
  for (const h of hospitals) {
    if (h.besidePharmacy >= 0) near.add(h.besidePharmacy);
    const byDistance = ctx.pop.byRegion[region]!.pharmacies.slice().sort((a, b) => distanceKm(h, ctx.pop.institutions[a]!) - distanceKm(h, ctx.pop.institutions[b]!));
    near.add(byDistance[0]!);
  }
  const pharmacy = ctx.variantInstitution(rng, region, 'pharmacy', (i) => !near.has(i.index));
  ctx.reservedInstitutions.add(pharmacy);
  const pharmacyInst = ctx.pop.institutions[pharmacy]!;
  const pushed = rng.sample(HIGH_MARGIN_DRUGS, rng.range(1, 2));
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 35 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const revisit = between(rng, 0.4, 1);
  const claims = [];
  let fillsTotal = 0;
  for (const patient of patients) {
    const doctor = rng.pick(doctors);
    const doctorInst = ctx.pop.institutions[ctx.pop.doctors[doctor]!.institution]!;
    const fitting = KICKBACK_DIAGNOSES.filter((d) => f.fittingDoctors(doctorInst.index, d, false).includes(doctor));
    const dxIndex = rng.pick(fitting.length > 0 ? fitting : KICKBACK_DIAGNOSES);
    const fills = rng.range(2, 4);
    let day = rng.range(start, Math.max(start, end - fills * 30));
    for (let k = 0; k < fills && day < f.days; k++) {
      let t = f.shopTime(rng, day);
      if (k === 0 || rng.chance(revisit)) {
        // The consultation (honest on its face, not listed): the prescription is written there.
        const visit = f.base('outpatient', f.officeTime(rng, day), doctorInst.index, patient, f.identityCheck(rng, doctorInst));
        visit.card = f.cardFor(rng, patient);
        visit.doctor = doctor;
        visit.department = ctx.pop.doctors[doctor]!.department;
        visit.diagnosis = dxIndex;
        visit.lines = f.outpatientLines(rng, DIAGNOSES[dxIndex]!, doctorInst, patient, day);
        visit.fundRatio = f.fundRatio(rng, patient, 'outpatient');
        ctx.addClaim(visit);
        t = visit.t + (rng.chance(0.85) ? rng.range(1800, 4 * 3600) : 86400 + rng.range(0, 3600));
      }
      const c = f.base('pharmacy', Math.min(t, f.days * 86400 - 1), pharmacy, patient, f.identityCheck(rng, pharmacyInst));
      c.card = f.cardFor(rng, patient);
      c.diagnosis = dxIndex;
      c.rxDoctor = doctor;
      c.rxNumber = f.newPrescriptionNumber();
      for (const d of rng.sample(pushed, rng.range(1, pushed.length))) f.drugLines(c.lines, d, pharmacyInst, rng.range(1, 3), true);
      if (rng.chance(0.3)) f.drugLines(c.lines, rng.pick(f.drugChoices(dxIndex, patient, day)), pharmacyInst, 1, true);
      c.fundRatio = f.fundRatio(rng, patient, 'pharmacy');
      claims.push(ctx.addClaim(c));
      fillsTotal++;
      day += rng.range(14, 35);
    }
  }
  const members: Member[] = [
    ...doctors.map((index): Member => ({ type: 'doctor', index, role: 'prescriber' })),
    { type: 'institution', index: pharmacy, role: 'pharmacy' },
    ...personMembers(patients, 'patient'),
  ];
  earlier.push(...patients);
  const km = Math.min(...hospitals.map((h) => distanceKm(h, pharmacyInst)));
  return { id, family: 'kickback', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${doctors.length} doctors see each of ${patients.length} patients, then steer ${fillsTotal} fills of high-margin drugs to a pharmacy ${km.toFixed(1)} km from their hospital` };
}
