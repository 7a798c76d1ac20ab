import { DIAGNOSES, ITEM } from '../catalog.ts';
import type { Rng } from '../random.ts';
import { personMembers, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/**
 * 出借、冒用医保卡: a few people use many lent cards at the same pharmacies and clinic. The recorded
 * recipient (where a check is done) is the user, not the holder; items sometimes contradict the holder's
 * gender; some lent cards are swiped minutes after the holder's own visit across town, or while the
 * holder lies in hospital.
 */
export function plantCardLending(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const users = ctx.takePersons(rng, Math.min(3, 1 + Math.floor(size / 8)), { region, minAge: 30, maxAge: 75 });
  const holders = ctx.ringPersons(rng, size, p.overlap, earlier, { region });
  const pharmacies = [ctx.institution(rng, region, 'pharmacy')];
  if (rng.chance(0.5)) pharmacies.push(ctx.institution(rng, region, 'pharmacy', (i) => i.index !== pharmacies[0]));
  const clinic = ctx.institution(rng, region, 'clinic');
  const { start, end } = ctx.window(rng, p.spreadDays);
  const claims = [];
  const perCard = Math.max(2, Math.round(3 + p.strength * 12));
  for (const holder of holders) {
    const card = holder * 2;
    for (let k = 0; k < perCard; k++) {
      const user = rng.pick(users);
      const day = rng.range(start, end);
      const atClinic = rng.chance(0.2);
      const instIndex = atClinic ? clinic : rng.pick(pharmacies);
      const inst = ctx.pop.institutions[instIndex]!;
      const check = rng.chance(0.35) ? (rng.chance(0.5) ? 'real_name' : 'face') : 'none';
      const c = f.base(atClinic ? 'outpatient' : 'pharmacy', atClinic ? f.officeTime(rng, day) : f.shopTime(rng, day), instIndex, holder, check);
      c.card = card;
      c.served = check === 'none' ? -1 : user;
      const chronic = ctx.pop.persons.chronic[user]!;
      c.diagnosis = chronic >= 0 ? chronic : 1;
      const dx = DIAGNOSES[c.diagnosis]!;
      if (atClinic) {
        c.doctor = rng.pick(inst.doctors);
        c.department = ctx.pop.doctors[c.doctor]!.department;
        c.lines = [f.line(ITEM.registration, inst, 1)];
      }
      for (const d of rng.sample(dx.drugs, rng.range(1, dx.drugs.length))) f.drugLines(c.lines, d, inst, rng.range(1, 3), !atClinic);
      // The user's own needs show through: gender-restricted items billed to a holder of the other gender.
      const userFemale = ctx.pop.persons.gender[user] === 1;
      if (ctx.pop.persons.gender[holder] !== ctx.pop.persons.gender[user] && rng.chance(0.3 * p.strength)) {
        f.drugLines(c.lines, userFemale ? ITEM.progesterone : ITEM.tadalafil, inst, 1, !atClinic);
      }
      c.fundRatio = f.fundRatio(rng, holder, c.kind);
      claims.push(ctx.addClaim(c));
    }
    // The holder's own visit at home, and their card swiped at the ring's pharmacy minutes later.
    if (rng.chance(0.25 * p.strength)) {
      const day = rng.range(start, end);
      const home = ctx.pop.persons.homeClinic[holder]!;
      const homeInst = ctx.pop.institutions[home]!;
      const own = f.base('outpatient', f.officeTime(rng, day), home, holder, 'face');
      own.card = card;
      own.doctor = rng.pick(homeInst.doctors);
      own.department = ctx.pop.doctors[own.doctor]!.department;
      own.diagnosis = f.diagnosisFor(rng, holder, day, false);
      own.lines = f.outpatientLines(rng, DIAGNOSES[own.diagnosis]!, homeInst, holder, day);
      own.fundRatio = f.fundRatio(rng, holder, 'outpatient');
      ctx.addClaim(own);
      const pharmacy = rng.pick(pharmacies);
      const lent = f.base('pharmacy', own.t + rng.range(120, 900), pharmacy, holder, 'none');
      lent.card = card;
      lent.diagnosis = own.diagnosis;
      f.drugLines(lent.lines, rng.pick(DIAGNOSES[1]!.drugs), ctx.pop.institutions[pharmacy]!, 2, true);
      lent.fundRatio = 0.95;
      claims.push(ctx.addClaim(lent));
    }
    // The holder is in hospital while their card keeps buying at the ring's pharmacy.
    if (rng.chance(0.2 * p.strength)) {
      const hospitalIndex = ctx.pop.persons.prefHospital[holder]!;
      const hospital = ctx.pop.institutions[hospitalIndex]!;
      const stay = rng.range(5, 12);
      const admit = rng.range(start, Math.max(start, end - stay));
      const discharge = Math.min(f.days - 1, admit + stay);
      const dxIndex = f.diagnosisFor(rng, holder, admit, true);
      const inpatient = f.base('inpatient', f.officeTime(rng, discharge), hospitalIndex, holder, 'face');
      inpatient.card = card;
      inpatient.doctor = rng.pick(hospital.doctors);
      inpatient.department = ctx.pop.doctors[inpatient.doctor]!.department;
      inpatient.diagnosis = dxIndex;
      inpatient.admitDay = admit;
      inpatient.dischargeDay = discharge;
      inpatient.lines = f.inpatientLines(rng, DIAGNOSES[dxIndex]!, hospital, holder, admit, discharge - admit);
      inpatient.fundRatio = f.fundRatio(rng, holder, 'inpatient');
      ctx.addClaim(inpatient);
      const pharmacy = rng.pick(pharmacies);
      const during = f.base('pharmacy', f.shopTime(rng, rng.range(admit + 1, Math.max(admit + 1, discharge - 1))), pharmacy, holder, 'none');
      during.card = card;
      during.diagnosis = 1;
      f.drugLines(during.lines, rng.pick(DIAGNOSES[1]!.drugs), ctx.pop.institutions[pharmacy]!, 2, true);
      during.fundRatio = 0.95;
      claims.push(ctx.addClaim(during));
    }
  }
  const members: Member[] = [
    ...users.map((index, i): Member => ({ type: 'person', index, role: i === 0 ? 'organizer' : 'user' })),
    ...personMembers(holders, 'card-holder'),
    ...holders.map((h): Member => ({ type: 'card', index: h * 2, role: 'lent-card' })),
    ...pharmacies.map((index): Member => ({ type: 'institution', index, role: 'pharmacy' })),
    { type: 'institution', index: clinic, role: 'clinic' },
  ];
  earlier.push(...holders);
  return { id, family: 'card-lending', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${users.length} users settle on ${holders.length} lent cards at ${pharmacies.length} pharmacies and a clinic` };
}
