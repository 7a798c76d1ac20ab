import { CATALOG, DIAGNOSES, GERIATRIC_DRUGS, ITEM, PAEDIATRIC_DRUGS, diagnosisIndex } from '../catalog.ts';
import type { ClaimDraft } from '../claims.ts';
import { ageOn } from '../population.ts';
import type { Rng } from '../random.ts';
import type { IdentityCheck } from '../format.ts';
import { weekday } from '../time.ts';
import { between, personMembers, ringSize, type Member, type PersonFilter, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

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

interface LendingHolders {
  holders: number[];
  remote: Set<number>;
  outOfTown: number[];
  local: number[];
}

/** The card holders of a lending ring: children, old people, people of another city, locals (shares per ring). */
function lendingHolders(ctx: PlantContext, rng: Rng, p: ScenarioParams, earlier: number[], region: number, size: number, filter: PersonFilter = {}): LendingHolders {
  const regionCount = ctx.pop.regions.length;
  const children = ctx.takePersons(rng, Math.round(size * between(rng, 0.1, 0.3)), { ...filter, region, maxAge: 13 });
  const elderly = ctx.takePersons(rng, Math.round(size * between(rng, 0.2, 0.4)), { ...filter, region, minAge: 65 });
  const outOfTown = regionCount > 1 ? ctx.takePersons(rng, Math.round(size * between(rng, 0.1, 0.25)), { ...filter, region: (region + 1 + rng.int(regionCount - 1)) % regionCount, minAge: 18 }) : [];
  const local = ctx.ringPersons(rng, Math.max(0, size - children.length - elderly.length - outOfTown.length), p.overlap, earlier, { ...filter, region });
  return { holders: [...children, ...elderly, ...outOfTown, ...local], remote: new Set(outOfTown), outOfTown, local };
}

/** Counts the signals a lending ring carries, and remembers a claim that could take a contradicting item. */
interface LendingSignals {
  contradictions: number;
  travelPairs: number;
  fallback?: { claim: ClaimDraft; item: number };
}

/** One purchase on a lent card: the user's own medicine, and now and then an item that contradicts the holder. */
function lentClaim(ctx: PlantContext, rng: Rng, s: LendingSignals, contradictionChance: number, holder: number, card: number, user: number, instIndex: number, t: number, check: IdentityCheck): ClaimDraft {
  const f = ctx.factory;
  const inst = ctx.pop.institutions[instIndex]!;
  const atClinic = inst.kind !== 'pharmacy';
  const day = Math.floor(t / 86400);
  const c = f.base(atClinic ? 'outpatient' : 'pharmacy', t, instIndex, holder, check);
  c.card = card;
  c.served = check === 'none' ? -1 : user;
  const chronic = ctx.pop.persons.chronic[user]!;
  c.diagnosis = chronic >= 0 ? chronic : HYPERTENSION;
  if (atClinic) {
    c.doctor = f.doctorFor(rng, instIndex, c.diagnosis, user, day);
    c.department = ctx.pop.doctors[c.doctor]!.department;
    c.lines = [f.line(ITEM.registration, inst, 1)];
  }
  const drugs = f.drugChoices(c.diagnosis, user, day);
  for (const d of rng.sample(drugs, rng.range(1, Math.min(2, drugs.length)))) f.drugLines(c.lines, d, inst, rng.range(1, 3), !atClinic);
  const item = contradictingItem(ctx, rng, holder, user, day);
  if (item >= 0) {
    if (rng.chance(contradictionChance)) {
      f.drugLines(c.lines, item, inst, 1, !atClinic);
      s.contradictions++;
    } else s.fallback ??= { claim: c, item };
  }
  c.fundRatio = f.fundRatio(rng, holder, c.kind);
  return ctx.addClaim(c);
}

/** The holder's own (honest, unlisted) inpatient stay at their hospital; returns a time inside it. */
function holderStay(ctx: PlantContext, rng: Rng, holder: number, card: number, start: number, end: number): number {
  const f = ctx.factory;
  const hospitalIndex = ctx.pop.persons.prefHospital[holder]!;
  const hospital = ctx.pop.institutions[hospitalIndex]!;
  const stay = rng.range(5, 14);
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
  return Math.min(f.days * 86400 - 1, f.shopTime(rng, rng.range(admit + 1, Math.max(admit + 1, discharge - 1))));
}

/** Where chance gave a ring neither a contradicting item nor an impossible-travel pair, one claim gets the item. */
function ensureSignal(ctx: PlantContext, s: LendingSignals): void {
  if (s.contradictions > 0 || s.travelPairs > 0 || !s.fallback) return;
  const inst = ctx.pop.institutions[s.fallback.claim.institution]!;
  ctx.factory.drugLines(s.fallback.claim.lines, s.fallback.item, inst, 1, s.fallback.claim.kind === 'pharmacy');
}

/**
 * No-check lending (varied profile): the ring buys only at pharmacies that never record who is served
 * (identity_check none), so no recipient ever shows. Each user comes at their habitual times to their usual
 * counter and swipes two to four lent cards one after the other, often with their own card in the same
 * visit. Left to see: items contradicting the holders, purchases while a holder lies in hospital, impossible
 * travel, and the same counters and hours across the ring's cards.
 */
export function plantNoCheckLending(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const users = ctx.takePersons(rng, Math.min(3, 1 + Math.floor(size / 8)), { region, minAge: 30, maxAge: 75 });
  const { holders, remote, outOfTown, local } = lendingHolders(ctx, rng, p, earlier, region, size);
  const lentCard = (holder: number) => (remote.has(holder) && ctx.pop.persons.hasEVoucher[holder] === 1 ? holder * 2 + 1 : holder * 2);
  const pharmacies: number[] = [];
  for (let i = rng.range(1, 3); i > 0; i--) pharmacies.push(ctx.variantInstitution(rng, region, 'pharmacy', (x) => !pharmacies.includes(x.index)));
  const { start, end } = ctx.window(rng, p.spreadDays);
  // Each user's habits: their counter, one or two weekdays, an hour of the day.
  const habits = users.map((_, u) => ({ pharmacy: pharmacies[u % pharmacies.length]!, weekdays: rng.sample([0, 1, 2, 3, 4, 5, 6], rng.range(1, 2)), slot: rng.pick([8, 9, 10, 16, 17, 18, 19]) * 3600 + rng.int(3600) }));
  const perCard = Math.max(2, Math.round(2 + p.strength * rng.range(6, 12)));
  const ownShare = between(rng, 0.3, 0.6);
  const signals: LendingSignals = { contradictions: 0, travelPairs: 0 };
  const contradictionChance = between(rng, 0.15, 0.2 + 0.3 * p.strength);
  const claims: ClaimDraft[] = [];
  // Every card is swiped perCard times, in visits of two to four cards.
  const queue = rng.sample(holders.flatMap((h) => Array.from({ length: perCard }, () => h)), holders.length * perCard);
  while (queue.length > 0) {
    const u = rng.int(users.length);
    const user = users[u]!;
    const habit = habits[u]!;
    let day = rng.range(start, end);
    for (let k = 0; k < 7 && !habit.weekdays.includes(weekday(f.period.startDay + day)); k++) day++;
    day = Math.min(day, f.days - 1);
    const pharmacy = rng.chance(0.8) ? habit.pharmacy : rng.pick(pharmacies);
    let t = Math.min(f.days * 86400 - 3600, day * 86400 + habit.slot + rng.range(-900, 900));
    if (rng.chance(ownShare)) {
      // The user's own purchase in the same visit, on their own card: honest on its face.
      const own = f.base('pharmacy', t, pharmacy, user, 'none');
      own.card = f.cardFor(rng, user);
      own.diagnosis = ctx.pop.persons.chronic[user]! >= 0 ? ctx.pop.persons.chronic[user]! : HYPERTENSION;
      f.drugLines(own.lines, rng.pick(f.drugChoices(own.diagnosis, user, day)), ctx.pop.institutions[pharmacy]!, rng.range(1, 2), true);
      own.fundRatio = f.fundRatio(rng, user, 'pharmacy');
      ctx.addClaim(own);
    }
    const visit = new Set<number>();
    for (let want = rng.range(2, 4); visit.size < want && queue.length > 0; ) {
      const i = queue.findIndex((h) => !visit.has(h));
      if (i < 0) break;
      visit.add(queue.splice(i, 1)[0]!);
    }
    for (const holder of visit) {
      t += rng.range(40, 240);
      claims.push(lentClaim(ctx, rng, signals, contradictionChance, holder, lentCard(holder), user, pharmacy, t, 'none'));
    }
  }
  for (const holder of holders) {
    const card = lentCard(holder);
    if (remote.has(holder) && (rng.chance(0.3 + 0.5 * p.strength) || (signals.travelPairs === 0 && holder === outOfTown[outOfTown.length - 1]))) {
      const own = ownVisit(ctx, rng, holder, card, ctx.pop.persons.homeClinic[holder]!, f.officeTime(rng, rng.range(start, end)));
      claims.push(lentSwipe(ctx, rng, holder, card, rng.pick(pharmacies), own.t + rng.range(600, 3000)));
      signals.travelPairs++;
    } else if (!remote.has(holder) && rng.chance(0.2 * p.strength)) {
      const own = ownVisit(ctx, rng, holder, card, ctx.pop.persons.homeClinic[holder]!, f.officeTime(rng, rng.range(start, end)));
      claims.push(lentSwipe(ctx, rng, holder, card, rng.pick(pharmacies), own.t + rng.range(120, 900)));
    }
    if (rng.chance(between(rng, 0.15, 0.4) * p.strength)) claims.push(lentSwipe(ctx, rng, holder, card, rng.pick(pharmacies), holderStay(ctx, rng, holder, card, start, end)));
  }
  ensureSignal(ctx, signals);
  const members: Member[] = [
    ...users.map((index, i): Member => ({ type: 'person', index, role: i === 0 ? 'organizer' : 'user' })),
    ...personMembers(holders, 'card-holder'),
    ...holders.map((h): Member => ({ type: 'card', index: lentCard(h), role: 'lent-card' })),
    ...pharmacies.map((index): Member => ({ type: 'institution', index, role: 'pharmacy' })),
  ];
  earlier.push(...local);
  const from = outOfTown.length > 0 ? ` (${outOfTown.length} from another city)` : '';
  return { id, family: 'card-lending', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${users.length} users swipe ${holders.length} lent cards${from}, 2–4 per visit at their usual hours, at ${pharmacies.length} pharmacies that never check identity` };
}

/**
 * Both cards lent (varied profile): the holder hands over the physical card and shares the e-voucher QR
 * code too, so two users settle on one person's two cards — sometimes within minutes of each other at two
 * places. Recipients are recorded where the institution checks; items contradict the holder as usual.
 */
export function plantBothCardsLending(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const users = ctx.takePersons(rng, Math.min(3, 2 + Math.floor(size / 12)), { region, minAge: 25, maxAge: 70 });
  // Holders with both a card and an e-voucher; out-of-town ones excluded: their physical card stays at home.
  const children = ctx.takePersons(rng, Math.round(size * between(rng, 0.1, 0.3)), { region, maxAge: 13, eVoucher: true });
  const elderly = ctx.takePersons(rng, Math.round(size * between(rng, 0.2, 0.4)), { region, minAge: 65, eVoucher: true });
  const local = ctx.ringPersons(rng, Math.max(0, size - children.length - elderly.length), p.overlap, earlier, { region, eVoucher: true });
  const holders = [...children, ...elderly, ...local];
  const bothShare = between(rng, 0.6, 1);
  const both = new Set(holders.filter((h) => ctx.pop.persons.hasEVoucher[h] === 1 && rng.chance(bothShare)));
  if (both.size === 0 && holders.length > 0 && ctx.pop.persons.hasEVoucher[holders[0]!] === 1) both.add(holders[0]!);
  const pharmacies = [ctx.variantInstitution(rng, region, 'pharmacy')];
  if (rng.chance(0.6)) pharmacies.push(ctx.variantInstitution(rng, region, 'pharmacy', (i) => i.index !== pharmacies[0]));
  const clinic = ctx.variantInstitution(rng, region, 'clinic');
  const places = [...pharmacies, clinic];
  const { start, end } = ctx.window(rng, p.spreadDays);
  const perCard = Math.max(2, Math.round(2 + p.strength * rng.range(5, 10)));
  const signals: LendingSignals = { contradictions: 0, travelPairs: 0 };
  const contradictionChance = between(rng, 0.15, 0.2 + 0.3 * p.strength);
  const checkShare = between(rng, 0.25, 0.45);
  const check = (): IdentityCheck => (rng.chance(checkShare) ? (rng.chance(0.5) ? 'real_name' : 'face') : 'none');
  const claims: ClaimDraft[] = [];
  const cards: number[] = [];
  const pairShare = between(rng, 0.3, 0.6);
  const lastBoth = holders.filter((h) => both.has(h)).pop();
  let pairs = 0;
  for (const holder of holders) {
    const physicalUser = rng.pick(users);
    const voucherUser = users.length > 1 ? rng.pick(users.filter((u) => u !== physicalUser)) : physicalUser;
    const held = both.has(holder) ? [holder * 2, holder * 2 + 1] : [holder * 2];
    cards.push(...held);
    for (const card of held) {
      const user = card & 1 ? voucherUser : physicalUser;
      for (let k = 0; k < perCard; k++) {
        const day = rng.range(start, end);
        const place = rng.chance(0.2) ? clinic : rng.pick(pharmacies);
        const t = ctx.pop.institutions[place]!.kind === 'pharmacy' ? f.shopTime(rng, day) : f.officeTime(rng, day);
        claims.push(lentClaim(ctx, rng, signals, contradictionChance, holder, card, user, place, t, check()));
      }
    }
    // The two cards of one person settled at two places within minutes (at least once per ring).
    if (held.length === 2 && (rng.chance(pairShare) || (pairs === 0 && holder === lastBoth))) {
      pairs++;
      const [a, b] = rng.sample(places, 2) as [number, number];
      const t = f.officeTime(rng, rng.range(start, end));
      claims.push(lentClaim(ctx, rng, signals, contradictionChance, holder, held[0]!, physicalUser, a, t, check()));
      claims.push(lentClaim(ctx, rng, signals, contradictionChance, holder, held[1]!, voucherUser, b, t + rng.range(120, 1200), check()));
    }
    if (rng.chance(0.2 * p.strength)) claims.push(lentSwipe(ctx, rng, holder, rng.pick(held), rng.pick(pharmacies), holderStay(ctx, rng, holder, held[0]!, start, end)));
  }
  ensureSignal(ctx, signals);
  const members: Member[] = [
    ...users.map((index, i): Member => ({ type: 'person', index, role: i === 0 ? 'organizer' : 'user' })),
    ...personMembers(holders, 'card-holder'),
    ...cards.map((index): Member => ({ type: 'card', index, role: 'lent-card' })),
    ...pharmacies.map((index): Member => ({ type: 'institution', index, role: 'pharmacy' })),
    { type: 'institution', index: clinic, role: 'clinic' },
  ];
  earlier.push(...local);
  return { id, family: 'card-lending', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${users.length} users settle on ${holders.length} holders' cards, both the card and the e-voucher of ${both.size} of them, at ${pharmacies.length} pharmacies and a clinic` };
}
