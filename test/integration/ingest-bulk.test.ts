import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../../config/env.ts';
import { CARD_COLUMNS, CLAIM_COLUMNS, INSTITUTION_COLUMNS, ITEM_COLUMNS, PERSON_COLUMNS } from '../../generator/format.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { BulkRefusedError, runBulkIngest } from '../../ingest/bulk/bulk-ingest.ts';
import { runIngest, type IngestSummary } from '../../ingest/run-ingest.ts';
import { runningInstance, startNeo4j, stopNeo4j } from '../../stack/neo4j-local.ts';
import { writeTinyDataset } from '../fixtures/canonical-dataset.ts';
import { addTrickyRows, readCsv, type Csv } from '../fixtures/tricky-rows.ts';
import { graphSnapshot, wipeGraph } from './graph-snapshot.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ringlens-bulk-'));
const append = (file: string, columns: readonly string[], rows: Csv) => appendFileSync(file, stringify(rows.map((r) => columns.map((c) => r[c] ?? ''))));

/**
 * On top of the fast-path test's tricky rows (repeated claim, undescribed card/institution/doctor/
 * person/item/claim, repeated and scattered item lines, a reused trace code): repeated reference rows
 * whose last row must win, text the importer must read back exactly (comma, quote, line break), a
 * claim whose self_paid is derived, and rows that are rejected.
 */
function addBulkCases(dir: string): void {
  const file = (name: string) => path.join(dir, name);
  const persons = readCsv(file('persons.csv'));
  append(file('persons.csv'), PERSON_COLUMNS, [
    { ...persons[0]!, name: '王"小"伟', address: '西湖区, 文三路1号\n2单元' },
    { ...persons[1]!, gender: persons[1]!.gender === 'M' ? 'F' : 'M' }, // disagrees with the ID number: rejected
  ]);
  const cards = readCsv(file('cards.csv'));
  append(file('cards.csv'), CARD_COLUMNS, [{ ...cards[0]!, holder_id_number: persons[2]!.id_number!, issued_date: '', card_type: 'e_voucher' }]);
  const institutions = readCsv(file('institutions.csv'));
  append(file('institutions.csv'), INSTITUTION_COLUMNS, [{ ...institutions[1]!, region_code: '330106', bed_count: '', name: '百姓大药房(文一路店,新)' }]);
  writeFileSync(
    file('items.csv'),
    stringify([
      [...ITEM_COLUMNS],
      ['XA10BA0001', '二甲双胍片', 'drug', '盒', '12.50', '', '', '', ''],
      ['250301002', '糖化血红蛋白测定', 'exam', '次', '40', '', '18', '120', 'secondary'],
      ['XA10BA0001', '二甲双胍片(缓释)', 'drug', '盒', '13.5', '', '', '', ''],
    ]),
  );
  const claims = readCsv(file('claims.csv'));
  append(file('claims.csv'), CLAIM_COLUMNS, [
    { ...claims[3]!, claim_id: 'CLNOSELFPAID0001', total_amount: '10.01', fund_paid: '3.33', self_paid: '' },
    { ...claims[4]!, claim_id: 'CLREJECTED00001', fund_paid: '999.00' }, // fund_paid > total: rejected
  ]);
}

/** Every property's value type by label/type and key: counts and digests would not see FLOAT vs INTEGER. */
async function propertyTypes(driver: Driver): Promise<string[]> {
  const q = async (cypher: string) => (await driver.executeQuery(cypher)).records.map((r) => `${r.get('on')}.${r.get('k')}: ${r.get('t')} × ${r.get('n')}`);
  return [
    ...(await q('MATCH (x) WHERE NOT x:IngestCheckpoint AND NOT x:SchemaMigration UNWIND keys(x) AS k RETURN labels(x)[0] AS on, k, valueType(x[k]) AS t, count(*) AS n ORDER BY on, k, t')),
    ...(await q('MATCH ()-[x]->() UNWIND keys(x) AS k RETURN type(x) AS on, k, valueType(x[k]) AS t, count(*) AS n ORDER BY on, k, t')),
  ];
}

async function checkpoints(driver: Driver): Promise<Record<string, unknown>[]> {
  const { records } = await driver.executeQuery(
    `MATCH (k:IngestCheckpoint) RETURN k {.key, .file, .committedLine, .read, .accepted, .rejected,
       started: k.startedAt IS NOT NULL, updated: k.updatedAt IS NOT NULL, completed: k.completedAt IS NOT NULL} AS k ORDER BY k.file`,
  );
  return records.map((r) => r.get('k') as Record<string, unknown>);
}

const accounting = (s: IngestSummary) => s.files.map((f) => ({ file: f.file, kind: f.kind, read: f.read, accepted: f.accepted, rejected: f.rejected, reasons: f.reasons }));

describe('ringlens ingest --bulk (neo4j-admin import) into its own local instance', () => {
  const env = loadEnv();
  const instance = { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: 'test-bulk', heap: '1g', pageCache: '512m' };
  const shared = createDriver(inject('stack').neo4j);
  // The bulk load restarts the server (maybe on another port): always connect to where it runs now.
  const bulkDriver = () => createDriver(runningInstance(instance)!);
  const data = writeTinyDataset(path.join(tmp(), 'data'), { persons: 6, claims: 24 });
  addTrickyRows(data.dir);
  addBulkCases(data.dir);

  beforeAll(async () => {
    await migrate(shared);
    await startNeo4j({ ...instance, fresh: true, preferredPort: 0 });
  }, 180_000);
  afterAll(async () => {
    await shared.close();
    await stopNeo4j(instance);
  }, 120_000);

  it('loads the graph the transactional ingest loads, with the same accounting and checkpoints; a later transactional ingest skips every file', async () => {
    await wipeGraph(shared);
    const txRejects = tmp();
    const tx = await runIngest(shared, { inputs: [data.dir], rejectsDir: txRejects });
    expect(tx.rejected).toBe(2);
    const expected = { snapshot: await graphSnapshot(shared), types: await propertyTypes(shared), checkpoints: await checkpoints(shared) };
    // The cases this test is about are really in the graph.
    expect(expected.snapshot.nodes.Claim).toBe(24 + 3 + 1 + 1); // tiny + tricky new claims + the claim only item lines name + derived self_paid
    const described = await shared.executeQuery('MATCH (p:Person {idNumber: $id}) RETURN p.address AS address, p.name AS name', { id: readCsv(path.join(data.dir, 'persons.csv'))[0]!.id_number });
    expect(described.records[0]?.toObject()).toEqual({ name: '王"小"伟', address: '西湖区, 文三路1号\n2单元' });

    const bulkRejects = tmp();
    const progress: number[] = [];
    const bulk = await runBulkIngest({ inputs: [data.dir], rejectsDir: bulkRejects, instance, onProgress: (p) => progress.push(p.done) });
    expect(accounting(bulk.summary)).toEqual(accounting(tx));
    expect(bulk.summary.read).toBe(bulk.summary.accepted + bulk.summary.rejected);
    for (const f of bulk.summary.files.filter((s) => s.rejected > 0)) {
      const txFile = tx.files.find((t) => t.file === f.file)!;
      expect(readFileSync(f.rejectsFile!, 'utf8')).toBe(readFileSync(txFile.rejectsFile!, 'utf8'));
    }
    expect(bulk.phases.map((p) => p.name)).toContain('neo4j-admin database import');
    expect(progress.length).toBeGreaterThan(0);

    const driver = bulkDriver();
    try {
      expect(await graphSnapshot(driver)).toEqual(expected.snapshot);
      expect(await propertyTypes(driver)).toEqual(expected.types);
      expect(await checkpoints(driver)).toEqual(expected.checkpoints);

      // The transactional ingest recognises every file as loaded and writes nothing.
      const again = await runIngest(driver, { inputs: [data.dir], rejectsDir: tmp() });
      expect(again.files.map((f) => f.skippedAsLoaded)).toEqual(again.files.map(() => true));
      expect(await graphSnapshot(driver)).toEqual(expected.snapshot);
      expect(await checkpoints(driver)).toEqual(expected.checkpoints);
    } finally {
      await driver.close();
    }
  }, 400_000);

  it('refuses a database that holds data, says to use the transactional ingest, and leaves the server up and the graph as it was', async () => {
    const driver = bulkDriver();
    try {
      const before = await graphSnapshot(driver);
      const attempt = runBulkIngest({ inputs: [data.dir], rejectsDir: tmp(), instance });
      await expect(attempt).rejects.toThrow(BulkRefusedError);
      await expect(attempt).rejects.toThrow(/already holds \d+ nodes.*overwrite.*transactional ingest/);
      expect(await graphSnapshot(driver)).toEqual(before);
    } finally {
      await driver.close();
    }
  }, 120_000);
});
