import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { CLAIM_COLUMNS } from '../../generator/format.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { UPSERTS } from '../../graph/writes/upserts.ts';
import { openRecords } from '../../ingest/read/open-records.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { FileRowChecker } from '../../ingest/validate/file-rows.ts';
import type { RowKind } from '../../ingest/validate/rows.ts';
import { writeTinyDataset } from '../fixtures/canonical-dataset.ts';
import { addTrickyRows, readCsv } from '../fixtures/tricky-rows.ts';
import { graphSnapshot, wipeGraph } from './graph-snapshot.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ringlens-fast-path-'));

/**
 * The reference semantics: the rows the file's checker accepts (schema, then no repeated key within
 * the file), every batch of every file through its plain UNWIND … MERGE statement, in file order. The ingest's claims and item-line writers create what is new instead of merging it;
 * whatever the input, they must leave exactly the graph this leaves.
 */
async function referenceLoad(driver: Driver, files: { file: string; kind: RowKind }[], batchSize: number): Promise<void> {
  let seq = 0;
  for (const { file, kind } of files) {
    let batch: object[] = [];
    const flush = async () => {
      if (batch.length) await driver.executeQuery(UPSERTS[kind], { rows: batch, seq: ++seq });
      batch = [];
    };
    const checker = new FileRowChecker(file, kind, undefined, 1);
    for await (const rec of openRecords(file)) {
      const v = checker.check(rec);
      if (!v.ok) continue;
      batch.push(v.row);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  }
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
      const summary = await runIngest(driver, { inputs: [dir], rejectsDir: tmp(), batchSize, maxRejectRate: 0.2 });
      // The tricky rows that repeat a key within their file: two conflicting, one identical.
      expect(summary.rejected).toBe(3);
      expect(summary.files.reduce((n, f) => n + f.duplicates, 0)).toBe(1);
      expect(await graphSnapshot(driver)).toEqual(expected);
      // Forced again: nothing new, nothing duplicated.
      await runIngest(driver, { inputs: [dir], rejectsDir: tmp(), batchSize, force: true, maxRejectRate: 0.2 });
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
    for (const step of steps) await runIngest(driver, { inputs: [step.file], rejectsDir: tmp(), batchSize: 4, maxRejectRate: 0.2 });
    expect(await graphSnapshot(driver)).toEqual(expected);
  });
});
