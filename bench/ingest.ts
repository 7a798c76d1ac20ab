/**
 * Ingest benchmark: loads a generated dataset into an empty database, then again into the database
 * that already holds it. Prints claims/s and rows/s for each pass and the peak RSS of this process.
 *   npx tsx bench/ingest.ts [--claims 1000000] [--seed 7] [--batch-size 5000]
 * Uses its own Neo4j instance ("bench") unless NEO4J_URI is set; the dataset is cached in .cache/bench.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env.ts';
import { createDriver } from '../graph/driver.ts';
import { migrate } from '../graph/migrate.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { ensureStack, stopStack } from '../stack/stack.ts';

const { values } = parseArgs({ options: { claims: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '7' }, 'batch-size': { type: 'string', default: '5000' } } });
const env = loadEnv();
const dataDir = path.join(env.RINGLENS_CACHE_DIR, 'bench', `claims-${values.claims}-seed-${values.seed}`);
if (!existsSync(path.join(dataDir, 'claims.csv'))) {
  const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', values.claims, '--seed', values.seed, '--out', dataDir], { stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('dataset generation failed');
}
const stack = await ensureStack(env, { instance: 'bench', freshNeo4j: true, neo4jPort: 0 });
const driver = createDriver(stack.neo4j);
try {
  await migrate(driver);
  for (const pass of ['empty database', 'database already holding the data'] as const) {
    const s = await runIngest(driver, { inputs: [dataDir], rejectsDir: path.join(dataDir, 'rejects'), batchSize: Number(values['batch-size']), force: true });
    const claims = s.files.find((f) => f.kind === 'claims');
    console.log(`${pass}: ${s.read} rows in ${s.seconds.toFixed(1)} s = ${Math.round(s.read / s.seconds)} rows/s; claims file ${claims?.read ?? 0} in ${claims?.seconds.toFixed(1)} s = ${claims ? Math.round(claims.read / claims.seconds) : 0} claims/s`);
    for (const f of s.files) console.log(`  ${f.kind.padEnd(12)} ${String(f.read).padStart(9)} rows ${f.seconds.toFixed(1).padStart(7)} s ${String(Math.round(f.read / Math.max(f.seconds, 0.001))).padStart(8)} rows/s  rejected ${f.rejected}`);
  }
  console.log(`peak RSS of the ingest process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  await driver.close();
  await stopStack(env, 'bench', stack);
}
