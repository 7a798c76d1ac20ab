/**
 * Export benchmark: builds the case export package for the largest ring (most evidence claims) of a
 * generated dataset loaded into its own Neo4j instance ("bench-export-<claims>"), as a referred case
 * exported by a liaison (full data: the largest package), and prints package size, export time per
 * stage (median of --runs), peak RSS and verification time.
 *   npx tsx bench/export.ts [--claims 1000000] [--seed 7] [--runs 3] [--reuse] [--out FILE]
 * --reuse keeps the instance's store between invocations (loading 1M claims takes ~8 minutes).
 * Uses NEO4J_URI instead when it is set.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env.ts';
import { runDetection } from '../detection/run-detection.ts';
import { verifyPackage } from '../exports/package/verify.ts';
import { createDriver } from '../graph/driver.ts';
import { migrate } from '../graph/migrate.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { runExport, type ExportJobResult } from '../jobs/export-job.ts';
import { ensureStack, stopStack } from '../stack/stack.ts';
import { openCaseAt } from '../test/fixtures/case-node.ts';

const { values } = parseArgs({ options: { claims: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '7' }, runs: { type: 'string', default: '3' }, reuse: { type: 'boolean', default: false }, out: { type: 'string' } } });
const env = loadEnv();
const dataDir = path.join(env.RINGLENS_CACHE_DIR, 'bench', `claims-${values.claims}-seed-${values.seed}`);
if (!existsSync(path.join(dataDir, 'claims.csv'))) {
  const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', values.claims, '--seed', values.seed, '--out', dataDir], { stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('dataset generation failed');
}
const instance = `bench-export-${values.claims}`;
const stack = await ensureStack(env, { instance, freshNeo4j: !values.reuse, neo4jPort: 0 });
const driver = createDriver(stack.neo4j);
const out = values.out ?? path.join(env.RINGLENS_CACHE_DIR, 'bench', `export-largest-${values.claims}.zip`);
try {
  await migrate(driver);
  const { records } = await driver.executeQuery('MATCH (c:Claim) RETURN count(c) AS n');
  if (Number(records[0]!.get('n')) !== Number(values.claims)) {
    const started = Date.now();
    const s = await runIngest(driver, { inputs: [dataDir], rejectsDir: path.join(env.RINGLENS_CACHE_DIR, 'bench', `rejects-${values.claims}`), batchSize: 5000, force: true });
    console.log(`loaded ${s.read} rows in ${((Date.now() - started) / 1000).toFixed(0)} s (not part of the export figures)`);
  }
  const rings = await driver.executeQuery("MATCH (r:Ring {status: 'active'}) RETURN count(r) AS n");
  if (Number(rings.records[0]!.get('n')) === 0) {
    const t = Date.now();
    const d = await runDetection(driver);
    console.log(`detection: ${d.rings.length} rings in ${((Date.now() - t) / 1000).toFixed(0)} s (not part of the export figures)`);
  }
  // The heaviest package (most evidence claims) and the widest network (most members), if another ring.
  const pick = async (order: string) =>
    (await driver.executeQuery(`MATCH (r:Ring {status: 'active'}) RETURN r.ringId AS ringId, r.family AS family, r.claimCount AS claims, r.memberCount AS members ORDER BY ${order} LIMIT 1`)).records[0]!.toObject() as { ringId: string; family: string; claims: number; members: number };
  const targets = [await pick('r.claimCount DESC, r.memberCount DESC, r.ringId'), await pick('r.memberCount DESC, r.claimCount DESC, r.ringId')];
  if (targets[1]!.ringId === targets[0]!.ringId) targets.pop();
  for (const [i, ring] of targets.entries()) {
    const open = await driver.executeQuery("MATCH (c:Case {status: 'referred'})-[:ABOUT]->(:Ring {ringId: $ringId}) RETURN c.caseId AS caseId", { ringId: ring.ringId });
    const caseId = (open.records[0]?.get('caseId') as string | undefined) ?? (await openCaseAt(driver, { ringId: ring.ringId, status: 'referred' }));
    const file = i === 0 ? out : out.replace(/\.zip$/, '-most-members.zip');
    console.log(`\n${i === 0 ? 'largest ring (most evidence claims)' : 'ring with the most members'} ${ring.ringId} (${ring.family}): ${ring.members} members, ${ring.claims} evidence claims; exporting case ${caseId} as liaison (full data)`);
    const results: ExportJobResult[] = [];
    for (let k = 0; k < Number(values.runs); k++) {
      const r = await runExport({ caseId, exporter: { user: 'bench', role: 'liaison' }, lang: 'zh', out: file }, { driver, env, audit: async () => {} });
      results.push(r);
      console.log(`run ${k + 1}: ${(r.timings.total! / 1000).toFixed(2)} s — ${Object.entries(r.timings).map(([s, v]) => `${s} ${v} ms`).join(', ')}`);
    }
    results.sort((a, b) => a.timings.total! - b.timings.total!);
    const median = results[results.length >> 1]!;
    const t = performance.now();
    const verified = await verifyPackage(readFileSync(file));
    const verifyMs = Math.round(performance.now() - t);
    const zipBytes = statSync(file).size;
    console.log(
      `${values.claims} claims, ring ${ring.ringId}: package ${(zipBytes / 1024 / 1024).toFixed(2)} MB (${zipBytes} bytes; ${median.entities} entities, ${median.claims} claims); ` +
        `median export ${(median.timings.total! / 1000).toFixed(2)} s over ${results.length} runs (${Object.entries(median.timings).map(([s, v]) => `${s} ${v}`).join(', ')} ms); verify ${verifyMs} ms (${verified.ok ? 'ok' : 'FAILED'}); package at ${file}`,
    );
    for (const f of verified.manifest!.files) console.log(`  ${f.path.padEnd(24)} ${(f.bytes / 1024).toFixed(0).padStart(7)} KiB`);
  }
  console.log(`peak RSS of this process ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (includes loading and detection when they ran here)`);
} finally {
  await driver.close();
  await stopStack(env, instance, stack);
}
