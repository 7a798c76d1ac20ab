import { UndirectedGraph } from 'graphology';
import { louvain } from '../algorithms/graphology-louvain.ts';
import { Rng } from '../generator/random.ts';
import type { EdgeList } from './edge-list.ts';

/** Our side of the comparison: graphology-communities-louvain in this process. */
export function buildGraph(el: EdgeList): UndirectedGraph {
  const g = new UndirectedGraph({ allowSelfLoops: false });
  for (const id of el.ids) g.addNode(id);
  for (let e = 0; e < el.source.length; e++) g.addEdge(el.ids[el.source[e]!]!, el.ids[el.target[e]!]!, { weight: el.weight[e]! });
  return g;
}

export interface GraphologyRun {
  seconds: number;
  /** Community per node index of the edge list. */
  partition: Int32Array;
  communities: number;
  reportedModularity: number;
}

/** One Louvain run with default options (resolution 1, fast local moves, random walk) and a seeded RNG. */
export function runGraphologyLouvain(g: UndirectedGraph, ids: string[], seed: number): GraphologyRun {
  const rng = new Rng(seed, 'louvain');
  const started = process.hrtime.bigint();
  const result = louvain.detailed(g, { getEdgeWeight: 'weight', rng: () => rng.float() });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const partition = Int32Array.from(ids, (id) => result.communities[id]!);
  return { seconds, partition, communities: result.count, reportedModularity: result.modularity };
}
