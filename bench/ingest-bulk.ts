/**
 * Bulk ingest benchmark: `ringlens ingest --bulk` (neo4j-admin import) of a generated dataset into a
 * fresh, empty local instance ("bench-bulk"), --runs times. Prints per run the end-to-end claims/s,
 * every phase, the CPU seconds of the two validation threads, the load average around the run; then
 * the median of each figure, and the peak RSS of this process (main thread + validation threads; the
 * importer and the server are separate JVMs sized by NEO4J_HEAP / NEO4J_PAGECACHE).
 *   npx tsx bench/ingest-bulk.ts [--claims 1000000] [--seed 7] [--runs 3] [--import-threads N]
 * The transactional path on the same dataset: bench/ingest.ts. Dataset cached in .cache/bench.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env.ts';
import { runBulkIngest, type BulkIngestResult } from '../ingest/bulk/bulk-ingest.ts';
import { startNeo4j, stopNeo4j } from '../stack/neo4j-local.ts';

const { values } = parseArgs({
  options: {
    claims: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '7' },
    runs: { type: 'string', default: '3' },
    'import-threads': { type: 'string' },
  },
});
const env = loadEnv();
if (env.NEO4J_URI) throw new Error('bench/ingest-bulk.ts loads a local instance; unset NEO4J_URI');
const dataDir = path.join(env.RINGLENS_CACHE_DIR, 'bench', `claims-${values.claims}-seed-${values.seed}`);
if (!existsSync(path.join(dataDir, 'claims.csv'))) {
  const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', values.claims, '--seed', values.seed, '--out', dataDir], { stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('dataset generation failed');
}
const instance = { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: 'bench-bulk', heap: env.NEO4J_HEAP, pageCache: env.NEO4J_PAGECACHE };
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const results: BulkIngestResult[] = [];
const claimsOf = (r: BulkIngestResult) => r.summary.files.filter((f) => f.kind === 'claims').reduce((n, f) => n + f.accepted, 0);
console.log(`bulk ingest of ${dataDir}: ${values.runs} run(s), heap ${instance.heap}, page cache / importer off-heap ${instance.pageCache}, ${os.availableParallelism()} cores`);
try {
  for (let run = 1; run <= Number(values.runs); run++) {
    await startNeo4j({ ...instance, fresh: true, preferredPort: 0 });
    const loadBefore = load();
    const r = await runBulkIngest({
      inputs: [dataDir],
      rejectsDir: mkdtempSync(path.join(os.tmpdir(), 'ringlens-bench-rejects-')),
      instance,
      ...(values['import-threads'] ? { importThreads: Number(values['import-threads']) } : {}),
    });
    results.push(r);
    const claims = claimsOf(r);
    console.log(`run ${run}: ${claims} claims (${r.summary.read} rows, ${r.nodes} nodes, ${r.relationships} relationships) in ${r.summary.seconds.toFixed(1)} s = ${Math.round(claims / r.summary.seconds)} claims/s; load average before ${loadBefore}, after ${load()}`);
    for (const p of r.phases) console.log(`  ${p.seconds.toFixed(1).padStart(7)} s  ${p.name}`);
    console.log(`  validation threads: ${r.laneCpuSeconds.toFixed(1)} CPU s; importer threads ${r.importThreads}; importer: ${r.importerReport}`);
    await stopNeo4j(instance);
  }
} finally {
  await stopNeo4j(instance);
}
if (results.length > 1) {
  const secs = results.map((r) => r.summary.seconds);
  console.log(`median of ${results.length}: ${median(secs).toFixed(1)} s = ${Math.round(claimsOf(results[0]!) / median(secs))} claims/s end to end`);
  for (const name of results[0]!.phases.map((p) => p.name)) {
    console.log(`  ${median(results.map((r) => r.phases.find((p) => p.name === name)?.seconds ?? 0)).toFixed(1).padStart(7)} s  ${name}`);
  }
  console.log(`  validation threads: ${median(results.map((r) => r.laneCpuSeconds)).toFixed(1)} CPU s`);
}
console.log(`peak RSS of this process (main + validation threads): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
