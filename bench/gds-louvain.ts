/**
 * Louvain in Neo4j Graph Data Science (OpenGDS, in the server) beside graphology-communities-louvain
 * (in this process) on the same weighted undirected graph: time, communities, modularity, community
 * sizes and how far the two partitions agree.
 *
 *   npm run bench:gds -- [edges.csv] [--runs 3] [--concurrency 1,2,4] [--batch-size 50000]
 *
 * --concurrency: GDS thread counts to try; 4 is GDS's default and OpenGDS's maximum, 1 is like-for-like
 * with graphology (single-threaded).
 * edges.csv: header `source,target,weight`, string ids, one row per undirected edge. Without it a
 * synthetic planted-ring graph (150k nodes, ~490k edges; bench/planted-graph.ts) is generated once
 * into .cache/bench/. Starts its own Neo4j instance "gds" with the GDS plugin (fresh store, heap 2g,
 * page cache 1g unless NEO4J_HEAP / NEO4J_PAGECACHE say otherwise) and stops it afterwards; with
 * NEO4J_URI set it uses that server, which must have GDS and no :P nodes yet.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Driver } from 'neo4j-driver';
import { modularity } from '../algorithms/modularity.ts';
import { adjustedRandIndex, normalizedMutualInformation } from '../algorithms/partition-agreement.ts';
import { median, partitionSizes } from '../algorithms/partition-sizes.ts';
import { loadEnv } from '../config/env.ts';
import { createDriver } from '../graph/driver.ts';
import { stopNeo4j } from '../stack/neo4j-local.ts';
import { ensureNeo4j } from '../stack/stack.ts';
import { readEdgeList, type EdgeList } from './edge-list.ts';
import { dropGraph, gdsVersion, loadIntoNeo4j, projectGraph, projectionMemory, runGdsLouvain } from './gds-side.ts';
import { buildGraph, runGraphologyLouvain } from './graphology-side.ts';
import { plantedGraph, writeEdgeCsv } from './planted-graph.ts';

const INSTANCE = 'gds';
const GRAPH = 'ringlens_louvain_bench';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,2,4' },
    'batch-size': { type: 'string', default: '50000' },
    seed: { type: 'string', default: '1' },
  },
});
const runs = positiveInt('runs', values.runs);
const concurrencies = values.concurrency.split(',').map((c) => positiveInt('concurrency', c));
const batchSize = positiveInt('batch-size', values['batch-size']);
const seed = positiveInt('seed', values.seed);

/** One implementation's (or one GDS setting's) runs on the graph. */
interface Contender {
  name: string;
  prepare: string;
  runs: { seconds: number; partition: Int32Array; detail: string }[];
}

const env = loadEnv({ ...process.env, NEO4J_HEAP: process.env.NEO4J_HEAP ?? '2g', NEO4J_PAGECACHE: process.env.NEO4J_PAGECACHE ?? '1g' });
const csv = positionals[0] ?? (await syntheticGraph(env.RINGLENS_CACHE_DIR));
let started = process.hrtime.bigint();
const el = await readEdgeList(csv);
console.log(`${csv}: ${el.ids.length} nodes, ${el.source.length} edges (${el.rows} rows, ${el.duplicatesMerged} duplicate pairs merged, ${el.selfLoopsDropped} self-loops dropped), read in ${since(started).toFixed(1)} s`);

// Ours first, while no Neo4j competes for the two cores.
const loadBefore = loadavg()[0]!;
const contenders: Contender[] = [graphologyContender(el)];
contenders.push(...(await gdsContenders(el)));
printComparison(el, contenders);
console.log(`\npeak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB. Times are medians of ${runs} runs (every run listed).`);
console.log(`1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after, on ${availableParallelism()} CPUs: other work on the machine inflates and scatters the times.`);

function graphologyContender(el: EdgeList): Contender {
  started = process.hrtime.bigint();
  const g = buildGraph(el);
  const buildSeconds = since(started);
  const c: Contender = { name: 'graphology (in-process)', prepare: `build graph ${buildSeconds.toFixed(1)} s`, runs: [] };
  for (let r = 0; r < runs; r++) {
    const run = runGraphologyLouvain(g, el.ids, seed + r);
    c.runs.push({ seconds: run.seconds, partition: run.partition, detail: `reported Q ${run.reportedModularity.toFixed(4)}` });
    console.log(`graphology run ${r + 1}: ${run.seconds.toFixed(2)} s, ${run.communities} communities`);
  }
  return c;
}

async function gdsContenders(el: EdgeList): Promise<Contender[]> {
  const neo4j = await ensureNeo4j(env, { instance: INSTANCE, freshNeo4j: true, neo4jPort: 0, withGds: true });
  const driver = createDriver(neo4j);
  try {
    const version = await gdsVersion(driver);
    await assertNoBenchNodes(driver);
    const loadSeconds = await loadIntoNeo4j(driver, el, batchSize);
    console.log(`loaded into Neo4j ${neo4j.version ?? ''} in ${loadSeconds.toFixed(1)} s (batches of ${batchSize})`);
    const p = await projectGraph(driver, GRAPH);
    if (p.nodeCount !== el.ids.length || p.relationshipCount !== 2 * el.source.length) {
      throw new Error(`GDS projected ${p.nodeCount} nodes / ${p.relationshipCount} relationships, expected ${el.ids.length} / ${2 * el.source.length}`);
    }
    console.log(`projected: ${p.wallSeconds.toFixed(2)} s wall, GDS projectMillis ${p.projectMillis}`);
    const nodeIndex = new Map(el.ids.map((id, i) => [id, i]));
    const out: Contender[] = [];
    let run = 0;
    for (const concurrency of concurrencies) {
      const c: Contender = {
        name: `GDS ${version} c=${concurrency}`,
        prepare: `load ${loadSeconds.toFixed(1)} s + project ${p.wallSeconds.toFixed(1)} s (GDS ${(p.projectMillis / 1000).toFixed(1)} s)`,
        runs: [],
      };
      for (let r = 0; r < runs; r++) {
        const g = await runGdsLouvain(driver, GRAPH, run++, concurrency, nodeIndex);
        c.runs.push({ seconds: g.wallSeconds, partition: g.partition, detail: `GDS compute ${(g.computeMillis / 1000).toFixed(2)} s, reported Q ${g.reportedModularity.toFixed(4)}, ${g.ranLevels} levels` });
        console.log(`GDS c=${concurrency} run ${r + 1}: ${g.wallSeconds.toFixed(2)} s wall, computeMillis ${g.computeMillis}, preProcessingMillis ${g.preProcessingMillis}, mutateMillis ${g.mutateMillis}, ${g.communities} communities`);
      }
      out.push(c);
    }
    console.log(`GDS in-memory projection (with ${run} community properties): ${await projectionMemory(driver, GRAPH)}`);
    await dropGraph(driver, GRAPH);
    return out;
  } finally {
    await driver.close();
    if (neo4j.owned) await stopNeo4j({ cacheDir: env.RINGLENS_CACHE_DIR, name: INSTANCE });
  }
}

function printComparison(el: EdgeList, contenders: Contender[]): void {
  const reference = contenders[0]!.runs[0]!.partition;
  const rows: string[][] = [['', ...contenders.map((c) => c.name)]];
  const row = (label: string, f: (c: Contender) => string) => rows.push([label, ...contenders.map(f)]);
  const first = (c: Contender) => c.runs[0]!.partition;
  const sizes = new Map(contenders.map((c) => [c, partitionSizes(first(c))]));
  row('nodes / edges', () => `${el.ids.length} / ${el.source.length}`);
  row('preparation', (c) => c.prepare);
  row('Louvain time, median', (c) => `${median(c.runs.map((r) => r.seconds).sort((a, b) => a - b)).toFixed(2)} s`);
  row('  every run', (c) => c.runs.map((r) => r.seconds.toFixed(2)).join(' / ') + ' s');
  row('communities (run 1)', (c) => String(sizes.get(c)!.communities));
  row('modularity (run 1, ours)', (c) => modularity(el, first(c)).toFixed(4));
  row('  as reported', (c) => c.runs[0]!.detail);
  row('community size min / median / max', (c) => `${sizes.get(c)!.minSize} / ${sizes.get(c)!.medianSize} / ${sizes.get(c)!.maxSize}`);
  row('communities of size ≥ 3', (c) => String(sizes.get(c)!.atLeast3));
  row('NMI / ARI vs graphology run 1', (c) => agreement(reference, first(c)));
  row('NMI / ARI run 1 vs later runs', (c) => (c.runs.length < 2 ? '-' : c.runs.slice(1).map((r) => agreement(first(c), r.partition)).join(', ')));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log('');
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

function agreement(a: Int32Array, b: Int32Array): string {
  return `${normalizedMutualInformation(a, b).toFixed(3)} / ${adjustedRandIndex(a, b).toFixed(3)}`;
}

async function assertNoBenchNodes(driver: Driver): Promise<void> {
  const { records } = await driver.executeQuery('MATCH (p:P) RETURN count(p) AS n');
  const n = records[0]!.get('n') as number;
  if (n > 0) throw new Error(`the database already holds ${n} :P nodes; this bench loads its graph as :P/:CO into an empty database`);
}

async function syntheticGraph(cacheDir: string): Promise<string> {
  const file = path.join(cacheDir, 'bench', 'planted-150000-seed-7.csv');
  if (!existsSync(file)) {
    const g = plantedGraph({ nodes: 150_000, seed: 7 });
    await writeEdgeCsv(g, file);
    console.log(`generated ${file}: ${g.edges.size} edges, ${g.rings} planted rings`);
  }
  return file;
}

function since(t: bigint): number {
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
  return n;
}
