import { DIAGNOSES } from '../catalog.ts';
import type { Rng } from '../random.ts';
import { personMembers, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

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
