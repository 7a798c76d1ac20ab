import { DIAGNOSES, HIGH_MARGIN_DRUGS } from '../catalog.ts';
import type { Rng } from '../random.ts';
import { between, longWindow, personMembers, ringSize, type Member, type PlantContext, type PlantedGroup, type ScenarioParams } from './context.ts';

/**
 * 药品追溯码重复结算 / 回流药: packages bought on insurance are bought back and resold through a chain
 * of pharmacies, so the same traceability code is settled again and again.
 */
export function plantTraceCodeReuse(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const pharmacies: number[] = [];
  const chainLength = rng.range(2, 4);
  for (let i = 0; i < chainLength; i++) {
    const ph = ctx.institution(rng, region, 'pharmacy', (x) => !pharmacies.includes(x.index));
    ctx.reservedInstitutions.add(ph);
    pharmacies.push(ph);
  }
  const buyers = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 30 });
  const { start, end } = ctx.window(rng, p.spreadDays);
  const packages = Math.max(2, Math.round(buyers.length * (0.6 + p.strength * 1.4)));
  const claims = [];
  const drugChoices = [...HIGH_MARGIN_DRUGS, ...DIAGNOSES[2]!.drugs];
  for (let k = 0; k < packages; k++) {
    const item = rng.pick(drugChoices);
    const code = f.newTraceCode(item);
    const settlements = 2 + Math.round(p.strength * rng.range(0, 2));
    let day = rng.range(start, Math.max(start, end - 30));
    for (let s = 0; s < settlements && day < f.days; s++) {
      const buyer = rng.pick(buyers);
      const pharmacy = pharmacies[(k + s) % pharmacies.length]!;
      const inst = ctx.pop.institutions[pharmacy]!;
      const c = f.base('pharmacy', f.shopTime(rng, day), pharmacy, buyer, f.identityCheck(rng, inst));
      c.card = f.cardFor(rng, buyer);
      c.diagnosis = 2;
      c.lines.push(f.line(item, inst, 1, code));
      if (rng.chance(0.5)) f.drugLines(c.lines, rng.pick(DIAGNOSES[2]!.drugs), inst, 1, true);
      c.fundRatio = f.fundRatio(rng, buyer, 'pharmacy');
      claims.push(ctx.addClaim(c));
      day += rng.range(3, 25);
    }
  }
  const members: Member[] = [...pharmacies.map((index): Member => ({ type: 'institution', index, role: 'pharmacy' })), ...personMembers(buyers, 'buyer')];
  earlier.push(...buyers);
  return { id, family: 'trace-code-reuse', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${packages} drug packages resettled through ${pharmacies.length} pharmacies` };
}

/**
 * Long chain (varied profile): a package travels through three or four pharmacies in turn, bought back and
 * resold weeks apart (two to six weeks between settlements), so a short look-back window misses the reuse.
 */
export function plantLongChain(ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlier: number[]): PlantedGroup {
  const f = ctx.factory;
  const region = rng.int(ctx.pop.regions.length);
  const size = ringSize(rng, p);
  const pharmacies: number[] = [];
  const chainLength = rng.range(3, 4);
  const regions = ctx.pop.regions.length;
  for (let i = 0; i < chainLength; i++) {
    // Resold drugs travel: where the region has no further pharmacy to spare, the chain goes on in the next city.
    let ph = -1;
    for (let k = 0; k < regions && (ph < 0 || pharmacies.includes(ph)); k++) ph = ctx.variantInstitution(rng, (region + k) % regions, 'pharmacy', (x) => !pharmacies.includes(x.index));
    if (pharmacies.includes(ph)) break;
    ctx.reservedInstitutions.add(ph);
    pharmacies.push(ph);
  }
  const buyers = ctx.ringPersons(rng, size, p.overlap, earlier, { region, minAge: 30 });
  const { start, end } = longWindow(ctx, rng, p, chainLength * 45 + 30);
  const packages = Math.max(3, Math.round(buyers.length * between(rng, 0.5, 0.5 + p.strength)));
  const gapLo = rng.range(14, 21);
  const gapHi = rng.range(28, 45);
  const drugChoices = [...HIGH_MARGIN_DRUGS, ...DIAGNOSES[2]!.drugs];
  const claims = [];
  for (let k = 0; k < packages; k++) {
    const item = rng.pick(drugChoices);
    const code = f.newTraceCode(item);
    const first = rng.int(pharmacies.length);
    let day = rng.range(start, Math.max(start, end - (chainLength - 1) * gapHi));
    for (let s = 0; s < pharmacies.length && day < f.days; s++) {
      const buyer = rng.pick(buyers);
      const pharmacy = pharmacies[(first + s) % pharmacies.length]!;
      const inst = ctx.pop.institutions[pharmacy]!;
      const c = f.base('pharmacy', f.shopTime(rng, day), pharmacy, buyer, f.identityCheck(rng, inst));
      c.card = f.cardFor(rng, buyer);
      c.diagnosis = 2;
      c.lines.push(f.line(item, inst, 1, code));
      if (rng.chance(0.5)) f.drugLines(c.lines, rng.pick(DIAGNOSES[2]!.drugs), inst, 1, true);
      c.fundRatio = f.fundRatio(rng, buyer, 'pharmacy');
      claims.push(ctx.addClaim(c));
      day += rng.range(gapLo, gapHi);
    }
  }
  const members: Member[] = [...pharmacies.map((index): Member => ({ type: 'institution', index, role: 'pharmacy' })), ...personMembers(buyers, 'buyer')];
  earlier.push(...buyers);
  return { id, family: 'trace-code-reuse', size, strength: p.strength, startDay: start, endDay: end, members, claims, description: `${packages} drug packages passed along a chain of ${pharmacies.length} pharmacies, resettled every ${gapLo}–${gapHi} days` };
}
