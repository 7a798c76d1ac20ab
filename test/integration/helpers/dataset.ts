import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Driver } from 'neo4j-driver';
import { expect } from 'vitest';
import { migrate } from '../../../graph/migrate.ts';
import { runIngest } from '../../../ingest/run-ingest.ts';
import { wipeGraph } from '../graph-snapshot.ts';

/**
 * A generated dataset in an empty, migrated graph: `ringlens generate --claims N --seed S` into a
 * fresh temporary folder, then ingested with no rejects. Returns the folder and the data inside it.
 */
export async function loadGeneratedDataset(driver: Driver, opts: { claims: number; seed: number; prefix: string }): Promise<{ dir: string; data: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), opts.prefix));
  const data = path.join(dir, 'data');
  const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', String(opts.claims), '--seed', String(opts.seed), '--out', data], { encoding: 'utf8' });
  expect(gen.status, gen.stderr).toBe(0);
  await wipeGraph(driver);
  await migrate(driver);
  const ingest = await runIngest(driver, { inputs: [data], rejectsDir: path.join(dir, 'rejects') });
  expect(ingest.rejected).toBe(0);
  return { dir, data };
}
