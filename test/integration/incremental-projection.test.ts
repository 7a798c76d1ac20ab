import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Driver } from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { claimSetDigests } from '../../algorithms/claim-set-digest.ts';
import { seededRandom } from '../../algorithms/stats.ts';
import { loadEnv } from '../../config/env.ts';
import { CARD_COLUMNS, CLAIM_COLUMNS, CLAIM_ITEM_COLUMNS, FILES, PERSON_COLUMNS } from '../../generator/format.ts';
import { makeIdNumber } from '../../generator/id-number.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { projectIncremental } from '../../graph/projection/incremental.ts';
import { projectFull, type ProjectionScope } from '../../graph/projection/project-claims.ts';
import { runBulkIngest } from '../../ingest/bulk/bulk-ingest.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { runningInstance, startNeo4j, stopNeo4j } from '../../stack/neo4j-local.ts';

type Row = Record<string, string>;
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ringlens-incremental-'));
const read = (file: string) => parse(readFileSync(file), { columns: true }) as Row[];
const write = (file: string, columns: readonly string[], rows: Row[]) => writeFileSync(file, stringify([[...columns], ...rows.map((r) => columns.map((c) => r[c] ?? ''))]));

/**
 * A generated dataset split in time: the first load holds the reference files and 70 % of the claims;
 * each later round adds the next claims with their lines and corrects old ones at random — another
 * institution, doctor, diagnosis, served person or identity check, a line's amounts (not projected; the claim is read again all the same), a new line that
 * settles an already used traceability code, a person's household, a new person with a card.
 */
function prepare(): { first: string; rounds: string[] } {
  const dir = tmp();
  const data = path.join(dir, 'data');
  const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', '5000', '--seed', '11', '--out', data], { encoding: 'utf8' });
  expect(gen.status, gen.stderr).toBe(0);
  const claims = read(path.join(data, FILES.claims));
  const lines = read(path.join(data, FILES.claimItems));
  const persons = read(path.join(data, FILES.persons));
  const cards = read(path.join(data, FILES.cards));
  const linesOf = new Map<string, Row[]>();
  for (const l of lines) (linesOf.get(l.claim_id!) ?? linesOf.set(l.claim_id!, []).get(l.claim_id!)!).push(l);
  const cut = Math.floor(claims.length * 0.7);
  const first = path.join(dir, 'first');
  mkdirSync(first);
  for (const f of ['regions', 'institutions', 'doctors', 'persons', 'cards', 'items'] as const) writeFileSync(path.join(first, FILES[f]), readFileSync(path.join(data, FILES[f])));
  write(path.join(first, FILES.claims), CLAIM_COLUMNS, claims.slice(0, cut));
  write(path.join(first, FILES.claimItems), CLAIM_ITEM_COLUMNS, claims.slice(0, cut).flatMap((c) => linesOf.get(c.claim_id!) ?? []));
  // the same "random" changes every run, so a failure reproduces
  const rnd = seededRandom(24);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)]!;
  const traced = lines.filter((l) => l.trace_code);
  const rounds: string[] = [];
  const per = Math.ceil((claims.length - cut) / 3);
  for (let k = 0; k < 3; k++) {
    const round = path.join(dir, `round-${k}`);
    mkdirSync(round);
    const added = claims.slice(cut + k * per, cut + (k + 1) * per);
    const loaded = claims.slice(0, cut + k * per);
    const addedIds = new Set(added.map((c) => c.claim_id));
    const once = <T extends Row>(rows: T[], key: (r: T) => string) => [...new Map(rows.map((r) => [key(r), r] as const)).values()];
    const corrected = Array.from({ length: 25 }, () => {
      const c = { ...pick(loaded) };
      const other = pick(claims);
      const what = Math.floor(rnd() * 5);
      if (what === 0) Object.assign(c, { institution_code: other.institution_code, region_code: other.region_code });
      if (what === 1) c.doctor_code = other.doctor_code ?? '';
      if (what === 2) Object.assign(c, { diagnosis_code: other.diagnosis_code, diagnosis_name: other.diagnosis_name });
      // A recorded served person needs an identity check, and "none" records nobody.
      if (what === 3) Object.assign(c, c.identity_check === 'face' ? { identity_check: 'none', served_id_number: '' } : { identity_check: 'face' });
      if (what === 4) Object.assign(c, { served_id_number: pick(persons).id_number!, identity_check: 'face' });
      return c;
    });
    const newLines: Row[] = [];
    for (let j = 0; j < 10; j++) {
      const l = { ...pick(loaded.flatMap((c) => linesOf.get(c.claim_id!) ?? []).slice(0, 5000)) };
      l.quantity = String(Number(l.quantity) + 1);
      l.amount = (Number(l.unit_price) * Number(l.quantity)).toFixed(2);
      newLines.push(l);
    }
    for (let j = 0; j < 5; j++) {
      // A new line on an old claim settling a code another claim settled: a trace code reused.
      const c = pick(loaded);
      const t = pick(traced);
      newLines.push({ ...t, claim_id: c.claim_id!, line_no: String(90 + j) });
    }
    const person = { ...pick(persons), household_id: `HH-R${k}` };
    const fresh = { ...persons[0]!, id_number: makeIdNumber('330106', '1980-01-01', 701 + 2 * k, 'M'), birth_date: '1980-01-01', gender: 'M', name: `新${k}` };
    // Round 1 touches no reference entity: the merge patches the snapshot's columns (projection-state.ts, patch).
    if (k !== 1) {
      write(path.join(round, FILES.persons), PERSON_COLUMNS, [person, fresh]);
      write(path.join(round, FILES.cards), CARD_COLUMNS, [{ ...cards[0]!, card_id: `RC${k}${cards[0]!.card_id!.slice(3)}`, holder_id_number: fresh.id_number! }]);
    }
    // A key twice in one file is a reject: one correction per claim, one change per line.
    write(path.join(round, FILES.claims), CLAIM_COLUMNS, [...added, ...once(corrected.filter((c) => !addedIds.has(c.claim_id)), (c) => c.claim_id!)]);
    write(path.join(round, FILES.claimItems), CLAIM_ITEM_COLUMNS, [...added.flatMap((c) => linesOf.get(c.claim_id!) ?? []), ...once(newLines, (l) => `${l.claim_id}|${l.line_no}`)]);
    rounds.push(round);
  }
  return { first, rounds };
}

/**
 * New Person, Card and Claim nodes of the last ingest that Neo4j placed on ids below the highest id of
 * their label before it (`before`: those highest ids): ids the store had freed — after deletes, or left
 * unused by a bulk load — and handed out again.
 */
async function highestIds(driver: Driver): Promise<Record<string, number>> {
  const { records } = await driver.executeQuery('UNWIND ["Person", "Card", "Claim"] AS l CALL (l) { MATCH (n) WHERE l IN labels(n) RETURN max(id(n)) AS hi } RETURN l, hi');
  return Object.fromEntries(records.map((r) => [String(r.get('l')), Number(r.get('hi'))]));
}
async function newBelow(driver: Driver, before: Record<string, number>, known: Set<number>): Promise<number> {
  const { records } = await driver.executeQuery(
    'UNWIND $labels AS l CALL (l) { MATCH (n) WHERE l IN labels(n) AND id(n) < $before[l] RETURN collect(id(n)) AS ids } RETURN l, ids',
    { labels: Object.keys(before), before },
  );
  return records.reduce((n, r) => n + (r.get('ids') as unknown[]).map(Number).filter((id) => !known.has(id)).length, 0);
}
async function nodeIds(driver: Driver): Promise<Set<number>> {
  const { records } = await driver.executeQuery('MATCH (n) WHERE n:Person OR n:Card OR n:Claim RETURN collect(id(n)) AS ids');
  return new Set((records[0]!.get('ids') as unknown[]).map(Number));
}

/**
 * After each round: the incremental projection (from the previous round's snapshot) equals a full one,
 * column by column, and it was incremental — also when Neo4j placed new nodes on ids it had freed, below
 * the snapshot's last node (those are placed at their node's position, as a full projection reads them).
 * Returns how many new nodes went on freed ids over the rounds.
 */
async function checkRounds(driver: () => Driver, rounds: string[], scopes: ProjectionScope[]): Promise<number> {
  const dirs = scopes.map(() => tmp());
  const first = await Promise.all(scopes.map(async (scope, k) => projectIncremental(driver(), scope, { dir: dirs[k]! })));
  for (const r of first) expect(r.mode).toBe('full');
  let reused = 0;
  for (const [k, round] of rounds.entries()) {
    const [before, known] = [await highestIds(driver()), await nodeIds(driver())];
    const ingest = await runIngest(driver(), { inputs: [round], rejectsDir: tmp(), maxRejectRate: 1 });
    expect(ingest.rejected, JSON.stringify(ingest.files.map((f) => f.reasons))).toBe(0);
    reused += await newBelow(driver(), before, known);
    for (const [s, scope] of scopes.entries()) {
      const inc = await projectIncremental(driver(), scope, { dir: dirs[s]! });
      expect(inc.mode, `round ${k}, scope ${JSON.stringify(scope)}: ${inc.reason}`).toBe('incremental');
      expect(inc.changed!.claims).toBeGreaterThan(0);
      const full = await projectFull(driver(), scope);
      expect(full.state.set.claims.count).toBeGreaterThan(0);
      expect(claimSetDigests(inc.set), `round ${k}, scope ${JSON.stringify(scope)}: ${inc.set.claims.count} claims incremental, ${full.state.set.claims.count} full`).toEqual(claimSetDigests(full.state.set));
    }
  }
  return reused;
}

describe('incremental projection equals a full projection after random adds and corrections', () => {
  const data = prepare();
  const claims = read(path.join(data.first, FILES.claims));
  const days = claims.map((c) => c.settled_at!.slice(0, 10)).sort();
  // A window over the later part of the data, and the same window slid forward by a week.
  const since = days[Math.floor(days.length / 2)]!;
  const later = new Date(Date.parse(`${since}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);

  // A store of its own, fresh, so the freed ids below are the only ones (the suite's shared store has
  // whatever earlier files' wipes left).
  const env = loadEnv();
  const txInstance = { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: 'test-incremental-tx', heap: '1g', pageCache: '512m' };
  const txDriver = () => createDriver(runningInstance(txInstance)!);
  afterAll(async () => {
    await stopNeo4j(txInstance);
  }, 120_000);

  it('on the transactional ingest path (whole graph and a window)', async () => {
    await startNeo4j({ ...txInstance, fresh: true, preferredPort: 0 });
    const driver = txDriver();
    try {
      await migrate(driver);
      // Nodes made before the first load and deleted after it leave free ids below every person, card
      // and claim; Neo4j hands them out again to the rounds' new nodes once it has recycled them.
      await driver.executeQuery('UNWIND range(1, 400) AS k CREATE (:Scratch {k: k})');
      const first = await runIngest(driver, { inputs: [data.first], rejectsDir: tmp() });
      expect(first.rejected).toBe(0);
      await driver.executeQuery('MATCH (s:Scratch) DELETE s');
      await new Promise((r) => setTimeout(r, 3000));
      const reused = await checkRounds(() => driver, data.rounds, [{}, { since }]);
      // The case this test is for must have happened (else it proved nothing about freed ids).
      expect(reused, 'new nodes placed on freed ids').toBeGreaterThan(0);
    } finally {
      await driver.close();
    }
  }, 600_000);

  it('after a bulk load', async () => {
    const instance = { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: 'test-incremental-bulk', heap: '1g', pageCache: '512m' };
    await startNeo4j({ ...instance, fresh: true, preferredPort: 0 });
    let driver: Driver | undefined;
    try {
      await runBulkIngest({ inputs: [data.first], rejectsDir: tmp(), instance });
      driver = createDriver(runningInstance(instance)!);
      const reused = await checkRounds(() => driver!, data.rounds, [{}]);
      console.info(`after the bulk load: ${reused} new nodes on ids the load left free`);
    } finally {
      await driver?.close();
      await stopNeo4j(instance);
    }
  }, 600_000);

  it('slides a window forward from the snapshot, and falls back to a full projection when the window reaches further back', async () => {
    // on the transactional test's store
    const driver = txDriver();
    try {
      const dir = tmp();
      await projectIncremental(driver, { since }, { dir });
      const slid = await projectIncremental(driver, { since: later }, { dir });
      expect(slid.mode).toBe('incremental');
      const full = await projectFull(driver, { since: later });
      expect(slid.set.claims.count).toBeLessThan((await projectFull(driver, { since })).state.set.claims.count);
      expect(claimSetDigests(slid.set)).toEqual(claimSetDigests(full.state.set));
      const back = await projectIncremental(driver, { since }, { dir });
      expect(back.mode).toBe('full');
      expect(back.reason).toMatch(/starts before the snapshot/);
    } finally {
      await driver.close();
    }
  }, 300_000);
});
