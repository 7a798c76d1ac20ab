/**
 * Where a detection run's peak memory comes from (issue 24): peak RSS per stage — projection (full from
 * Neo4j, or incremental from a snapshot folder, or the ClaimSet built from canonical files), each
 * detector, overlap resolution and assembly — sampled every 5 ms by a worker thread (bench/rss-sampler.ts),
 * and the heap and array-buffer bytes still held when each stage ends.
 *
 *   npx tsx bench/detect-memory.ts --instance NAME [--snapshots DIR] [--sessions 2]
 *   npx tsx bench/detect-memory.ts --files .cache/bench/claims-1000000-seed-7-varied
 *
 * With --snapshots the projection is `projectIncremental` from that folder (the first call makes the
 * snapshot with a full projection; call again for the nightly path). Nothing is written back.
 * `--heap size` runs with V8's --optimize-for-size (what RINGLENS_V8_OPTIMIZE_FOR_SIZE=1 gives `ringlens detect`,
 * bin/v8-memory.js); `--heap default` (the default) leaves V8's defaults, as `ringlens detect` does.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { ClaimSet } from '../algorithms/claim-set.ts';
import { loadEnv } from '../config/env.ts';
import { assembleRings } from '../detection/assemble.ts';
import { resolveOverlaps } from '../detection/resolve-overlaps.ts';
import { runDetectors } from '../detection/run-detectors.ts';
import { claimSetFromFiles } from '../evaluation/claim-set-from-files.ts';
import { createDriver } from '../graph/driver.ts';
import { projectIncremental } from '../graph/projection/incremental.ts';
import { projectFull } from '../graph/projection/project-claims.ts';
import { ensureNeo4j } from '../stack/stack.ts';
import { optimizeForSize } from '../bin/v8-memory.js';
import { RssSampler } from './rss-sampler.ts';

const { values } = parseArgs({ options: { instance: { type: 'string' }, files: { type: 'string' }, snapshots: { type: 'string' }, sessions: { type: 'string', default: '2' }, heap: { type: 'string', default: 'default' } } });
if (!values.instance && !values.files) throw new Error('give --instance NAME or --files DIR');
if (values.heap !== 'size' && values.heap !== 'default') throw new Error("--heap is size (V8's --optimize-for-size) or default");
if (values.heap === 'size') optimizeForSize();
const heapSettings = values.heap === 'size' ? "V8's --optimize-for-size (bin/v8-memory.js)" : "V8's default heap settings";
const mb = (b: number) => Math.round(b / 2 ** 20);
const held: { stage: string; rss: number; heap: number; buffers: number }[] = [];
const note = (stage: string) => {
  const m = process.memoryUsage();
  held.push({ stage, rss: mb(m.rss), heap: mb(m.heapUsed), buffers: mb(m.arrayBuffers) });
};

const sampler = new RssSampler();
const t0 = performance.now();
let set: ClaimSet;
let how = '';
sampler.stage('projection');
if (values.files) {
  set = await claimSetFromFiles(values.files);
  how = 'built from files';
} else {
  const env = loadEnv();
  const neo4j = await ensureNeo4j(env, { instance: values.instance!, neo4jPort: 0 });
  const driver = createDriver(neo4j);
  try {
    if (values.snapshots) {
      const r = await projectIncremental(driver, {}, { dir: values.snapshots, sessions: Number(values.sessions), onProgress: (p) => sampler.stage(`projection: ${p.stage}`) });
      set = r.set;
      how = `${r.mode}${r.reason ? ` (${r.reason})` : ''}, ${JSON.stringify(r.seconds)}`;
    } else {
      set = (await projectFull(driver, {}, (p) => sampler.stage(`projection: ${p.stage}`), { sessions: Number(values.sessions) })).state.set;
      how = 'full';
    }
  } finally {
    await driver.close();
  }
}
const projection = (performance.now() - t0) / 1000;
sampler.stage('projection: after');
note('projection: after');
const steps = ['card-lending', 'card-farming', 'kickback', 'recruited-patients', 'split-hospitalization', 'over-treatment', 'trace-code-reuse', 'code-mismatch'];
// runDetectors reports a detector when it has finished: the first stage is knowledge, kinship and card lending.
sampler.stage('card-lending');
const t1 = performance.now();
const { candidates, timings } = runDetectors(set, undefined, (name, done) => {
  note(name);
  if (done < steps.length) sampler.stage(steps[done]!);
});
const detectors = (performance.now() - t1) / 1000;
sampler.stage('resolve + assemble');
const rings = assembleRings(set, resolveOverlaps(candidates), 'memory');
note('resolve + assemble');
const peaks = await sampler.stop();
const claims = set.claims.count;
console.log(`${claims} claims, projection ${how} in ${projection.toFixed(1)} s, detectors ${detectors.toFixed(1)} s (${Object.entries(timings).map(([k, s]) => `${k} ${s.toFixed(1)}`).join(', ')}), ${rings.length} rings; ${heapSettings}; load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('| stage | peak RSS during it (MB) | RSS / heap used / array buffers at its end (MB) |');
console.log('|---|---|---|');
for (const p of peaks) {
  if (p.stage === 'start') continue;
  const h = held.find((x) => x.stage === p.stage);
  console.log(`| ${p.stage} | ${p.peakMb} | ${h ? `${h.rss} / ${h.heap} / ${h.buffers}` : ''} |`);
}
const peak = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`peak RSS of the process ${peak} MB = ${Math.round((peak * 2 ** 20) / claims)} B/claim`);
process.exit(0);
