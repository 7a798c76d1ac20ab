import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { readCheckpoint } from '../../graph/writes/batches.ts';
import { ParseError } from '../../ingest/read/open-records.ts';
import { mappingForIngest } from '../../ingest/mapping-source.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { writeTinyDataset } from '../fixtures/canonical-dataset.ts';
import { graphSnapshot, wipeGraph } from './graph-snapshot.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ringlens-ingest-'));

describe('ingest into the real Neo4j', () => {
  const stack = inject('stack');
  const driver = createDriver(stack.neo4j);
  beforeAll(() => migrate(driver));
  beforeEach(() => wipeGraph(driver));
  afterAll(() => driver.close());

  it('loads a canonical folder with every node and relationship, and read = accepted + rejected', async () => {
    const data = writeTinyDataset(path.join(tmp(), 'data'), { persons: 20, claims: 90 });
    const summary = await runIngest(driver, { inputs: [data.dir], rejectsDir: tmp() });
    expect(summary.files.map((f) => f.kind)).toEqual(['regions', 'institutions', 'doctors', 'persons', 'cards', 'claims', 'claim_items']);
    expect(summary.rejected).toBe(0);
    expect(summary.read).toBe(1 + 2 + 2 + 20 + 20 + 90 + 180);
    const snap = await graphSnapshot(driver);
    expect(snap.nodes).toMatchObject({ Claim: 90, Person: 20, Card: 20, Institution: 2, Doctor: 2, Region: 1, Item: 2, TraceCode: 30 });
    expect(snap.rels).toMatchObject({ CHARGED_TO: 90, AT: 90, HOLDS: 20, BILLED: 180, DISPENSED: 30, PRESCRIBED_BY: 30, BY: 60, FOR: 23, WORKS_AT: 2, IN_REGION: 2 });
    const { records } = await driver.executeQuery('MATCH (c:Claim {claimId: $id})-[:AT]->(i) RETURN c.total AS total, c.fundPaid AS fund, toString(c.settledAt) AS at, i.name AS inst', { id: 'CL00000000000002' });
    expect(records[0]?.toObject()).toEqual({ total: 35.75, fund: 25.02, at: '2024-03-02T09:01:00+08:00', inst: '杭州市第一人民医院' });
  });

  it('changes nothing when the same files are ingested again, even when forced to rewrite', async () => {
    const data = writeTinyDataset(path.join(tmp(), 'data'));
    await runIngest(driver, { inputs: [data.dir], rejectsDir: tmp() });
    const first = await graphSnapshot(driver);
    const again = await runIngest(driver, { inputs: [data.dir], rejectsDir: tmp() });
    expect(again.files.every((f) => f.skippedAsLoaded)).toBe(true);
    expect(await graphSnapshot(driver)).toEqual(first);
    const forced = await runIngest(driver, { inputs: [data.dir], rejectsDir: tmp(), force: true });
    expect(forced.files.some((f) => f.skippedAsLoaded)).toBe(false);
    expect(await graphSnapshot(driver)).toEqual(first);
  });

  it('updates entities from a later file instead of duplicating them', async () => {
    const data = writeTinyDataset(path.join(tmp(), 'data'), { persons: 4, claims: 8 });
    await runIngest(driver, { inputs: [data.dir], rejectsDir: tmp() });
    const later = path.join(tmp(), 'institutions.csv');
    writeFileSync(later, 'institution_code,name,kind,level,region_code,address,latitude,longitude,bed_count\nH33010000001,杭州市第一人民医院(新院区),hospital,tertiary,330100,新路1号,30.3,120.2,1500\n');
    await runIngest(driver, { inputs: [later], rejectsDir: tmp() });
    const { records } = await driver.executeQuery('MATCH (i:Institution {code: "H33010000001"}) RETURN count(*) AS n, collect(i.name)[0] AS name, collect(i.bedCount)[0] AS beds');
    expect(records[0]?.toObject()).toEqual({ n: 1, name: '杭州市第一人民医院(新院区)', beds: 1500 });
  });

  it('loads a foreign GBK, pipe-delimited export through the example mapping', async () => {
    const mapping = await mappingForIngest('examples/mappings/vendor-a-claims.yaml');
    const summary = await runIngest(driver, {
      inputs: ['test/fixtures/foreign/vendor-a-claims.txt'],
      rejectsDir: tmp(),
      encoding: mapping.encoding,
      format: mapping.format,
      ...(mapping.delimiter ? { delimiter: mapping.delimiter } : {}),
      mapping: mapping.ingest,
    });
    expect(summary.files[0]).toMatchObject({ kind: 'claims', read: 10, accepted: 10, rejected: 0 });
    const { records } = await driver.executeQuery(
      'MATCH (c:Claim {claimId: "vendorA:202401030001"})-[:AT]->(i:Institution) RETURN c.diagnosisName AS dx, c.total AS total, c.fundPaid AS fund, toString(c.settledAt) AS at, i.code AS inst, c.kind AS kind',
    );
    expect(records[0]?.toObject()).toEqual({ dx: '2型糖尿病', total: 156.8, fund: 109.76, at: '2024-01-03T09:15:12+08:00', inst: 'H33010000012', kind: 'outpatient' });
    const inpatient = await driver.executeQuery('MATCH (c:Claim {kind: "inpatient"}) RETURN count(c) AS n, min(toString(c.admissionDate)) AS first');
    expect(Number(inpatient.records[0]?.get('n'))).toBeGreaterThan(0);
    expect(inpatient.records[0]?.get('first')).toMatch(/^2024-\d{2}-\d{2}$/);
  });

  it('loads a GBK file with correct Chinese names', async () => {
    const data = writeTinyDataset(path.join(tmp(), 'gbk'), { persons: 6, claims: 6, encoding: 'gbk' });
    const summary = await runIngest(driver, { inputs: [path.join(data.dir, 'persons.csv')], rejectsDir: tmp(), encoding: 'gbk' });
    expect(summary.accepted).toBe(6);
    const { records } = await driver.executeQuery('MATCH (p:Person) RETURN p.name AS name ORDER BY name');
    expect(records.map((r) => r.get('name'))).toEqual([...data.names].sort());
    expect(data.names[0]).toMatch(/^[\u4e00-\u9fff]{3}$/);
  });

  it('rejects each malformed row with its line, field and reason, and loads the good ones', async () => {
    const data = writeTinyDataset(path.join(tmp(), 'bad'), { persons: 4, claims: 10 });
    const claims = path.join(data.dir, 'claims.csv');
    const good = readFileSync(claims, 'utf8').trimEnd().split('\n');
    const header = good[0]!.split(',');
    // Rows of the tiny dataset hold no quoted commas, so splitting on ',' is exact here.
    const mutate = (i: number, changes: Record<string, string>) =>
      good[i]!.split(',').map((v, j) => changes[header[j]!] ?? v).join(',');
    const bad = [
      mutate(2, { claim_id: 'CL99999999999901', insured_id_number: '110105194912310021' }),
      mutate(2, { claim_id: 'CL99999999999902', fund_paid: '9999.00' }),
      mutate(3, { claim_id: 'CL99999999999903', claim_kind: 'dental' }),
      mutate(4, { claim_id: 'CL99999999999904', settled_at: '2024-13-45' }),
      'CL99999999999905,"a quoted\nfield with a newline",too,few',
      mutate(5, { claim_id: 'CL99999999999906', total_amount: '-5.00' }),
    ];
    appendFileSync(claims, bad.join('\n') + '\n');
    const rejectsDir = tmp();
    const summary = await runIngest(driver, { inputs: [claims], rejectsDir, maxRejectRate: 0.5 });
    const f = summary.files[0]!;
    expect(f.read).toBe(16);
    expect(f.accepted).toBe(10);
    expect(f.rejected).toBe(6);
    expect(f.read).toBe(f.accepted + f.rejected);
    const rejects = parse(readFileSync(f.rejectsFile!, 'utf8'), { columns: true, bom: true }) as { file: string; line: string; field: string; reason: string }[];
    const byLine = new Map<number, (typeof rejects)[number]>();
    for (const r of rejects) if (!byLine.has(Number(r.line))) byLine.set(Number(r.line), r);
    expect(byLine.get(12)?.field).toBe('insured_id_number');
    expect(byLine.get(12)?.reason).toMatch(/check digit/);
    expect(byLine.get(13)).toMatchObject({ field: 'fund_paid' });
    expect(byLine.get(13)?.reason).toMatch(/exceeds total_amount/);
    expect(byLine.get(14)).toMatchObject({ field: 'claim_kind' });
    expect(byLine.get(15)).toMatchObject({ field: 'settled_at' });
    expect(byLine.get(16)).toMatchObject({ field: '(row)' });
    expect(byLine.get(16)?.reason).toMatch(/has 4 fields/);
    expect(byLine.get(18)?.field).toBe('total_amount');
    expect(rejects.every((r) => r.file === claims)).toBe(true);
    const { records } = await driver.executeQuery('MATCH (c:Claim) RETURN count(c) AS n');
    expect(records[0]?.get('n')).toBe(10);
  });

  it('fails a file that cannot be parsed at all with a clear error and writes nothing', async () => {
    const dir = tmp();
    const file = path.join(dir, 'claims.csv');
    const data = writeTinyDataset(path.join(dir, 'src'), { persons: 2, claims: 30 });
    writeFileSync(file, readFileSync(path.join(data.dir, 'claims.csv'), 'utf8') + 'CL00000000000999,"unterminated quote,2024\n');
    await expect(runIngest(driver, { inputs: [file], rejectsDir: tmp() })).rejects.toThrow(ParseError);
    await expect(runIngest(driver, { inputs: [file], rejectsDir: tmp() })).rejects.toThrow(/claims\.csv.*cannot be parsed as CSV/);
    const { records } = await driver.executeQuery('MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n');
    expect(records[0]?.get('n')).toBe(0);
  });

  it('resumes after kill -9 and ends with exactly the graph of an uninterrupted run', async () => {
    const data = writeTinyDataset(path.join(tmp(), 'big'), { persons: 300, claims: 10_000 });
    const inputs = [path.join(data.dir, 'persons.csv'), path.join(data.dir, 'cards.csv'), path.join(data.dir, 'claims.csv')];
    await runIngest(driver, { inputs, rejectsDir: tmp(), batchSize: 250 });
    const clean = await graphSnapshot(driver);
    await wipeGraph(driver);

    const env = { ...process.env, NEO4J_URI: stack.neo4j.uri, NEO4J_USER: stack.neo4j.user, NEO4J_PASSWORD: stack.neo4j.password, LOG_LEVEL: 'warn' };
    const args = ['bin/ringlens.js', 'ingest', ...inputs, '--batch-size', '250', '--rejects', tmp()];
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    // Kill once some, but not all, claim batches have committed.
    let killedAt = 0;
    for (let i = 0; i < 1_200; i++) {
      const { records } = await driver.executeQuery('MATCH (k:IngestCheckpoint) WHERE k.file ENDS WITH "claims.csv" AND k.completedAt IS NULL RETURN k.committedLine AS line');
      const line = Number(records[0]?.get('line') ?? 0);
      if (line > 1_000) {
        child.kill('SIGKILL');
        killedAt = line;
        break;
      }
      await sleep(50);
    }
    await new Promise((r) => child.once('exit', r));
    expect(killedAt, 'the run was killed mid-file').toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(10_000);
    const partial = await graphSnapshot(driver);
    expect(partial.nodes.Claim).toBeLessThan(10_000);

    const resumed = await runIngest(driver, { inputs, rejectsDir: tmp(), batchSize: 250 });
    const claimsSummary = resumed.files.find((f) => f.kind === 'claims')!;
    expect(claimsSummary.resumedFromLine).toBeGreaterThanOrEqual(killedAt);
    expect(claimsSummary.read).toBe(10_000);
    expect(await graphSnapshot(driver)).toEqual(clean);
    const cp = await readCheckpoint(driver, (await driver.executeQuery('MATCH (k:IngestCheckpoint) WHERE k.file ENDS WITH "claims.csv" RETURN k.key AS key')).records[0]!.get('key') as string);
    expect(cp?.completed).toBe(true);
  }, 240_000);
});
