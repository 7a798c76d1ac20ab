import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../../config/env.ts';
import iconv from 'iconv-lite';
import { CARD_COLUMNS, CLAIM_COLUMNS, CLAIM_ITEM_COLUMNS, INSTITUTION_COLUMNS, ITEM_COLUMNS, PERSON_COLUMNS } from '../../generator/format.ts';
import { makeIdNumber } from '../../generator/id-number.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { BulkRefusedError, runBulkIngest } from '../../ingest/bulk/bulk-ingest.ts';
import { dataNodeCount } from '../../graph/database-content.ts';
import { runIngest, type IngestSummary } from '../../ingest/run-ingest.ts';
import { runningInstance, startNeo4j, stopNeo4j } from '../../stack/neo4j-local.ts';
import { writeTinyDataset } from '../fixtures/canonical-dataset.ts';
import { BAD_CLAIM_VALUES } from '../fixtures/hostile-inputs.ts';
import { addTrickyRows, readCsv, type Csv } from '../fixtures/tricky-rows.ts';
import { graphSnapshot, wipeGraph } from './graph-snapshot.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ringlens-bulk-'));
const csvRows = (columns: readonly string[], rows: Csv) => rows.map((r) => columns.map((c) => r[c] ?? ''));
const append = (file: string, columns: readonly string[], rows: Csv) => appendFileSync(file, stringify(csvRows(columns, rows)));

/**
 * On top of the fast-path test's tricky rows (repeated claim and item lines within a file, undescribed
 * card/institution/doctor/person/item/claim, scattered item lines, a reused trace code): reference rows
 * that a later file corrects (its row must win), text the importer must read back exactly (comma,
 * quote, line break), a claim whose self_paid is derived, and rows that are rejected.
 */
function addBulkCases(dir: string, later: string): void {
  const file = (name: string) => path.join(dir, name);
  const laterFile = (name: string, columns: readonly string[], rows: Csv) => writeFileSync(path.join(later, name), stringify([[...columns], ...rows.map((r) => columns.map((c) => r[c] ?? ''))]));
  const persons = readCsv(file('persons.csv'));
  append(file('persons.csv'), PERSON_COLUMNS, [
    { ...persons[1]!, id_number: persons[3]!.id_number!, gender: persons[3]!.gender === 'M' ? 'F' : 'M' }, // disagrees with the ID number: rejected
    // The value contract on the entity lane (issue 21): a control character, a birth date in 2099 — rejected.
    { ...persons[0]!, id_number: makeIdNumber('330106', '1980-01-01', 501, 'M'), birth_date: '1980-01-01', gender: 'M', name: '王\u001B伟' },
    { ...persons[0]!, id_number: makeIdNumber('330106', '2099-01-01', 503, 'M'), birth_date: '2099-01-01', gender: 'M' },
    { ...persons[2]! }, // an identical duplicate: counted, stored once
  ]);
  // A later file in GBK, found by --encoding auto on both paths.
  writeFileSync(path.join(later, 'persons.csv'), iconv.encode(stringify([[...PERSON_COLUMNS], ...csvRows(PERSON_COLUMNS, [{ ...persons[0]!, name: '王"小"伟', address: '西湖区, 文三路1号\n2单元' }])]), 'gbk'));
  const cards = readCsv(file('cards.csv'));
  laterFile('cards.csv', CARD_COLUMNS, [{ ...cards[0]!, holder_id_number: persons[2]!.id_number!, issued_date: '', card_type: 'e_voucher' }]);
  const institutions = readCsv(file('institutions.csv'));
  laterFile('institutions.csv', INSTITUTION_COLUMNS, [{ ...institutions[1]!, region_code: '330106', bed_count: '', name: '百姓大药房(文一路店,新)' }]);
  append(file('institutions.csv'), INSTITUTION_COLUMNS, [{ ...institutions[0]!, institution_code: 'H33010099999', latitude: '95.0' }]); // outside ±90: rejected
  // A UTF-8 BOM and CRLF line ends.
  writeFileSync(
    file('items.csv'),
    `\uFEFF${stringify([
      [...ITEM_COLUMNS],
      ['XA10BA0001', '二甲双胍片', 'drug', '盒', '12.50', '', '', '', ''],
      ['250301002', '糖化血红蛋白测定', 'exam', '次', '40', '', '18', '120', 'secondary'],
    ]).replaceAll('\n', '\r\n')}`,
  );
  const lines = readCsv(file('claim_items.csv'));
  append(file('claim_items.csv'), CLAIM_ITEM_COLUMNS, [
    { ...lines[0]!, line_no: '7', quantity: '99999999999' }, // over the quantity limit: rejected
    { ...lines[0]!, line_no: '8', trace_code: '1234' }, // not a traceability code: rejected
    { ...lines[0]!, line_no: '9', amount: 'Infinity' }, // rejected
  ]);
  writeFileSync(path.join(later, 'items.csv'), stringify([[...ITEM_COLUMNS], ['XA10BA0001', '二甲双胍片(缓释)', 'drug', '盒', '13.5', '', '', '', '']]));
  const claims = readCsv(file('claims.csv'));
  append(file('claims.csv'), CLAIM_COLUMNS, [
    { ...claims[3]!, claim_id: 'CLNOSELFPAID0001', total_amount: '10.01', fund_paid: '3.33', self_paid: '' },
    { ...claims[4]!, claim_id: 'CLREJECTED00001', fund_paid: '999.00' }, // fund_paid > total: rejected
    // Every bad value of the hostile-input corpus: both paths reject it with the same line, field and reason.
    ...Object.values(BAD_CLAIM_VALUES).map((changes, i) => ({ ...claims[1]!, claim_id: `CLHOSTILE${String(i).padStart(6, '0')}`, ...changes })),
    { ...claims[5]! }, // an identical duplicate: counted, stored once
  ]);
}

/** Every property's value type by label/type and key: counts and digests would not see FLOAT vs INTEGER. */
async function propertyTypes(driver: Driver): Promise<string[]> {
  const q = async (cypher: string) => (await driver.executeQuery(cypher)).records.map((r) => `${r.get('on')}.${r.get('k')}: ${r.get('t')} × ${r.get('n')}`);
  return [
    // ingestSeq says when a node was written (graph-snapshot.ts, WHEN_WRITTEN): not compared.
    ...(await q("MATCH (x) WHERE NOT x:IngestCheckpoint AND NOT x:SchemaMigration AND NOT x:IngestSequence UNWIND keys(x) AS k WITH x, k WHERE k <> 'ingestSeq' RETURN labels(x)[0] AS on, k, valueType(x[k]) AS t, count(*) AS n ORDER BY on, k, t")),
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

const accounting = (s: IngestSummary) => s.files.map((f) => ({ file: f.file, kind: f.kind, read: f.read, accepted: f.accepted, rejected: f.rejected, duplicates: f.duplicates, reasons: f.reasons }));

describe('ringlens ingest --bulk (neo4j-admin import) into its own local instance', () => {
  const env = loadEnv();
  const instance = { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: 'test-bulk', heap: '1g', pageCache: '512m' };
  const shared = createDriver(inject('stack').neo4j);
  // The bulk load restarts the server (maybe on another port): always connect to where it runs now.
  const bulkDriver = () => createDriver(runningInstance(instance)!);
  const data = writeTinyDataset(path.join(tmp(), 'data'), { persons: 6, claims: 24 });
  addTrickyRows(data.dir);
  const later = path.join(tmp(), 'later');
  mkdirSync(later);
  addBulkCases(data.dir, later);
  // A later claims file correcting two claims: the correction replaces their relationships too.
  const [k0, k1, k2] = readCsv(path.join(data.dir, 'claims.csv')).filter((c) => c.doctor_code);
  const corrections: Record<string, string>[] = [
    { ...k0!, card_id: k2!.card_id!, insured_id_number: k2!.insured_id_number!, institution_code: k2!.institution_code!, doctor_code: '', department: '' },
    { ...k1!, served_id_number: k2!.insured_id_number!, identity_check: 'face', total_amount: '77.00', fund_paid: '70.00', self_paid: '7.00' },
  ];
  writeFileSync(path.join(later, 'claims.csv'), stringify([[...CLAIM_COLUMNS], ...corrections.map((r) => CLAIM_COLUMNS.map((c) => r[c] ?? ''))]));
  const inputs = [data.dir, later];

  beforeAll(async () => {
    await migrate(shared);
    await startNeo4j({ ...instance, fresh: true, preferredPort: 0 });
  }, 180_000);
  afterAll(async () => {
    await shared.close();
    await stopNeo4j(instance);
  }, 120_000);

  it('fails a load whose file breaks --max-reject-rate, naming the file, and imports nothing (the instance stays empty and up)', async () => {
    const broken = path.join(tmp(), 'broken');
    mkdirSync(broken);
    const claims = readCsv(path.join(data.dir, 'claims.csv'));
    writeFileSync(
      path.join(broken, 'claims.csv'),
      stringify([
        [...CLAIM_COLUMNS],
        ...csvRows(CLAIM_COLUMNS, claims.slice(0, 20)),
        ...csvRows(CLAIM_COLUMNS, Array.from({ length: 12 }, (_, i) => ({ ...claims[1]!, claim_id: `CLBADRATE${i}`, settled_at: '2024-02-30T09:00:00+08:00' }))),
      ]),
    );
    const attempt = runBulkIngest({ inputs: [broken], rejectsDir: tmp(), instance });
    await expect(attempt).rejects.toThrow(/claims\.csv: 12 of its 32 rows are rejected, more than --max-reject-rate 0\.05 allows; nothing of this file was loaded/);
    const driver = bulkDriver();
    try {
      expect(await dataNodeCount(driver)).toBe(0);
    } finally {
      await driver.close();
    }
  }, 300_000);

  it('loads the graph the transactional ingest loads, with the same accounting and checkpoints; a later transactional ingest skips every file', async () => {
    await wipeGraph(shared);
    const txRejects = tmp();
    const tx = await runIngest(shared, { inputs, rejectsDir: txRejects, maxRejectRate: 1 });
    // The bulk cases' rejects (reference files 1 + 2 + 1 + 1 duplicate, claims 1 + 1 duplicate, item lines 3),
    // the tricky rows' repeated keys and the corpus's bad claims.
    expect(tx.rejected).toBe(10 + 3 + Object.keys(BAD_CLAIM_VALUES).length);
    expect(tx.files.reduce((n, f) => n + f.duplicates, 0)).toBe(3);
    const links = await shared.executeQuery(
      'MATCH (c:Claim {claimId: $id}) RETURN COUNT { (c)-[:AT]->() } AS at, COUNT { (c)-[:CHARGED_TO]->() } AS card, COUNT { (c)-[:BY]->() } AS by',
      { id: k0!.claim_id },
    );
    expect(links.records[0]?.toObject()).toEqual({ at: 1, card: 1, by: 0 });
    const expected = { snapshot: await graphSnapshot(shared), types: await propertyTypes(shared), checkpoints: await checkpoints(shared) };
    // The cases this test is about are really in the graph.
    expect(expected.snapshot.nodes.Claim).toBe(24 + 3 + 1 + 1); // tiny + tricky new claims + the claim only item lines name + derived self_paid
    const described = await shared.executeQuery('MATCH (p:Person {idNumber: $id}) RETURN p.address AS address, p.name AS name', { id: readCsv(path.join(data.dir, 'persons.csv'))[0]!.id_number });
    expect(described.records[0]?.toObject()).toEqual({ name: '王"小"伟', address: '西湖区, 文三路1号\n2单元' });

    const bulkRejects = tmp();
    const progress: number[] = [];
    const bulk = await runBulkIngest({ inputs, rejectsDir: bulkRejects, maxRejectRate: 1, instance, onProgress: (p) => progress.push(p.done) });
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
      const again = await runIngest(driver, { inputs, rejectsDir: tmp(), maxRejectRate: 1 });
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
