import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { HOSTILE_CASES, writeBaseDataset, type CaseFiles, type HostileCase } from '../fixtures/hostile-inputs.ts';
import { graphSnapshot, wipeGraph } from './graph-snapshot.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'ringlens-hostile-'));
const tmp = () => mkdtempSync(path.join(root, 'x-'));

interface Outcome {
  id: string;
  clearReject: boolean;
  fileError: boolean;
  silentAccept: boolean;
  goodDataLost: boolean;
}

/** Per file of the CLI's account: `read N = accepted A + rejected R`. */
function accounts(stdout: string): { file: string; read: number; accepted: number; rejected: number }[] {
  return [...stdout.matchAll(/^(.+) \[\w+\]: read (\d+) = accepted (\d+) \+ rejected (\d+)/gm)].map((m) => ({ file: m[1]!, read: Number(m[2]), accepted: Number(m[3]), rejected: Number(m[4]) }));
}

describe('the hostile-input corpus through `ringlens ingest` into the real Neo4j', () => {
  const stack = inject('stack');
  const driver = createDriver(stack.neo4j);
  const base = writeBaseDataset(path.join(root, 'base'));
  const env = { ...process.env, NEO4J_URI: stack.neo4j.uri, NEO4J_USER: stack.neo4j.user, NEO4J_PASSWORD: stack.neo4j.password, LOG_LEVEL: 'warn' };
  const outcomes: Outcome[] = [];

  beforeAll(() => migrate(driver));
  afterAll(async () => {
    await driver.close();
    const sum = (k: keyof Omit<Outcome, 'id'>) => outcomes.filter((o) => o[k]).length;
    console.log(
      [
        'hostile-input corpus (issue 21):',
        '| cases tried | clear rejects | file-level errors | silent accepts | good data lost |',
        '|---|---|---|---|---|',
        `| ${outcomes.length} | ${sum('clearReject')} | ${sum('fileError')} | ${sum('silentAccept')} | ${sum('goodDataLost')} |`,
      ].join('\n'),
    );
  });

  /** A wiped graph holding the reference files and the case's `before` files. */
  async function startingGraph(files: CaseFiles): Promise<void> {
    await wipeGraph(driver);
    await runIngest(driver, { inputs: [...base.reference, ...(files.before ?? [])], rejectsDir: tmp() });
  }

  /**
   * The graph of the case's clean twin: the reference files and the twin files alone (a correction's
   * twin holds the corrected rows, not the rows before and after). Many cases share one, so each is
   * loaded once.
   */
  const twins = new Map<string, Awaited<ReturnType<typeof graphSnapshot>>>();
  async function twinGraph(files: CaseFiles) {
    const key = JSON.stringify(files.twin ?? []);
    const known = twins.get(key);
    if (known) return known;
    await startingGraph({ inputs: [] });
    if (files.twin?.length) await runIngest(driver, { inputs: files.twin, rejectsDir: tmp(), maxRejectRate: 0 });
    const snapshot = await graphSnapshot(driver);
    twins.set(key, snapshot);
    return snapshot;
  }

  it(`has at least 40 cases, covering each of the seven defects`, () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(HOSTILE_CASES.map((c) => c.id)).size).toBe(HOSTILE_CASES.length);
    expect([...new Set(HOSTILE_CASES.flatMap((c) => (c.defect ? [c.defect] : [])))].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it.each(HOSTILE_CASES.map((c) => [c.id, c] as [string, HostileCase]))('%s', async (id, c) => {
    const dir = path.join(root, id);
    mkdirSync(dir);
    const files = c.build(dir, base);
    await startingGraph(files);
    const before = await graphSnapshot(driver);
    const rejectsDir = tmp();
    const run = spawnSync(process.execPath, ['bin/ringlens.js', 'ingest', ...files.inputs, '--rejects', rejectsDir, ...(files.args ?? [])], { env, encoding: 'utf8', timeout: 120_000 });
    const after = await graphSnapshot(driver);
    const outcome: Outcome = { id, clearReject: false, fileError: false, silentAccept: false, goodDataLost: false };
    outcomes.push(outcome);
    const said = `exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;

    if (c.expect.outcome === 'file') {
      outcome.silentAccept = run.status === 0;
      outcome.goodDataLost = after.digest !== before.digest;
      expect(run.status, said).toBe(1);
      // The message names the path, says what is wrong, and no stack trace stands in for it.
      expect(run.stderr).toContain(`ringlens: ${files.culprit ?? files.inputs[0]}`);
      expect(run.stderr).toMatch(c.expect.message);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(after, 'nothing of the refused file is stored').toEqual(before);
      outcome.fileError = true;
      return;
    }

    expect(run.status, said).toBe(0);
    const account = accounts(run.stdout);
    expect(account.length, said).toBeGreaterThan(0);
    for (const a of account) expect(a.read).toBe(a.accepted + a.rejected);
    const rejected = account.reduce((n, a) => n + a.rejected, 0);
    const badLines = new Set(c.expect.rejects.map((r) => r.line));
    outcome.silentAccept = rejected < badLines.size;
    expect(rejected, said).toBe(badLines.size);
    if (c.expect.duplicates) expect(run.stdout).toContain(`${c.expect.duplicates} of them identical duplicates`);
    if (badLines.size) {
      const rejectsFile = path.join(rejectsDir, `${path.basename(files.inputs[0]!)}.rejects.csv`);
      const rows = parse(readFileSync(rejectsFile, 'utf8'), { columns: true, bom: true }) as { file: string; line: string; field: string; reason: string }[];
      for (const want of c.expect.rejects) {
        const got = rows.filter((r) => Number(r.line) === want.line && r.field === want.field);
        expect(got.length, `line ${want.line} field ${want.field} in ${JSON.stringify(rows.map(({ line, field, reason }) => ({ line, field, reason })))}`).toBeGreaterThan(0);
        expect(got.map((r) => r.reason).join(' | ')).toMatch(want.reason);
        expect(got[0]!.file).toBe(files.inputs[0]);
      }
      outcome.clearReject = true;
    }
    if (c.expect.stored) {
      const { records } = await driver.executeQuery(c.expect.stored.cypher);
      expect(records[0]?.toObject()).toEqual(c.expect.stored.expected);
    }

    // Accepted = stored and nothing good lost: the graph is exactly the clean twin's.
    const twin = await twinGraph(files);
    outcome.goodDataLost = after.digest !== twin.digest;
    expect(after).toEqual(twin);
  });
});
