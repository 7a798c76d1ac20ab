/**
 * Red-team synthetic claims generator (independent of generator/).
 *
 *   npx tsx evaluation/redteam/generate.ts --seed 1 --claims 300000 --profile default --out .cache/redteam/default-seed-1
 *
 * Writes the canonical CSV files, ground-truth.json and manifest.json. The same arguments give the
 * same bytes.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  CARD_COLUMNS,
  CLAIM_COLUMNS,
  CLAIM_ITEM_COLUMNS,
  DOCTOR_COLUMNS,
  FILES,
  FORMAT_VERSION,
  INSTITUTION_COLUMNS,
  ITEM_COLUMNS,
  PERSON_COLUMNS,
  REGION_COLUMNS,
} from '../../generator/format.ts';
import type { GroundTruth } from '../formats.ts';
import { ITEMS } from './catalog.ts';
import { FAMILIES, HN_KINDS, makeConfig, type Config, type Family, type Profile } from './config.ts';
import { addDroppableOtc, bindWorld, generateBackground, type Ctx } from './honest.ts';
import { Ledger } from './ledger.ts';
import { planLookalikes, structureLookalikes, type Planted } from './lookalikes.ts';
import { PREFIX, VARIANTS, isolatedCodingErrors, planRings, type RingPlant } from './rings.ts';
import { Rng } from './rng.ts';
import { DAY, PERIOD_END, PERIOD_START, dateStr, timestamp } from './time.ts';
import { assignFavourites, buildWorld, type World } from './world.ts';

export interface GenerateResult {
  dir: string;
  /** claims before trimming or topping up ordinary purchases to the requested count */
  generated: number;
  counts: Record<string, number>;
  rings: number;
  hardNegatives: number;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

function row(fields: readonly (string | number)[]): string {
  return fields.map((f) => csvField(String(f))).join(',') + '\n';
}

function money(cents: number): string {
  const neg = cents < 0;
  const a = Math.abs(cents);
  return (neg ? '-' : '') + Math.floor(a / 100) + '.' + String(a % 100).padStart(2, '0');
}

function qtyStr(q: number): string {
  if (Number.isInteger(q)) return String(q);
  return String(Number(q.toFixed(3)));
}

class Out {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  constructor(path: string, header: readonly string[]) {
    this.fd = openSync(path, 'w');
    this.write(header.join(',') + '\n');
    this.rows = 0;
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    this.rows++;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export function generate(seed: number, claims: number, regions: number, profile: Profile, dir: string): GenerateResult {
  const cfg: Config = makeConfig(seed, claims, regions, profile);
  const world: World = buildWorld(cfg, cfg.hn['nursing-home']);
  bindWorld(world);
  const st = structureLookalikes(world, cfg, new Rng(seed, 'structure'));
  assignFavourites(world, new Rng(seed, 'favourites'));
  const L = new Ledger(world, seed);
  const ctx: Ctx = { w: world, L };

  const hn: Planted[] = planLookalikes(ctx, cfg, st, seed);
  const rings: RingPlant[] = planRings(ctx, cfg, seed);

  for (const x of [...hn, ...rings]) x.phase1?.();
  generateBackground(ctx, seed);
  for (const x of [...hn, ...rings]) x.phase2?.();
  isolatedCodingErrors(ctx, cfg, seed);

  // ---- hit the requested claim count exactly: drop or add ordinary over-the-counter purchases
  const adj = new Rng(seed, 'adjust');
  let live = L.claims.length;
  const generated = live;
  if (live > claims) {
    const droppable = L.claims.filter((c) => c.droppable);
    adj.shuffle(droppable);
    for (const c of droppable) {
      if (live <= claims) break;
      c.dropped = true;
      live--;
    }
    if (live > claims) throw new Error(`cannot reach ${claims} claims: ${live} remain after dropping every droppable claim`);
  } else {
    const free = world.persons.filter((p) => p.reserved === 0 && p.age >= 16);
    let guard = 0;
    while (live < claims && guard++ < claims * 10) {
      const before = L.claims.length;
      addDroppableOtc(ctx, adj.pick(free), adj);
      live += L.claims.length - before;
    }
  }
  for (const x of hn) x.finish?.();

  mkdirSync(dir, { recursive: true });
  const counts: Record<string, number> = {};

  // ---- reference files
  {
    const o = new Out(join(dir, FILES.regions), REGION_COLUMNS);
    for (const r of world.regions) o.write(row([r.code, r.name, r.province, r.lat.toFixed(5), r.lon.toFixed(5)]));
    o.close();
    counts.regions = o.rows;
  }
  {
    const o = new Out(join(dir, FILES.institutions), INSTITUTION_COLUMNS);
    for (const i of world.insts) o.write(row([i.code, i.name, i.kind, i.level, world.regions[i.region]!.code, i.address, i.lat.toFixed(5), i.lon.toFixed(5), i.beds]));
    o.close();
    counts.institutions = o.rows;
  }
  {
    const o = new Out(join(dir, FILES.doctors), DOCTOR_COLUMNS);
    for (const d of world.doctors) o.write(row([d.code, d.name, d.gender, world.insts[d.inst]!.code, d.dept, d.title]));
    o.close();
    counts.doctors = o.rows;
  }
  {
    const o = new Out(join(dir, FILES.persons), PERSON_COLUMNS);
    for (const p of world.persons) {
      const hh = world.households[p.household]!;
      o.write(row([p.id, p.name, p.gender, p.birth, world.regions[p.region]!.code, p.insured, hh.id, hh.address]));
    }
    o.close();
    counts.persons = o.rows;
  }
  {
    const o = new Out(join(dir, FILES.cards), CARD_COLUMNS);
    for (const c of world.cards) o.write(row([c.id, c.type, world.persons[c.holder]!.id, c.issued, world.regions[c.region]!.code]));
    o.close();
    counts.cards = o.rows;
  }
  {
    const o = new Out(join(dir, FILES.items), ITEM_COLUMNS);
    for (const it of ITEMS) o.write(row([it.code, it.name, it.category, it.unit, money(it.price), it.gender, it.minAge ?? '', it.maxAge ?? '', it.minLevel]));
    o.close();
    counts.items = o.rows;
  }

  // ---- claims in a shuffled order, their lines right behind in the same order
  const order = L.claims.filter((c) => !c.dropped).map((c) => c.idx);
  new Rng(seed, 'order').shuffle(order);
  {
    const oc = new Out(join(dir, FILES.claims), CLAIM_COLUMNS);
    const oi = new Out(join(dir, FILES.claimItems), CLAIM_ITEM_COLUMNS);
    for (const ci of order) {
      const c = L.claims[ci]!;
      const inst = world.insts[c.inst]!;
      oc.write(
        row([
          c.id,
          timestamp(c.t),
          c.kind,
          inst.code,
          c.dept,
          c.doctor >= 0 ? world.doctors[c.doctor]!.code : '',
          world.cards[c.card]!.id,
          world.persons[c.insured]!.id,
          c.served >= 0 ? world.persons[c.served]!.id : '',
          c.check,
          world.regions[inst.region]!.code,
          c.dx.code,
          c.dx.name,
          c.adm >= 0 ? dateStr[c.adm]! : '',
          c.dis >= 0 ? dateStr[c.dis]! : '',
          c.rx,
          c.rxDoctor >= 0 ? world.doctors[c.rxDoctor]!.code : '',
          c.rxInst >= 0 ? world.insts[c.rxInst]!.code : '',
          c.lines.length,
          money(c.total),
          money(c.fund),
          money(c.total - c.fund),
        ]),
      );
      c.lines.forEach((l, i) => {
        oi.write(row([c.id, i + 1, l.item.code, l.item.name, l.item.category, qtyStr(l.qty), money(l.price), money(l.amount), l.trace]));
      });
    }
    oc.close();
    oi.close();
    counts.claims = oc.rows;
    counts.claimItems = oi.rows;
  }

  // ---- ground truth
  const claimsByCard = new Map<number, number>();
  for (const c of L.claims) if (!c.dropped) claimsByCard.set(c.card, (claimsByCard.get(c.card) ?? 0) + 1);
  const serial: Record<string, number> = {};
  const truthRings = rings.map((x) => {
    const g = x.group;
    const prefix = PREFIX[x.family];
    serial[prefix] = (serial[prefix] ?? 0) + 1;
    const ids = [...new Set(g.claims)].filter((i) => !L.claims[i]!.dropped);
    const cl = ids.map((i) => L.claims[i]!);
    let total = 0;
    let fund = 0;
    let minD = Infinity;
    let maxD = -Infinity;
    const own = new Set<number>();
    for (const c of cl) {
      total += c.total;
      fund += c.fund;
      const d0 = c.adm >= 0 ? c.adm : Math.floor(c.t / DAY);
      minD = Math.min(minD, d0);
      maxD = Math.max(maxD, Math.floor(c.t / DAY));
    }
    let cardClaims = 0;
    const ringCardsOfPersons = new Set<number>();
    for (const p of g.personIdx) {
      const pp = world.persons[p]!;
      for (const card of [pp.physical, pp.ev]) {
        if (card < 0) continue;
        ringCardsOfPersons.add(card);
        cardClaims += claimsByCard.get(card) ?? 0;
      }
    }
    for (const c of cl) if (ringCardsOfPersons.has(c.card)) own.add(c.idx);
    return {
      ringId: `R-${prefix}-${String(serial[prefix]).padStart(4, '0')}`,
      family: x.family,
      size: g.size,
      strength: x.strength,
      period: { start: dateStr[Number.isFinite(minD) ? minD : 0]!, end: dateStr[Number.isFinite(maxD) ? maxD : 0]! },
      description: `[${g.variant}] ${g.description}`,
      members: [...g.members.values()].map((m) => ({ type: m.type, id: m.id, role: m.role })),
      claimCount: cl.length,
      claimIds: cl.map((c) => c.id).sort(),
      camouflageClaimCount: cardClaims - own.size,
      totalAmount: money(total),
      fundPaid: money(fund),
    };
  });
  let hnSerial = 0;
  const truthHn = hn
    .filter((x) => x.group.members.size > 0)
    .map((x) => {
      const g = x.group;
      const ids = [...new Set(g.claims)].filter((i) => !L.claims[i]!.dropped);
      return {
        groupId: `HN-${String(++hnSerial).padStart(4, '0')}`,
        kind: g.family,
        description: g.description,
        members: [...g.members.values()].map((m) => (m.core ? { type: m.type, id: m.id, role: m.role, core: true } : { type: m.type, id: m.id, role: m.role })),
        claimCount: ids.length,
        claimIds: ids.map((i) => L.claims[i]!.id).sort(),
      };
    });
  const scenarios: Record<string, unknown> = {};
  for (const f of FAMILIES) {
    const rs = truthRings.filter((r) => r.family === f);
    scenarios[f] = {
      count: rs.length,
      variants: VARIANTS[f as Family][profile].slice(0, Math.max(1, rs.length)),
      minSize: rs.length ? Math.min(...rs.map((r) => r.size)) : 0,
      maxSize: rs.length ? Math.max(...rs.map((r) => r.size)) : 0,
      strength: cfg.hard ? 0.5 : 0.8,
    };
  }
  const hnCounts: Record<string, number> = {};
  for (const k of HN_KINDS) hnCounts[k] = truthHn.filter((g) => g.kind === k).length;
  const truth: GroundTruth = {
    formatVersion: 1,
    generator: { seed, claims, regions, period: { start: PERIOD_START, end: PERIOD_END }, scenarios, hardNegatives: hnCounts },
    rings: truthRings,
    hardNegatives: truthHn,
  };
  writeFileSync(join(dir, FILES.groundTruth), JSON.stringify(truth, null, 1) + '\n');
  const manifest = {
    formatVersion: FORMAT_VERSION,
    generator: 'ringlens-redteam',
    seed,
    arguments: { seed, claims, regions, profile },
    period: { start: PERIOD_START, end: PERIOD_END },
    counts,
    rings: truthRings.length,
    hardNegatives: truthHn.length,
  };
  writeFileSync(join(dir, FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
  return { dir, generated, counts, rings: truthRings.length, hardNegatives: truthHn.length };
}

function parseArgs(argv: string[]): { seed: number; claims: number; regions: number; profile: Profile; out: string } {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf('--' + name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seed = Number(get('seed') ?? '1');
  const claims = Number(get('claims') ?? '300000');
  const regions = Number(get('regions') ?? '3');
  const profile = (get('profile') ?? 'default') as Profile;
  const out = get('out') ?? `.cache/redteam/${profile}-seed-${seed}`;
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a non-negative integer');
  if (!Number.isInteger(claims) || claims < 20000) throw new Error('--claims must be an integer >= 20000');
  if (!Number.isInteger(regions) || regions < 2 || regions > 4) throw new Error('--regions must be 2, 3 or 4');
  if (profile !== 'default' && profile !== 'hard') throw new Error('--profile must be default or hard');
  return { seed, claims, regions, profile, out };
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '');
if (isMain) {
  const a = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const res = generate(a.seed, a.claims, a.regions, a.profile, a.out);
  const secs = (performance.now() - t0) / 1000;
  process.stdout.write(`wrote ${res.dir}: ${JSON.stringify(res.counts)} (${res.generated} generated before adjusting to the requested count); ${res.rings} rings, ${res.hardNegatives} hard-negative groups; ${secs.toFixed(1)} s\n`);
}
