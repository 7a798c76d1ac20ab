/**
 * Detection benchmark: a full `ringlens detect` run over a generated dataset loaded into its own Neo4j
 * instance ("bench-detect"), printing per-stage times, peak RSS and the quality report against the
 * dataset's ground truth.
 *   npx tsx bench/detect.ts [--claims 1000000] [--seed 7] [--profile classic|varied] [--runs 3] [--reuse]
 * --reuse keeps the instance's store between invocations (the load is by far the slowest part).
 * Uses NEO4J_URI instead when it is set.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env.ts';
import { runDetection, detectedRingsDocument } from '../detection/run-detection.ts';
import { GroundTruthSchema } from '../evaluation/formats.ts';
import { formatReport, score } from '../evaluation/score.ts';
import { createDriver } from '../graph/driver.ts';
import { migrate } from '../graph/migrate.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { ensureStack, stopStack } from '../stack/stack.ts';

const { values } = parseArgs({ options: { claims: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '7' }, runs: { type: 'string', default: '3' }, reuse: { type: 'boolean', default: false }, profile: { type: 'string', default: 'classic' } } });
const env = loadEnv();
const suffix = values.profile === 'classic' ? '' : `-${values.profile}`;
const dataDir = path.join(env.RINGLENS_CACHE_DIR, 'bench', `claims-${values.claims}-seed-${values.seed}${suffix}`);
if (!existsSync(path.join(dataDir, 'claims.csv'))) {
  const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', values.claims, '--seed', values.seed, '--profile', values.profile, '--out', dataDir], { stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('dataset generation failed');
}
const instance = `bench-detect-${values.claims}${suffix}`;
const stack = await ensureStack(env, { instance, freshNeo4j: !values.reuse, neo4jPort: 0 });
const driver = createDriver(stack.neo4j);
try {
  await migrate(driver);
  const { records } = await driver.executeQuery('MATCH (c:Claim) RETURN count(c) AS n');
  if (Number(records[0]!.get('n')) !== Number(values.claims)) {
    const started = Date.now();
    const s = await runIngest(driver, { inputs: [dataDir], rejectsDir: path.join(dataDir, 'rejects'), batchSize: 5000, force: true });
    console.log(`loaded ${s.read} rows in ${((Date.now() - started) / 1000).toFixed(0)} s (not part of the detection figures)`);
  }
  const totals: number[] = [];
  let last;
  for (let k = 0; k < Number(values.runs); k++) {
    const t = performance.now();
    last = await runDetection(driver);
    const total = (performance.now() - t) / 1000;
    totals.push(total);
    console.log(`run ${k + 1}: ${total.toFixed(1)} s — ${Object.entries(last.timings).map(([s, v]) => `${s} ${v}`).join(', ')}`);
  }
  totals.sort((a, b) => a - b);
  console.log(`${values.claims} claims: median full run ${totals[totals.length >> 1]!.toFixed(1)} s over ${totals.length} runs; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  const truth = GroundTruthSchema.parse(JSON.parse(readFileSync(path.join(dataDir, 'ground-truth.json'), 'utf8')));
  console.log(formatReport(score(truth, detectedRingsDocument(last!.runId, new Date().toISOString(), last!.rings))));
} finally {
  await driver.close();
  await stopStack(env, instance, stack);
}
