/**
 * Ingest benchmark: loads a generated dataset into an empty database, then again into the database
 * that already holds it. Prints, per pass, claims/s of the whole load (every file, the honest figure),
 * rows/s per file, and the CPU seconds spent by this process and by the Neo4j server (on a shared
 * 2-core machine, wall time depends on the neighbours; CPU seconds show what the load costs). Ends with
 * the peak RSS of this process.
 *   npx tsx bench/ingest.ts [--claims 1000000] [--seed 7] [--batch-size 5000] [--passes 2]
 * (--passes 1: the first load only, for comparison with bench/ingest-bulk.ts)
 * Uses its own Neo4j instance ("bench") unless NEO4J_URI is set; the dataset is cached in .cache/bench.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env.ts';
import { createDriver } from '../graph/driver.ts';
import { migrate } from '../graph/migrate.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { runningInstance } from '../stack/neo4j-local.ts';
import { ensureStack, stopStack } from '../stack/stack.ts';

const { values } = parseArgs({ options: { claims: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '7' }, 'batch-size': { type: 'string', default: '5000' }, passes: { type: 'string', default: '2' } } });
const env = loadEnv();
const dataDir = path.join(env.RINGLENS_CACHE_DIR, 'bench', `claims-${values.claims}-seed-${values.seed}`);
if (!existsSync(path.join(dataDir, 'claims.csv'))) {
  const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', values.claims, '--seed', values.seed, '--out', dataDir], { stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('dataset generation failed');
}

/** CPU seconds of a local process (user + system) from /proc; undefined for a server we did not start. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const stack = await ensureStack(env, { instance: 'bench', freshNeo4j: true, neo4jPort: 0 });
const serverPid = env.NEO4J_URI ? undefined : runningInstance({ cacheDir: env.RINGLENS_CACHE_DIR, name: 'bench' })?.pid;
const driver = createDriver(stack.neo4j);
try {
  await migrate(driver);
  for (const pass of (['empty database', 'database already holding the data'] as const).slice(0, Number(values.passes))) {
    const cpu0 = { own: ownCpuSeconds(), server: cpuSecondsOf(serverPid) };
    const s = await runIngest(driver, { inputs: [dataDir], rejectsDir: path.join(dataDir, 'rejects'), batchSize: Number(values['batch-size']), force: true });
    const own = ownCpuSeconds() - cpu0.own;
    const server = cpu0.server === undefined ? undefined : cpuSecondsOf(serverPid)! - cpu0.server;
    const claims = s.files.find((f) => f.kind === 'claims');
    const claimCount = claims?.accepted ?? 0;
    console.log(`${pass}: ${claimCount} claims (${s.read} rows in all files) in ${s.seconds.toFixed(1)} s = ${Math.round(claimCount / s.seconds)} claims/s for the whole load, ${Math.round(s.read / s.seconds)} rows/s`);
    console.log(`  CPU: ingest process ${own.toFixed(1)} s, Neo4j server ${server === undefined ? 'n/a' : `${server.toFixed(1)} s`} (wall ${s.seconds.toFixed(1)} s on 2 cores)`);
    for (const f of s.files) console.log(`  ${f.kind.padEnd(12)} ${String(f.read).padStart(9)} rows ${f.seconds.toFixed(1).padStart(7)} s ${String(Math.round(f.read / Math.max(f.seconds, 0.001))).padStart(8)} rows/s  rejected ${f.rejected}`);
  }
  console.log(`peak RSS of the ingest process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  await driver.close();
  await stopStack(env, 'bench', stack);
}
