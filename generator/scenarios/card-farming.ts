import { DIAGNOSES, ITEM, diagnosisIndex } from '../catalog.ts';
import type { ClaimDraft } from '../claims.ts';
import type { Rng } from '../random.ts';
import { weekday } from '../time.ts';
import { between, personMembers, ringSize, variantSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/**
 * 集中刷卡/套刷: a pharmacy (sometimes a clinic) holds many cards and swipes them in bursts, mostly off
 * hours, seconds apart, with near-identical baskets; the same cards recur session after session.
 */
export function plantCardFarming(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const atClinic = rng.chance(0.25);
  const instIndex = ctx.institution(rng, region, atClinic ? 'clinic' : 'pharmacy');
  const inst = ctx.pop.institutions[instIndex]!;
  const holders = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 40 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const sessions = Math.max(2, Math.round(4 + p.strength * 16));
  const claims = [];
  for (let s = 0; s < sessions; s++) {
    const day = rng.range(start, end);
    const offHours = rng.chance(0.5 + 0.4 * p.strength);
    let t = offHours ? f.seconds(day, rng.chance(0.7) ? rng.range(21, 22) : 6, rng.int(60)) : f.shopTime(rng, day);
    const dx = DIAGNOSES[rng.pick([1, 2, 7, 14])]!;
    const basket = rng.sample(dx.drugs, Math.min(2, dx.drugs.length));
    const packages = rng.range(2, 3);
    const share = 0.5 + 0.5 * p.strength;
    for (const holder of holders) {
      if (!rng.chance(share)) continue;
      t += rng.range(15, 90);
      const c = f.base(atClinic ? 'outpatient' : 'pharmacy', t, instIndex, holder, rng.chance(0.05) ? 'real_name' : 'none');
      c.card = holder * 2;
      c.diagnosis = DIAGNOSES.indexOf(dx);
      if (atClinic) {
        c.doctor = inst.doctors[0]!;
        c.department = ctx.pop.doctors[c.doctor]!.department;
      }
      for (const d of basket) f.drugLines(c.lines, d, inst, packages, !atClinic && rng.chance(0.5));
      c.fundRatio = 0.9 + rng.float() * 0.1;
      claims.push(ctx.addClaim(c));
    }
  }
  const members: Member[] = [
    { type: 'institution', index: instIndex, role: 'farming-institution' },
    ...holders.map((h): Member => ({ type: 'card', index: h * 2, role: 'farmed-card' })),
    ...personMembers(holders, 'card-holder'),
  ];
  earlier.push(...holders);
  return { id, family: 'card-farming', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${inst.kind} swipes ${holders.length} cards in ${sessions} bursts` };
}

/** Chronic conditions whose long-term medicine a farm bills: unremarkable, refilled monthly by millions. */
const FARM_DIAGNOSES = ['I10', 'E11.9', 'E78.5', 'I25.1'].map(diagnosisIndex);

/**
 * Slow farm (varied profile): the farm learned that bursts get caught. During business hours it swipes one
 * card every 3–10 minutes, like a steady trickle of customers, through the same 15–40 cards on its weekly
 * day(s) or on irregular days, with the same basket each time, at a pharmacy or a clinic.
 */
export function plantSlowFarm(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = variantSize(ctx, rng, p, 15, 40);
  const atClinic = rng.chance(0.5);
  const instIndex = ctx.variantInstitution(rng, region, atClinic ? 'clinic' : 'pharmacy');
  const inst = ctx.pop.institutions[instIndex]!;
  const holders = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 30 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  // Per ring: the gap between two swipes stays inside 3–10 minutes.
  const gapLo = rng.range(180, 330);
  const gapHi = rng.range(gapLo + 60, 600);
  const dxIndex = rng.pick(FARM_DIAGNOSES);
  const dx = DIAGNOSES[dxIndex]!;
  const basket = rng.sample(dx.drugs, rng.range(1, Math.min(2, dx.drugs.length)));
  const packages = rng.range(1, 3);
  const share = between(rng, 0.6, 0.7 + 0.25 * p.strength);
  const doctor = atClinic ? rng.pick(f.fittingDoctors(instIndex, dxIndex, false)) : -1;
  const weekly = rng.chance(0.5);
  const days: number[] = [];
  if (weekly) {
    const weekdays = rng.sample([0, 1, 2, 3, 4, 5], rng.range(1, 2));
    const keep = between(rng, 0.7, 0.95);
    for (let d = start; d <= end; d++) if (weekdays.includes(weekday(f.period.startDay + d)) && rng.chance(keep)) days.push(d);
  } else {
    const wanted = rng.range(8, 20);
    const workdays: number[] = [];
    for (let d = start; d <= end; d++) if (weekday(f.period.startDay + d) < 6) workdays.push(d);
    days.push(...rng.sample(workdays, wanted).sort((a, b) => a - b));
  }
  while (days.length < 2) days.push(rng.range(start, end));
  const claims: ClaimDraft[] = [];
  for (const day of days) {
    let t = f.seconds(day, 8, 30) + rng.int(5400);
    for (const holder of rng.sample(holders, holders.length)) {
      if (!rng.chance(share)) continue;
      t += rng.range(gapLo, gapHi);
      // The counter closes for lunch and at the end of the afternoon.
      if (t >= f.seconds(day, 11, 45) && t < f.seconds(day, 13, 30)) t = f.seconds(day, 13, 30) + rng.int(600);
      if (t > f.seconds(day, 17, 45)) break;
      const check = rng.chance(atClinic ? 0.2 : 0.05) ? 'real_name' : 'none';
      const c = f.base(atClinic ? 'outpatient' : 'pharmacy', t, instIndex, holder, check);
      c.card = holder * 2;
      c.diagnosis = dxIndex;
      if (atClinic) {
        c.doctor = doctor;
        c.department = ctx.pop.doctors[doctor]!.department;
        c.lines.push(f.line(ITEM.registration, inst, 1));
      }
      for (const d of basket) f.drugLines(c.lines, d, inst, Math.max(1, packages + (rng.chance(0.1) ? rng.pick([-1, 1]) : 0)), !atClinic || rng.chance(0.35));
      c.fundRatio = f.fundRatio(rng, holder, c.kind);
      claims.push(ctx.addClaim(c));
    }
  }
  const members: Member[] = [
    { type: 'institution', index: instIndex, role: 'farming-institution' },
    ...holders.map((h): Member => ({ type: 'card', index: h * 2, role: 'farmed-card' })),
    ...personMembers(holders, 'card-holder'),
  ];
  earlier.push(...holders);
  const schedule = weekly ? 'on weekly days' : 'on irregular days';
  return { id, family: 'card-farming', size: holders.length, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${inst.kind} swipes ${holders.length} cards one every ${gapLo}–${gapHi} s in ${days.length} business-hours sessions ${schedule}` };
}
