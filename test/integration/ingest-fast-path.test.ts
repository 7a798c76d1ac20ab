import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { CLAIM_COLUMNS, CLAIM_ITEM_COLUMNS } from '../../generator/format.ts';
import { makeIdNumber } from '../../generator/id-number.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { UPSERTS } from '../../graph/writes/upserts.ts';
import { openRecords } from '../../ingest/read/open-records.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { validateRow, type RowKind } from '../../ingest/validate/rows.ts';
import { writeTinyDataset } from '../fixtures/canonical-dataset.ts';
import { graphSnapshot, wipeGraph } from './graph-snapshot.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ringlens-fast-path-'));

/**
 * The reference semantics: every batch of every file through its plain UNWIND … MERGE statement, in
 * file order. The ingest's claims and item-line writers create what is new instead of merging it;
 * whatever the input, they must leave exactly the graph this leaves.
 */
async function referenceLoad(driver: Driver, files: { file: string; kind: RowKind }[], batchSize: number): Promise<void> {
  for (const { file, kind } of files) {
    let batch: object[] = [];
    const flush = async () => {
      if (batch.length) await driver.executeQuery(UPSERTS[kind], { rows: batch });
      batch = [];
    };
    for await (const rec of openRecords(file)) {
      const v = validateRow(kind, rec.fields);
      if (!v.ok || rec.columnCountError) continue;
      batch.push(v.row);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  }
}

type Csv = Record<string, string>[];
const readCsv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Csv;
const appendRows = (file: string, columns: readonly string[], rows: Csv) => appendFileSync(file, stringify(rows.map((r) => columns.map((c) => r[c] ?? ''))));

/** Rows that exercise every way a batch can differ from "new claim, new lines, known entities". */
function addTrickyRows(dir: string): void {
  const claimsFile = path.join(dir, 'claims.csv');
  const itemsFile = path.join(dir, 'claim_items.csv');
  const claims = readCsv(claimsFile);
  const [c0, c1, c2] = claims;
  const stranger = makeIdNumber('330106', '1988-08-08', 7, 'M');
  const other = makeIdNumber('330106', '1977-07-07', 8, 'F');
  appendRows(claimsFile, CLAIM_COLUMNS, [
    // The same claim id again, on another card and with other amounts: two CHARGED_TO, last values win.
    { ...c0!, card_id: c1!.card_id!, insured_id_number: c1!.insured_id_number!, total_amount: '99.00', fund_paid: '50.00', self_paid: '49.00' },
    // A card no cards.csv describes, used by two insured persons: holder from its first row, HOLDS from both.
    { ...c1!, claim_id: 'CLNEWCARD000001', card_id: 'ZCARD0000001', insured_id_number: stranger },
    { ...c2!, claim_id: 'CLNEWCARD000002', card_id: 'ZCARD0000001', insured_id_number: other },
    // Unknown institution and doctor, and a served person nobody described.
    { ...c1!, claim_id: 'CLUNKNOWN000001', institution_code: 'H99999999999', doctor_code: 'D999999999999', served_id_number: stranger, identity_check: 'face' },
  ]);
  const items = readCsv(itemsFile);
  const [l0, l1] = items;
  appendRows(itemsFile, CLAIM_ITEM_COLUMNS, [
    // A repeated line (same claim, line and item): one BILLED with the last row's values.
    { ...l0!, quantity: '3', amount: '30.00' },
    // Same claim and line number, another item: a second BILLED.
    { ...l0!, item_code: '250301002', item_name: '糖化血红蛋白测定', category: 'exam' },
    // An item no items.csv describes, twice with different names: the first name sticks.
    { ...l1!, claim_id: 'CLNEWCARD000001', line_no: '1', item_code: 'XZNEW0001', item_name: '新药甲', category: 'drug', trace_code: '12345678901234567890' },
    { ...l1!, claim_id: 'CLNEWCARD000001', line_no: '2', item_code: 'XZNEW0001', item_name: '新药乙', category: 'drug', trace_code: '12345678901234567890' },
    // The same traceability code settled again on another claim (reuse), and the same line twice.
    { ...l1!, claim_id: 'CLNEWCARD000002', line_no: '1', trace_code: '12345678901234567890' },
    { ...l1!, claim_id: 'CLNEWCARD000002', line_no: '1', trace_code: '12345678901234567890' },
    // Lines of a claim that no claims file holds: the claim node is created bare.
    { ...l1!, claim_id: 'CLNOHEADER00001', line_no: '1' },
  ]);
}

describe('claims and item-line writers match the plain MERGE statements', () => {
  const stack = inject('stack');
  const driver = createDriver(stack.neo4j);
  beforeAll(() => migrate(driver));
  beforeEach(() => wipeGraph(driver));
  afterAll(() => driver.close());

  const dataset = () => {
    const data = writeTinyDataset(path.join(tmp(), 'data'), { persons: 6, claims: 24 });
    addTrickyRows(data.dir);
    const file = (kind: RowKind) => ({ file: path.join(data.dir, `${kind}.csv`), kind });
    return { dir: data.dir, file };
  };

  for (const batchSize of [3, 1000]) {
    it(`loads a folder to the reference graph (batches of ${batchSize})`, async () => {
      const { dir, file } = dataset();
      const order: RowKind[] = ['regions', 'institutions', 'doctors', 'persons', 'cards', 'claims', 'claim_items'];
      await referenceLoad(driver, order.map(file), batchSize);
      const expected = await graphSnapshot(driver);
      await wipeGraph(driver);
      const summary = await runIngest(driver, { inputs: [dir], rejectsDir: tmp(), batchSize });
      expect(summary.rejected).toBe(0);
      expect(await graphSnapshot(driver)).toEqual(expected);
      // Forced again: nothing new, nothing duplicated.
      await runIngest(driver, { inputs: [dir], rejectsDir: tmp(), batchSize, force: true });
      expect(await graphSnapshot(driver)).toEqual(expected);
    });
  }

  it('matches when item lines arrive before their claims, and when a later claims file updates them', async () => {
    const { file } = dataset();
    const later = path.join(tmp(), 'claims.csv');
    const rows = readCsv(file('claims').file).slice(0, 10).map((r): Record<string, string> => ({ ...r, total_amount: '500.00', fund_paid: '400.00', self_paid: '100.00' }));
    writeFileSync(later, stringify([[...CLAIM_COLUMNS], ...rows.map((r) => CLAIM_COLUMNS.map((c) => r[c] ?? ''))]));
    const steps: { file: string; kind: RowKind }[] = [file('persons'), file('claim_items'), file('claims'), { file: later, kind: 'claims' }];
    await referenceLoad(driver, steps, 4);
    const expected = await graphSnapshot(driver);
    await wipeGraph(driver);
    for (const step of steps) await runIngest(driver, { inputs: [step.file], rejectsDir: tmp(), batchSize: 4 });
    expect(await graphSnapshot(driver)).toEqual(expected);
  });
});
