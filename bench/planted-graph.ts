/**
 * Synthetic co-visit graph for the Louvain comparison (bench/gds-louvain.ts) until the detection
 * engine exports the real projection in the same CSV format (`source,target,weight`, string ids).
 *
 * Shape: people belong to "catchments" (the patients of one area's institutions); most light
 * background edges (weight 1–2, a shared visit or two) stay inside a catchment, some go anywhere.
 * Planted rings are small dense groups (3–12 people, 80 % of pairs linked, weight 3–10: many
 * shared visits); half of them sit inside one catchment, where Louvain's resolution limit can
 * swallow them into the catchment, half span catchments.
 *
 *   npx tsx bench/planted-graph.ts [--nodes 150000] [--seed 7] [--out FILE]
 */
import { createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Rng } from '../generator/random.ts';

export interface PlantedGraphOptions {
  nodes: number;
  seed: number;
  catchmentSize?: number;
  /** Background edges drawn per node (so the mean background degree is about twice this). */
  edgesPerNode?: number;
  /** Share of background edges that stay inside the node's catchment. */
  localShare?: number;
  /** One planted ring per this many nodes. */
  nodesPerRing?: number;
}

export interface PlantedGraph {
  ids: string[];
  /** Undirected edges keyed by `lo * nodes + hi` (node indexes), value = weight. */
  edges: Map<number, number>;
  rings: number;
}

export function plantedGraph(opts: PlantedGraphOptions): PlantedGraph {
  const { nodes, seed } = opts;
  const catchmentSize = opts.catchmentSize ?? 300;
  const edgesPerNode = opts.edgesPerNode ?? 3;
  const localShare = opts.localShare ?? 0.8;
  const nodesPerRing = opts.nodesPerRing ?? 75;
  const catchments = Math.max(1, Math.floor(nodes / catchmentSize));
  // Node i lives in catchment i % catchments, so neighbouring ids are not neighbours in the graph.
  const inCatchment = (c: number, k: number) => c + k * catchments;
  const catchmentCount = (c: number) => Math.floor((nodes - 1 - c) / catchments) + 1;
  const edges = new Map<number, number>();
  const add = (u: number, v: number, w: number) => {
    if (u === v) return;
    const key = u < v ? u * nodes + v : v * nodes + u;
    edges.set(key, (edges.get(key) ?? 0) + w);
  };

  const background = Rng.stream(seed, 'background');
  for (let u = 0; u < nodes; u++) {
    const c = u % catchments;
    for (let k = 0; k < edgesPerNode; k++) {
      const v = background.chance(localShare) ? inCatchment(c, background.int(catchmentCount(c))) : background.int(nodes);
      add(u, v, background.chance(0.8) ? 1 : 2);
    }
  }

  const planted = Rng.stream(seed, 'rings');
  const rings = Math.floor(nodes / nodesPerRing);
  for (let r = 0; r < rings; r++) {
    const size = planted.range(3, 12);
    const members: number[] = [];
    const c = planted.int(catchments);
    const local = planted.chance(0.5);
    while (members.length < size) {
      const m = local ? inCatchment(c, planted.int(catchmentCount(c))) : planted.int(nodes);
      if (!members.includes(m)) members.push(m);
    }
    for (let i = 0; i < size; i++) {
      for (let j = i + 1; j < size; j++) if (planted.chance(0.8)) add(members[i]!, members[j]!, planted.range(3, 10));
    }
  }

  const ids = Array.from({ length: nodes }, (_, i) => `P${String(i).padStart(7, '0')}`);
  return { ids, edges, rings };
}

export async function writeEdgeCsv(graph: PlantedGraph, file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside and renamed, so an interrupted run never leaves a truncated graph to be reused.
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const n = graph.ids.length;
  out.write('source,target,weight\n');
  for (const [key, w] of graph.edges) {
    const u = Math.floor(key / n);
    if (!out.write(`${graph.ids[u]},${graph.ids[key - u * n]},${w}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(partial, file);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { nodes: { type: 'string', default: '150000' }, seed: { type: 'string', default: '7' }, out: { type: 'string' } } });
  const nodes = Number(values.nodes);
  const seed = Number(values.seed);
  const out = values.out ?? path.join('.cache', 'bench', `planted-${nodes}-seed-${seed}.csv`);
  const g = plantedGraph({ nodes, seed });
  await writeEdgeCsv(g, out);
  console.log(`${out}: ${nodes} nodes, ${g.edges.size} edges, ${g.rings} planted rings`);
}
