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
 * institution, doctor, diagnosis, served person or identity check, a line's amounts, a new line that
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

/** After each round: the incremental projection (from the previous round's snapshot) equals a full one, column by column. */
/**
 * `idsMayBeReused`: after a bulk load, Neo4j may hand a new node an id the load left free (its freed-id list
 * is maintained in the background, so whether it does varies from run to run); the projection then falls
 * back to a full one on purpose (docs/detection.md). That fallback is allowed there, under that reason only,
 * and the result must still equal a full projection.
 */
async function checkRounds(driver: () => Driver, rounds: string[], scopes: ProjectionScope[], idsMayBeReused = false): Promise<void> {
  const dirs = scopes.map(() => tmp());
  const first = await Promise.all(scopes.map(async (scope, k) => projectIncremental(driver(), scope, { dir: dirs[k]! })));
  for (const r of first) expect(r.mode).toBe('full');
  for (const [k, round] of rounds.entries()) {
    const ingest = await runIngest(driver(), { inputs: [round], rejectsDir: tmp(), maxRejectRate: 1 });
    expect(ingest.rejected, JSON.stringify(ingest.files.map((f) => f.reasons))).toBe(0);
    for (const [s, scope] of scopes.entries()) {
      const inc = await projectIncremental(driver(), scope, { dir: dirs[s]! });
      if (idsMayBeReused && inc.mode === 'full') {
        expect(inc.reason, `round ${k}`).toMatch(/lies below the snapshot's last node .* \(ids reused\)/);
        console.warn(`round ${k}: Neo4j reused a free node id after the bulk load, so the projection was full: ${inc.reason}`);
      } else {
        expect(inc.mode, `round ${k}, scope ${JSON.stringify(scope)}: ${inc.reason}`).toBe('incremental');
        expect(inc.changed!.claims).toBeGreaterThan(0);
      }
      const full = await projectFull(driver(), scope);
      expect(full.state.set.claims.count).toBeGreaterThan(0);
      expect(claimSetDigests(inc.set), `round ${k}, scope ${JSON.stringify(scope)}: ${inc.set.claims.count} claims incremental, ${full.state.set.claims.count} full`).toEqual(claimSetDigests(full.state.set));
    }
  }
}

describe('incremental projection equals a full projection after random adds and corrections', () => {
  const data = prepare();
  const claims = read(path.join(data.first, FILES.claims));
  const days = claims.map((c) => c.settled_at!.slice(0, 10)).sort();
  // A window over the later part of the data, and the same window slid forward by a week.
  const since = days[Math.floor(days.length / 2)]!;
  const later = new Date(Date.parse(`${since}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);

  // A store of its own, fresh: in the suite's shared store earlier files' wipes leave node ids that Neo4j
  // hands out again, and a new person below the snapshot's last node id is a (correct, logged) fallback to a
  // full projection, which would leave the incremental merge untested here.
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
      const first = await runIngest(driver, { inputs: [data.first], rejectsDir: tmp() });
      expect(first.rejected).toBe(0);
      await checkRounds(() => driver, data.rounds, [{}, { since }]);
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
      await checkRounds(() => driver!, data.rounds, [{}], true);
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
