import { CATALOG, DIAGNOSES, GERIATRIC_DRUGS, ITEM, PAEDIATRIC_DRUGS, diagnosisIndex } from '../catalog.ts';
import type { ClaimDraft } from '../claims.ts';
import { ageOn } from '../population.ts';
import type { Rng } from '../random.ts';
import { personMembers, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/**
 * 出借、冒用医保卡: a few people use many lent cards at the same pharmacies and clinic. Rings collect the
 * cards of children and old people (rarely used, so nobody notices) and cards from other cities, whose
 * e-voucher QR codes travel by phone. What gives a lent card away:
 * - the recorded recipient (where a check is done) is the user, not the holder;
 * - items that contradict the holder: the user's own gender- or age-restricted medicine, a paediatric
 *   drug on an old person's card, a geriatric drug on a child's card;
 * - impossible travel: an out-of-town holder settles at home and, minutes later, their card settles at
 *   the ring's pharmacy in another city; an in-town holder's card is swiped across town minutes after
 *   their own visit;
 * - the holder lies in hospital while the card keeps buying.
 * Every ring has at least one contradicting item or impossible-travel pair.
 */
export function plantCardLending(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const regionCount = ctx.pop.regions.length;
  const region = rng.int(regionCount);
  const size = ringSize(rng, p);
  const users = ctx.takePersons(rng, Math.min(3, 1 + Math.floor(size / 8)), { region, minAge: 30, maxAge: 75 });
  const children = ctx.takePersons(rng, Math.round(size * 0.2), { region, maxAge: 13 });
  const elderly = ctx.takePersons(rng, Math.round(size * 0.3), { region, minAge: 65 });
  const outOfTown = regionCount > 1 ? ctx.takePersons(rng, Math.round(size * 0.2), { region: (region + 1 + rng.int(regionCount - 1)) % regionCount, minAge: 18 }) : [];
  const local = ctx.ringPersons(rng, Math.max(0, size - children.length - elderly.length - outOfTown.length), p.overlap, earlier, { region });
  const holders = [...children, ...elderly, ...outOfTown, ...local];
  const remote = new Set(outOfTown);
  // An out-of-town card travels as an e-voucher QR code where the holder has one.
  const lentCard = (holder: number) => (remote.has(holder) && ctx.pop.persons.hasEVoucher[holder] === 1 ? holder * 2 + 1 : holder * 2);
  const pharmacies = [ctx.institution(rng, region, 'pharmacy')];
  if (rng.chance(0.5)) pharmacies.push(ctx.institution(rng, region, 'pharmacy', (i) => i.index !== pharmacies[0]));
  const clinic = ctx.institution(rng, region, 'clinic');
  const { start, end } = ctx.window(rng, p.spreadDays);
  const claims: ClaimDraft[] = [];
  const perCard = Math.max(2, Math.round(3 + p.strength * 12));
  const contradictionChance = 0.15 + 0.35 * p.strength;
  let contradictions = 0;
  let travelPairs = 0;
  /** the first claim that could carry a contradicting item, in case chance gave the ring none */
  let fallback: { claim: ClaimDraft; item: number } | undefined;

  for (const holder of holders) {
    const card = lentCard(holder);
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
      c.diagnosis = chronic >= 0 ? chronic : HYPERTENSION;
      if (atClinic) {
        c.doctor = f.doctorFor(rng, clinic, c.diagnosis, user, day);
        c.department = ctx.pop.doctors[c.doctor]!.department;
        c.lines = [f.line(ITEM.registration, inst, 1)];
      }
      // The user's own medicine (what the user's age and gender allow), not the holder's.
      const drugs = f.drugChoices(c.diagnosis, user, day);
      for (const d of rng.sample(drugs, rng.range(1, drugs.length))) f.drugLines(c.lines, d, inst, rng.range(1, 3), !atClinic);
      const item = contradictingItem(ctx, rng, holder, user, day);
      if (item >= 0) {
        if (rng.chance(contradictionChance)) {
          f.drugLines(c.lines, item, inst, 1, !atClinic);
          contradictions++;
        } else fallback ??= { claim: c, item };
      }
      c.fundRatio = f.fundRatio(rng, holder, c.kind);
      claims.push(ctx.addClaim(c));
    }
    // Impossible travel: the holder settles at home in their own city, and their card settles at the
    // ring's pharmacy here minutes later — hundreds of kilometres apart.
    if (remote.has(holder) && (rng.chance(0.4 + 0.5 * p.strength) || (travelPairs === 0 && holder === outOfTown[outOfTown.length - 1]))) {
      const day = rng.range(start, end);
      const home = ctx.pop.persons.homeClinic[holder]!;
      const own = ownVisit(ctx, rng, holder, card, home, f.officeTime(rng, day));
      claims.push(lentSwipe(ctx, rng, holder, card, rng.pick(pharmacies), own.t + rng.range(600, 3000)));
      travelPairs++;
    }
    // In town: the holder's own visit at their clinic, and their card swiped at the ring's pharmacy minutes later.
    if (!remote.has(holder) && rng.chance(0.25 * p.strength)) {
      const day = rng.range(start, end);
      const own = ownVisit(ctx, rng, holder, card, ctx.pop.persons.homeClinic[holder]!, f.officeTime(rng, day));
      claims.push(lentSwipe(ctx, rng, holder, card, rng.pick(pharmacies), own.t + rng.range(120, 900)));
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
      inpatient.doctor = f.doctorFor(rng, hospitalIndex, dxIndex, holder, admit);
      inpatient.department = ctx.pop.doctors[inpatient.doctor]!.department;
      inpatient.diagnosis = dxIndex;
      inpatient.admitDay = admit;
      inpatient.dischargeDay = discharge;
      inpatient.lines = f.inpatientLines(rng, DIAGNOSES[dxIndex]!, hospital, holder, admit, discharge - admit);
      inpatient.fundRatio = f.fundRatio(rng, holder, 'inpatient');
      ctx.addClaim(inpatient);
      const during = Math.min(f.days * 86400 - 1, f.shopTime(rng, rng.range(admit + 1, Math.max(admit + 1, discharge - 1))));
      claims.push(lentSwipe(ctx, rng, holder, card, rng.pick(pharmacies), during));
    }
  }
  if (contradictions === 0 && travelPairs === 0 && fallback) {
    const inst = ctx.pop.institutions[fallback.claim.institution]!;
    f.drugLines(fallback.claim.lines, fallback.item, inst, 1, fallback.claim.kind === 'pharmacy');
  }
  const members: Member[] = [
    ...users.map((index, i): Member => ({ type: 'person', index, role: i === 0 ? 'organizer' : 'user' })),
    ...personMembers(holders, 'card-holder'),
    ...holders.map((h): Member => ({ type: 'card', index: lentCard(h), role: 'lent-card' })),
    ...pharmacies.map((index): Member => ({ type: 'institution', index, role: 'pharmacy' })),
    { type: 'institution', index: clinic, role: 'clinic' },
  ];
  earlier.push(...local);
  const from = outOfTown.length > 0 ? ` (${outOfTown.length} from another city)` : '';
  return { id, family: 'card-lending', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${users.length} users settle on ${holders.length} lent cards${from} at ${pharmacies.length} pharmacies and a clinic` };
}

const HYPERTENSION = diagnosisIndex('I10');

/**
 * An item the user would buy that the catalog forbids for the holder: the user's geriatric drug on a
 * young holder's card, a paediatric drug (for the user's child) on an old holder's card, the user's
 * gender-specific drug on a holder of the other gender. -1 when the pair allows none.
 */
function contradictingItem(ctx: PlantContext, rng: Rng, holder: number, user: number, day: number): number {
  const p = ctx.pop.persons;
  const today = ctx.factory.period.startDay + day;
  const holderAge = ageOn(p.birthDay[holder]!, today);
  const userAge = ageOn(p.birthDay[user]!, today);
  const holderGender = p.gender[holder] === 0 ? 'M' : 'F';
  const userGender = p.gender[user] === 0 ? 'M' : 'F';
  const allows = (item: number, age: number, gender: string) => {
    const c = CATALOG[item]!;
    return (c.gender === '' || c.gender === gender) && (c.minAge === null || age >= c.minAge) && (c.maxAge === null || age <= c.maxAge);
  };
  const candidates: number[] = [];
  if (userAge >= 50) for (const d of GERIATRIC_DRUGS) if (allows(d, userAge, userGender)) candidates.push(d);
  if (holderAge >= 60) candidates.push(...PAEDIATRIC_DRUGS);
  candidates.push(userGender === 'M' ? ITEM.tadalafil : ITEM.progesterone);
  const contradicting = candidates.filter((d) => !allows(d, holderAge, holderGender));
  return contradicting.length > 0 ? rng.pick(contradicting) : -1;
}

/** The holder's own (honest, unlisted) outpatient visit at an institution of their home city. */
function ownVisit(ctx: PlantContext, rng: Rng, holder: number, card: number, instIndex: number, t: number): ClaimDraft {
  const f = ctx.factory;
  const inst = ctx.pop.institutions[instIndex]!;
  const day = Math.floor(t / 86400);
  const own = f.base('outpatient', t, instIndex, holder, 'face');
  own.card = card;
  own.diagnosis = f.diagnosisFor(rng, holder, day, false);
  own.doctor = f.doctorFor(rng, instIndex, own.diagnosis, holder, day);
  own.department = ctx.pop.doctors[own.doctor]!.department;
  own.lines = f.outpatientLines(rng, DIAGNOSES[own.diagnosis]!, inst, holder, day);
  own.fundRatio = f.fundRatio(rng, holder, 'outpatient');
  return ctx.addClaim(own);
}

/** A quick unchecked purchase of hypertension drugs on the lent card at the ring's pharmacy. */
function lentSwipe(ctx: PlantContext, rng: Rng, holder: number, card: number, pharmacy: number, t: number): ClaimDraft {
  const f = ctx.factory;
  const c = f.base('pharmacy', Math.min(t, f.days * 86400 - 1), pharmacy, holder, 'none');
  c.card = card;
  c.diagnosis = HYPERTENSION;
  f.drugLines(c.lines, rng.pick(DIAGNOSES[HYPERTENSION]!.drugs), ctx.pop.institutions[pharmacy]!, 2, true);
  c.fundRatio = 0.95;
  return ctx.addClaim(c);
}
