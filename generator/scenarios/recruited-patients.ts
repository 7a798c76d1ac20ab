import { ITEM, diagnosisIndex } from '../catalog.ts';
import type { ClaimLine } from '../claims.ts';
import type { Rng } from '../random.ts';
import { institutionRingMembers, personMembers, reserveRingInstitution, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/**
 * 虚假就医、组团就医、挂床住院: a recruiter brings a group of elderly people to one institution on the
 * same days; everyone gets the same item combination and nearly the same amount, often as a short
 * bed-hanging inpatient stay.
 */
export function plantRecruitedPatients(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const instIndex = rng.chance(0.5) ? ctx.institution(rng, region, 'clinic') : ctx.institution(rng, region, 'hospital', (i) => i.level === 'secondary');
  const dxIndex = diagnosisIndex('I63.9');
  const { inst, doctors } = reserveRingInstitution(ctx, rng, instIndex, [dxIndex]);
  const organizer = ctx.takePersons(rng, 1, { region, minAge: 35, maxAge: 60 });
  const patients = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 60 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const events = Math.max(2, Math.round(3 + p.strength * 7));
  const inpatient = rng.chance(0.5);
  const template = [ITEM.ultrasound, ITEM.salvianolate, ITEM.ginkgo, ITEM.infusion, ITEM.infusionSet];
  const claims = [];
  for (let e = 0; e < events; e++) {
    const day = rng.range(start, Math.max(start, end - 7));
    const stay = rng.range(3, 6);
    let t = f.seconds(day, rng.range(8, 9), rng.int(60));
    const group = [...organizer, ...patients.filter(() => rng.chance(0.7 + 0.3 * p.strength))];
    for (const person of group) {
      t += rng.range(30, 600);
      const doctor = rng.pick(doctors);
      const check = rng.chance(0.5) ? 'real_name' : 'face';
      const c = f.base(inpatient ? 'inpatient' : 'outpatient', inpatient ? f.seconds(Math.min(f.days - 1, day + stay), 10, rng.int(60), rng.int(60)) : t, instIndex, person, check);
      c.card = f.cardFor(rng, person);
      c.doctor = doctor;
      c.department = ctx.pop.doctors[doctor]!.department;
      c.diagnosis = dxIndex;
      // Identical combination; quantities identical, prices identical, so amounts cluster tightly.
      const lines: ClaimLine[] = inpatient ? [f.line(ITEM.wardBed, inst, stay), f.line(ITEM.nursing, inst, stay)] : [f.line(ITEM.registration, inst, 1)];
      for (const item of template) lines.push(f.line(item, inst, inpatient ? stay : 1));
      c.lines = lines;
      if (inpatient) {
        c.admitDay = day;
        c.dischargeDay = Math.min(f.days - 1, day + stay);
        c.admitDay = c.dischargeDay - stay;
      }
      c.fundRatio = 0.85 + rng.float() * 0.02;
      claims.push(ctx.addClaim(c));
    }
  }
  const members: Member[] = [
    ...institutionRingMembers(instIndex, doctors),
    ...personMembers(organizer, 'organizer'),
    ...personMembers(patients, 'recruited-patient'),
  ];
  earlier.push(...patients);
  return { id, family: 'recruited-patients', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${patients.length} recruited patients visit ${inst.name} together ${events} times${inpatient ? ' as short inpatient stays' : ''}` };
}
