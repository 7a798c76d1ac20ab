import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GroundTruth, HardNegativeGroup, TruthRing } from '../evaluation/formats.ts';
import { CATALOG, CLASSIC_ITEM_COUNT, DIAGNOSES } from './catalog.ts';
import { ClaimFactory, type ClaimDraft } from './claims.ts';
import { ByteCsvFile, csvField, CsvFile, fixed5, yuan } from './csv.ts';
import { CARD_COLUMNS, CLAIM_COLUMNS, CLAIM_ITEM_COLUMNS, DOCTOR_COLUMNS, FILES, FORMAT_VERSION, INSTITUTION_COLUMNS, ITEM_COLUMNS, PERSON_COLUMNS, REGION_COLUMNS } from './format.ts';
import { hardNegativeKinds, LOOK_ALIKE_KINDS, labelGiantHospitals, placePharmaciesBesideHospitals, plantFamilies, plantNursingHomes, plantWeeklyChronic, type HardNegativePlan } from './hard-negatives.ts';
import type { ScenarioPlan } from './plan.ts';
import { buildPopulation, CARD_ID_MAX_LENGTH, cardId, encodeCardId, homeAddress, householdId, ID_LENGTH, idNumberOf, personName, randomSurname, type Population } from './population.ts';
import { permute, Rng } from './random.ts';
import { ID_PREFIX, SCENARIO_FAMILIES, SCENARIOS, VARIANT_PLANTERS, VARIANTS, type ScenarioFamily } from './scenarios/index.ts';
import type { Profile } from './profile.ts';
import { plantLookAlikes } from './look-alikes.ts';
import { PlantContext, type Member, type PlantedGroup } from './scenarios/context.ts';
import { DateCache, dateString, type Period } from './time.ts';
import { HeapGuard, tuneGarbageCollection } from './memory.ts';
import { ItemSink } from './items-sink.ts';
import { InstitutionPatients } from './institution-patients.ts';

export interface GenerateOptions {
  claims: number;
  seed: number;
  out: string;
  regions: number;
  period: Period;
  scenarios: ScenarioPlan;
  hardNegatives: HardNegativePlan;
  /** 'classic' (default): the world as it always was, byte for byte; 'varied': family variants and look-alikes */
  profile?: Profile;
  onProgress?: (claimsWritten: number) => void;
  /** format claim_items.csv on a worker thread (default true); the bytes are the same either way */
  itemsThread?: boolean;
}

export interface GenerateSummary {
  out: string;
  claims: number;
  claimItems: number;
  plantedClaims: number;
  counts: Record<string, number>;
  ringsByFamily: Record<string, number>;
  /** --profile varied: rings per `family/variant` */
  ringsByVariant?: Record<string, number>;
  hardNegativesByKind: Record<string, number>;
  /** wall-clock seconds spent streaming claims.csv and claim_items.csv (the part that scales with --claims) */
  claimSeconds: number;
}

export class GenerateError extends Error {}

/** Average settlements per insured person per year; the population is sized from --claims with it. */
const CLAIMS_PER_PERSON = 6.5;
/** Planted claims may not crowd out the background, or the dataset stops looking like real data. */
const MAX_PLANTED_SHARE = 0.6;

export async function generate(opts: GenerateOptions): Promise<GenerateSummary> {
  await mkdir(opts.out, { recursive: true }).catch((e: Error) => {
    throw new GenerateError(`--out: cannot create "${opts.out}": ${e.message}`);
  });
  await access(opts.out, constants.W_OK).catch(() => {
    throw new GenerateError(`--out: directory "${opts.out}" is not writable`);
  });

  const profile = opts.profile ?? 'classic';
  if (profile === 'classic') {
    const lookAlikes = LOOK_ALIKE_KINDS.filter((k) => (opts.hardNegatives[k] ?? 0) > 0);
    if (lookAlikes.length > 0) throw new GenerateError(`--hard-negatives: ${lookAlikes.join(', ')} needs --profile varied`);
    const variants = SCENARIO_FAMILIES.filter((f) => opts.scenarios[f]?.variant !== undefined);
    if (variants.length > 0) throw new GenerateError(`--scenarios: a variant (${variants.join(', ')}) needs --profile varied`);
  }
  tuneGarbageCollection();
  const personCount = Math.max(300, Math.round(opts.claims / CLAIMS_PER_PERSON));
  const pop = buildPopulation(opts.seed, { personCount, regionCount: opts.regions, period: opts.period, giantHospitals: opts.hardNegatives['giant-hospital'], specialists: profile === 'varied' });
  const factory = new ClaimFactory(pop, opts.period, opts.seed, profile);
  const ctx = new PlantContext(pop, factory);
  const { rings, negatives } = plant(ctx, opts);
  if (ctx.plantedClaims > opts.claims * MAX_PLANTED_SHARE) {
    throw new GenerateError(`--scenarios: the planted rings need ${ctx.plantedClaims} claims, more than ${Math.round(MAX_PLANTED_SHARE * 100)}% of --claims ${opts.claims}; raise --claims or plant fewer/smaller rings${profile === 'varied' ? ' (the varied profile\'s default plan, look-alikes included, needs about 15,000 claims)' : ''}`);
  }

  const counts: Record<string, number> = {};
  counts.regions = await writeRegions(opts.out, pop);
  counts.institutions = await writeInstitutions(opts.out, pop);
  counts.doctors = await writeDoctors(opts.out, pop);
  counts.items = await writeItems(opts.out, profile);
  const { persons, cards } = await writePersonsAndCards(opts.out, pop, opts.seed, opts.period);
  counts.persons = persons;
  counts.cards = cards;
  const claimsStarted = process.hrtime.bigint();
  const written = await writeClaims(opts, pop, factory, ctx, rings, negatives);
  const claimSeconds = Number(process.hrtime.bigint() - claimsStarted) / 1e9;
  counts.claims = written.claims;
  counts.claimItems = written.items;

  const truth = groundTruth(opts, pop, factory, rings, negatives, written.camouflage);
  await writeFile(join(opts.out, FILES.groundTruth), JSON.stringify(truth, null, 1) + '\n');
  const ringsByFamily = tally(truth.rings.map((r) => r.family));
  const ringsByVariant = profile === 'classic' ? undefined : tally(truth.rings.map((r) => `${r.family}/${r.variant}`));
  const hardNegativesByKind = tally(truth.hardNegatives.map((g) => g.kind));
  const manifest = {
    formatVersion: FORMAT_VERSION,
    seed: opts.seed,
    claims: opts.claims,
    regions: opts.regions,
    period: { start: dateString(opts.period.startDay), end: dateString(opts.period.endDay) },
    ...(profile === 'classic' ? {} : { profile }),
    rows: counts,
    plantedClaims: ctx.plantedClaims,
    ringsByFamily,
    ...(ringsByVariant ? { ringsByVariant } : {}),
    hardNegativesByKind,
  };
  await writeFile(join(opts.out, FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
  return { out: opts.out, claims: written.claims, claimItems: written.items, plantedClaims: ctx.plantedClaims, counts, ringsByFamily, ...(ringsByVariant ? { ringsByVariant } : {}), hardNegativesByKind, claimSeconds };
}

/**
 * The variant of each ring of a family: a seeded shuffle of the family's variants, cycled, so that every
 * variant appears once the family has as many rings as variants; or the one variant --scenarios asked for.
 */
export function ringVariants(seed: number, family: ScenarioFamily, count: number, only?: string): string[] {
  if (only !== undefined) return Array.from({ length: count }, () => only);
  const order = Rng.stream(seed, `variants:${family}`).sample(VARIANTS[family], VARIANTS[family].length);
  return Array.from({ length: count }, (_, i) => order[i % order.length]!);
}

function tally(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

function plant(ctx: PlantContext, opts: GenerateOptions): { rings: PlantedGroup[]; negatives: PlantedGroup[] } {
  const seed = opts.seed;
  let negativeSerial = 0;
  const nextNegativeId = () => `HN-${String(++negativeSerial).padStart(4, '0')}`;
  const negatives: PlantedGroup[] = [];
  // Institution-level hard negatives first: they decide which institutions rings may not use.
  negatives.push(...labelGiantHospitals(ctx, opts.hardNegatives['giant-hospital'], nextNegativeId));
  negatives.push(...placePharmaciesBesideHospitals(ctx, Rng.stream(seed, 'hn:beside'), opts.hardNegatives['pharmacy-beside-hospital'], nextNegativeId));
  // Look-alikes hold institutions too (a dialysis unit, an oncology ward, a specialty pharmacy): planted
  // before the rings, so that no ring is built around them.
  const varied = opts.profile === 'varied';
  if (varied) negatives.push(...plantLookAlikes(ctx, seed, opts.hardNegatives, nextNegativeId));

  const rings: PlantedGroup[] = [];
  for (const family of SCENARIO_FAMILIES) {
    const params = opts.scenarios[family];
    if (!params || params.count === 0) continue;
    const rng = Rng.stream(seed, `scenario:${family}`);
    const earlier: number[] = [];
    const maxSize = Math.max(3, Math.min(params.maxSize, Math.floor(ctx.pop.persons.count / 40)));
    const sized = { ...params, minSize: Math.min(params.minSize, maxSize), maxSize };
    const variants = varied ? ringVariants(seed, family, params.count, params.variant) : undefined;
    for (let i = 0; i < params.count; i++) {
      const id = `R-${ID_PREFIX[family]}-${String(i + 1).padStart(4, '0')}`;
      if (!variants) {
        rings.push(SCENARIOS[family](ctx, rng, sized, id, earlier));
        continue;
      }
      const variant = variants[i]!;
      const planter = variant === 'classic' ? SCENARIOS[family] : VARIANT_PLANTERS[family][variant]!;
      const ring = planter(ctx, rng, sized, id, earlier);
      ring.variant = variant;
      ring.description = `[${variant}] ${ring.description}`;
      rings.push(ring);
    }
  }
  negatives.push(...plantFamilies(ctx, Rng.stream(seed, 'hn:family'), opts.hardNegatives['family-pharmacy'], nextNegativeId));
  negatives.push(...plantNursingHomes(ctx, Rng.stream(seed, 'hn:nursing'), opts.hardNegatives['nursing-home'], nextNegativeId));
  negatives.push(...plantWeeklyChronic(ctx, Rng.stream(seed, 'hn:weekly'), opts.hardNegatives['weekly-chronic'], nextNegativeId));
  return { rings, negatives };
}

async function writeRegions(out: string, pop: Population): Promise<number> {
  const f = await CsvFile.open(join(out, FILES.regions), REGION_COLUMNS);
  for (const r of pop.regions) f.row([r.code, r.name, r.province, fixed5(r.lat), fixed5(r.lon)]);
  await f.close();
  return f.rows;
}

async function writeInstitutions(out: string, pop: Population): Promise<number> {
  const f = await CsvFile.open(join(out, FILES.institutions), INSTITUTION_COLUMNS);
  for (const i of pop.institutions) f.row([i.code, i.name, i.kind, i.level, pop.regions[i.region]!.code, i.address, fixed5(i.lat), fixed5(i.lon), i.beds]);
  await f.close();
  return f.rows;
}

async function writeDoctors(out: string, pop: Population): Promise<number> {
  const f = await CsvFile.open(join(out, FILES.doctors), DOCTOR_COLUMNS);
  for (const d of pop.doctors) f.row([d.code, d.name, d.gender, pop.institutions[d.institution]!.code, d.department, d.title]);
  await f.close();
  return f.rows;
}

async function writeItems(out: string, profile: Profile): Promise<number> {
  const f = await CsvFile.open(join(out, FILES.items), ITEM_COLUMNS);
  // The classic catalog is the first CLASSIC_ITEM_COUNT items; the varied profile adds the rest.
  for (const c of profile === 'classic' ? CATALOG.slice(0, CLASSIC_ITEM_COUNT) : CATALOG) f.row([c.code, c.name, c.category, c.unit, yuan(c.priceFen), c.gender, c.minAge ?? '', c.maxAge ?? '', c.minLevel]);
  await f.close();
  return f.rows;
}

async function writePersonsAndCards(out: string, pop: Population, seed: number, period: Period): Promise<{ persons: number; cards: number }> {
  const rng = Rng.stream(seed, 'person-details');
  const persons = await ByteCsvFile.open(join(out, FILES.persons), PERSON_COLUMNS);
  const cards = await ByteCsvFile.open(join(out, FILES.cards), CARD_COLUMNS);
  const p = pop.persons;
  const dates = new DateCache();
  const regionCodes = pop.regions.map((r) => ascii(r.code + ','));
  let address = '';
  let surname = '';
  for (let i = 0; i < p.count; i++) {
    const region = pop.regions[p.region[i]!]!;
    if (p.household[i] === i) {
      address = csvField(homeAddress(rng, region));
      surname = randomSurname(rng);
    }
    const gender = p.gender[i] === 0 ? 'M' : 'F';
    const override = pop.addressOverride.get(i);
    const idStart = i * ID_LENGTH;
    persons.reserve(512);
    persons.slice(p.idBytes, idStart, ID_LENGTH);
    persons.comma();
    const drawn = personName(rng, gender, rng.chance(0.7) ? surname : randomSurname(rng));
    persons.utf8(csvField(pop.nameOverride.get(i) ?? drawn));
    persons.comma();
    persons.ascii(gender);
    persons.comma();
    persons.ascii(dates.get(p.birthDay[i]!));
    persons.comma();
    persons.bytes(regionCodes[p.region[i]!]!);
    persons.ascii(p.employee[i] ? 'employee,' : 'resident,');
    persons.ascii(override?.householdId ?? householdId(p.household[i]!));
    persons.comma();
    persons.utf8(override ? csvField(override.address) : address);
    persons.endRow();
    const issued = Math.max(p.birthDay[i]!, period.startDay - rng.range(30, 12 * 365));
    cards.reserve(256);
    writeCardId(cards, i * 2);
    cards.ascii(',physical,');
    cards.slice(p.idBytes, idStart, ID_LENGTH);
    cards.comma();
    cards.ascii(dates.get(issued));
    cards.comma();
    cards.ascii(region.code);
    cards.endRow();
    if (p.hasEVoucher[i]) {
      writeCardId(cards, i * 2 + 1);
      cards.ascii(',e_voucher,');
      cards.slice(p.idBytes, idStart, ID_LENGTH);
      cards.comma();
      cards.ascii(dates.get(period.startDay - rng.range(30, 4 * 365)));
      cards.comma();
      cards.ascii(region.code);
      cards.endRow();
    }
    if ((i & 1023) === 0) {
      await persons.flushIfFull();
      await cards.flushIfFull();
    }
  }
  await persons.close();
  await cards.close();
  return { persons: persons.rows, cards: cards.rows };
}

const ascii = (s: string) => Buffer.from(s, 'utf8');
const ITEM_TEXT = CATALOG.map((c) => `${c.code},${csvField(c.name)},${c.category},`);
const DIAGNOSIS_BYTES = DIAGNOSES.map((d) => ascii(`${d.code},${csvField(d.name)},`));
const KIND_BYTES = { outpatient: ascii('outpatient,'), inpatient: ascii('inpatient,'), pharmacy: ascii('pharmacy,') } as const;
const CHECK_BYTES = { face: ascii('face,'), real_name: ascii('real_name,'), none: ascii('none,') } as const;
const OFFSET_BYTES = ascii('+08:00,');
const cardIdScratch = new Uint8Array(CARD_ID_MAX_LENGTH);

/** Same text as cardId(), encoded without building a string. */
function writeCardId(f: ByteCsvFile, card: number): void {
  f.slice(cardIdScratch, 0, encodeCardId(card, cardIdScratch));
}

export const CLAIM_ID_KEY = 0xc1a1;

export function claimId(seq: number): string {
  return 'CL' + String(permute(seq, 46, CLAIM_ID_KEY)).padStart(14, '0');
}

/**
 * Claims are written person by person: each person's honest claims and any planted claims charged to
 * their cards, in time order. Memory stays flat however many claims are asked for.
 */
async function writeClaims(opts: GenerateOptions, pop: Population, factory: ClaimFactory, ctx: PlantContext, rings: readonly PlantedGroup[], negatives: readonly PlantedGroup[]): Promise<{ claims: number; items: number; camouflage: number[] }> {
  const claimsFile = await ByteCsvFile.open(join(opts.out, FILES.claims), CLAIM_COLUMNS);
  const itemsFile = await ItemSink.open(join(opts.out, FILES.claimItems), { item: ITEM_TEXT, tracePrefix: factory.productPrefix }, opts.itemsThread ?? true);
  const rng = Rng.stream(opts.seed, 'background');
  const p = pop.persons;
  const background = opts.claims - ctx.plantedClaims;
  let activityTotal = 0;
  for (let i = 0; i < p.count; i++) activityTotal += p.activity[i]!;
  const instCode = pop.institutions.map((i) => ascii(i.code + ','));
  const instRegion = pop.institutions.map((i) => ascii(pop.regions[i.region]!.code + ','));
  const doctorCode = pop.doctors.map((d) => ascii(d.code));
  const doctorInst = pop.doctors.map((d) => ascii(pop.institutions[d.institution]!.code));
  const dates: Buffer[] = [];
  for (let d = 0; d < factory.days; d++) dates.push(ascii(dateString(opts.period.startDay + d)));
  const prefixes = factory.productPrefix.map(ascii);
  const departments = new Map<string, Buffer>();
  const dept = (d: string) => {
    let v = departments.get(d);
    if (v === undefined) departments.set(d, (v = ascii(csvField(d))));
    return v;
  };
  const date = (f: ByteCsvFile, day: number) => {
    const b = dates[day];
    if (b) f.bytes(b);
    else f.ascii(dateString(opts.period.startDay + day));
  };

  // The claim id is encoded once per claim and copied into the claim row and each of its item rows.
  const idBytes = Buffer.from('CL00000000000000,');
  const encodeId = (n: number) => {
    // Two 7-digit halves, each small enough for int32 arithmetic (n < 2^46 < 10^14).
    const high = Math.floor(n / 1e7);
    let low = n - high * 1e7;
    let x = high;
    for (let i = 15; i >= 9; i--) {
      const q = (low / 10) | 0;
      idBytes[i] = 48 + (low - q * 10);
      low = q;
    }
    for (let i = 8; i >= 2; i--) {
      const q = (x / 10) | 0;
      idBytes[i] = 48 + (x - q * 10);
      x = q;
    }
  };
  const physicalCard = new Uint8Array(CARD_ID_MAX_LENGTH);
  const voucherCard = new Uint8Array(CARD_ID_MAX_LENGTH);
  const heap = new HeapGuard();
  const institutionPatients = new InstitutionPatients(ctx, negatives);
  // Camouflage: every claim charged to a ring member's cards that the ring does not list.
  const camouflage = rings.map(() => 0);
  const ringsOfPerson = new Map<number, number[]>();
  rings.forEach((r, i) => {
    for (const c of r.claims) c.ring = i;
    for (const m of r.members) if (m.type === 'person') (ringsOfPerson.get(m.index) ?? ringsOfPerson.set(m.index, []).get(m.index)!).push(i);
  });
  let seq = 0;
  let cumulative = 0;
  let assigned = 0;
  const chunk: ClaimDraft[] = [];
  for (let person = 0; person < p.count; person++) {
    cumulative += (p.activity[person]! * background) / activityTotal;
    const count = person === p.count - 1 ? background - assigned : Math.min(background - assigned, Math.floor(cumulative) - assigned);
    assigned += count;
    chunk.length = 0;
    if (count > 0) factory.background(rng, person, count, chunk);
    const planted = ctx.claimsByHolder.get(person);
    if (planted) for (const c of planted) chunk.push(c);
    if (chunk.length === 0) continue;
    chunk.sort((a, b) => a.t - b.t);
    const listed = institutionPatients.select(person, chunk);
    const memberOf = ringsOfPerson.get(person);
    if (memberOf) for (const r of new Set(memberOf)) for (const c of chunk) if (c.ring !== r) camouflage[r]!++;
    const insured = person * ID_LENGTH;
    // Every claim in the chunk is charged to one of this person's two cards: encode them once.
    const physicalLength = encodeCardId(person * 2, physicalCard);
    const voucherLength = encodeCardId(person * 2 + 1, voucherCard);
    for (const c of chunk) {
      const idNumber = permute(seq++, 46, CLAIM_ID_KEY);
      encodeId(idNumber);
      if (c.planted || listed.length > 0) c.id = idBytes.toString('latin1', 0, 16);
      let total = 0;
      let lineNo = 0;
      for (const l of c.lines) {
        const amount = Math.round((l.qtyMilli * l.priceFen) / 1000);
        total += amount;
        itemsFile.add(idNumber, ++lineNo, l.item, l.qtyMilli, l.priceFen, amount, l.trace);
      }
      if (!(total >= 0)) throw new Error(`claim of person ${person} (${c.kind}, diagnosis ${c.diagnosis}) has amount ${total}: ${JSON.stringify(c.lines)}`);
      const fund = Math.round(total * c.fundRatio);
      c.totalFen = total;
      c.fundFen = fund;
      const f = claimsFile;
      f.reserve(1024);
      f.bytes(idBytes);
      const day = Math.floor(c.t / 86400);
      let rest = c.t - day * 86400;
      date(f, day);
      f.byte(84);
      const h = Math.floor(rest / 3600);
      rest -= h * 3600;
      const m = Math.floor(rest / 60);
      f.padded(h, 2);
      f.byte(58);
      f.padded(m, 2);
      f.byte(58);
      f.padded(rest - m * 60, 2);
      f.bytes(OFFSET_BYTES);
      f.bytes(KIND_BYTES[c.kind]);
      f.bytes(instCode[c.institution]!);
      if (c.department !== '') f.bytes(dept(c.department));
      f.comma();
      if (c.doctor >= 0) f.bytes(doctorCode[c.doctor]!);
      f.comma();
      if ((c.card & 1) === 0) f.slice(physicalCard, 0, physicalLength);
      else f.slice(voucherCard, 0, voucherLength);
      f.comma();
      f.slice(p.idBytes, insured, ID_LENGTH);
      f.comma();
      if (c.served >= 0) f.slice(p.idBytes, c.served * ID_LENGTH, ID_LENGTH);
      f.comma();
      f.bytes(CHECK_BYTES[c.check]);
      f.bytes(instRegion[c.institution]!);
      f.bytes(DIAGNOSIS_BYTES[c.diagnosis]!);
      if (c.kind === 'inpatient') {
        date(f, c.admitDay);
        f.comma();
        date(f, c.dischargeDay);
        f.comma();
      } else {
        f.comma();
        f.comma();
      }
      if (c.rxDoctor >= 0) {
        f.byte(82); // R
        f.byte(88); // X
        f.padded(c.rxNumber, 14);
        f.comma();
        f.bytes(doctorCode[c.rxDoctor]!);
        f.comma();
        f.bytes(doctorInst[c.rxDoctor]!);
        f.comma();
      } else {
        f.comma();
        f.comma();
        f.comma();
      }
      f.int(lineNo);
      f.comma();
      f.yuan(total);
      f.comma();
      f.yuan(fund);
      f.comma();
      f.yuan(total - fund);
      f.endRow();
    }
    if (listed.length > 0) institutionPatients.record(person, listed);
    for (const c of chunk) factory.release(c);
    await itemsFile.flushIfFull();
    if ((person & 63) === 0) {
      await claimsFile.flushIfFull();
      opts.onProgress?.(seq);
      if ((person & 4095) === 0) heap.check();
    }
  }
  await claimsFile.close();
  const items = await itemsFile.close();
  institutionPatients.finish();
  return { claims: claimsFile.rows, items, camouflage };
}

function memberId(pop: Population, m: Member): string {
  switch (m.type) {
    case 'person':
      return idNumberOf(pop.persons, m.index);
    case 'card':
      return cardId(m.index);
    case 'doctor':
      return pop.doctors[m.index]!.code;
    case 'institution':
      return pop.institutions[m.index]!.code;
  }
}

function members(pop: Population, list: Member[]): HardNegativeGroup['members'] {
  const seen = new Set<string>();
  const out: HardNegativeGroup['members'] = [];
  for (const m of list) {
    const id = memberId(pop, m);
    const key = `${m.type}:${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m.core ? { type: m.type, id, role: m.role, core: true } : { type: m.type, id, role: m.role });
  }
  return out;
}

function groundTruth(opts: GenerateOptions, pop: Population, factory: ClaimFactory, rings: PlantedGroup[], negatives: PlantedGroup[], camouflage: readonly number[]): GroundTruth {
  const day = (d: number) => dateString(opts.period.startDay + Math.max(0, Math.min(factory.days - 1, d)));
  const profile = opts.profile ?? 'classic';
  return {
    formatVersion: 1,
    generator: {
      seed: opts.seed,
      claims: opts.claims,
      regions: opts.regions,
      period: { start: dateString(opts.period.startDay), end: dateString(opts.period.endDay) },
      // absent means classic: a classic ground truth stays byte-identical to the ones written before profiles
      ...(profile === 'classic' ? {} : { profile }),
      scenarios: opts.scenarios,
      hardNegatives: Object.fromEntries(hardNegativeKinds(profile).map((k) => [k, opts.hardNegatives[k] ?? 0])),
    },
    rings: rings.map((r, i) => ({
      ringId: r.id,
      family: r.family,
      ...(r.variant === undefined ? {} : { variant: r.variant }),
      size: r.size,
      strength: r.strength,
      period: { start: day(r.startDay), end: day(r.endDay) },
      description: r.description,
      members: members(pop, r.members),
      claimCount: r.claims.length,
      claimIds: r.claims.map((c) => c.id).sort(),
      camouflageClaimCount: camouflage[i]!,
      totalAmount: yuan(r.claims.reduce((s, c) => s + c.totalFen, 0)),
      fundPaid: yuan(r.claims.reduce((s, c) => s + c.fundFen, 0)),
    })),
    hardNegatives: negatives.map(
      (g): HardNegativeGroup => ({
        groupId: g.id,
        kind: g.family,
        description: g.description,
        members: members(pop, g.members),
        claimCount: g.claims.length,
        claimIds: g.claims.map((c) => c.id).sort(),
      }),
    ),
  };
}
