import { UndirectedGraph } from 'graphology';
import { louvain } from './graphology-louvain.ts';
import { seededRandom } from './stats.ts';

/**
 * Communities of a weighted graph given as edge arrays, sized for rings. Louvain's resolution limit
 * merges small dense groups into whatever surrounds them in a large graph, so we never run it on the
 * whole graph: each connected component is split on its own, and any community still larger than a
 * ring can be is split again (`resplit`).
 *
 * Blondel, Guillaume, Lambiotte, Lefebvre, "Fast unfolding of communities in large networks", J. Stat.
 * Mech. (2008) P10008; Fortunato & Barthélemy, "Resolution limit in community detection", PNAS 104 (2007).
 */

export interface WeightedEdgeList {
  source: ArrayLike<number>;
  target: ArrayLike<number>;
  weight: ArrayLike<number>;
}

export interface CommunityOptions {
  /** communities larger than this are split further */
  maxSize: number;
  /** communities smaller than this are dropped */
  minSize: number;
  resolution?: number;
  seed?: number;
  /** how many times an oversized community may be re-split */
  maxDepth?: number;
  /**
   * How an oversized community is split again. 'own-graph' (the default): Louvain on the community as a
   * graph of its own at the base resolution — its own edges make the null model, so a dense group inside
   * stands out — and at a doubled resolution only where that leaves one block. 'doubled': at once at a
   * doubled resolution, which cuts a loose group from the sparse crowd it came with but shatters a dense
   * group that holds most of the community's weight. Neither cut suits every group: a caller that judges
   * communities by evidence can take both (RESPLITS) and judge each distinct one.
   */
  resplit?: Resplit;
  /**
   * A stable name per node (the entity's id). Louvain's partition follows the order in which it meets
   * nodes and edges, and a projection numbers entities in its own order (a bulk-loaded store's node order
   * is not the files' order): with names, nodes and edges are taken in name order, so the same graph of
   * the same entities gives the same communities however they were numbered.
   */
  key?: (node: number) => string;
}

export const RESPLITS = ['own-graph', 'doubled'] as const;
export type Resplit = (typeof RESPLITS)[number];

export function connectedComponents(nodeCount: number, edges: WeightedEdgeList): number[][] {
  const parent = Int32Array.from({ length: nodeCount }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const touched = new Uint8Array(nodeCount);
  for (let e = 0; e < edges.source.length; e++) {
    const a = find(edges.source[e]!);
    const b = find(edges.target[e]!);
    touched[edges.source[e]!] = 1;
    touched[edges.target[e]!] = 1;
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const groups = new Map<number, number[]>();
  for (let v = 0; v < nodeCount; v++) {
    if (!touched[v]) continue;
    const r = find(v);
    const g = groups.get(r);
    if (g) g.push(v);
    else groups.set(r, [v]);
  }
  return [...groups.values()];
}

function split(nodes: number[], adjacency: Map<number, Map<number, number>>, resolution: number, rng: () => number): number[][] {
  const g = new UndirectedGraph();
  for (const v of nodes) g.addNode(String(v));
  const inside = new Set(nodes);
  for (const v of nodes) {
    for (const [u, w] of adjacency.get(v) ?? []) if (u > v && inside.has(u)) g.addEdge(String(v), String(u), { weight: w });
  }
  if (g.size === 0) return nodes.map((v) => [v]);
  const mapping = louvain(g, { getEdgeWeight: 'weight', resolution, rng });
  const out = new Map<number, number[]>();
  for (const v of nodes) {
    const c = mapping[String(v)]!;
    const list = out.get(c);
    if (list) list.push(v);
    else out.set(c, [v]);
  }
  return [...out.values()];
}

export function ringCommunities(nodeCount: number, edges: WeightedEdgeList, opts: CommunityOptions): number[][] {
  return ringCommunityCuts(nodeCount, edges, opts, [opts.resplit ?? 'own-graph'])[0]!;
}

/**
 * The communities of each way of re-splitting (`resplits`), one list per way: the same as ringCommunities
 * with each `resplit` in turn, with the components and their first cut found once.
 */
export function ringCommunityCuts(nodeCount: number, edges: WeightedEdgeList, opts: CommunityOptions, resplits: readonly Resplit[]): number[][][] {
  if (opts.key) return inNameOrder(edges, opts, opts.key, resplits);
  const seed = opts.seed ?? 42;
  const maxDepth = opts.maxDepth ?? 4;
  const components = connectedComponents(nodeCount, edges);
  const results: number[][][] = resplits.map(() => []);
  let adjacency: Map<number, Map<number, number>> | undefined;
  const buildAdjacency = () => {
    const adj = new Map<number, Map<number, number>>();
    const add = (a: number, b: number, w: number) => {
      let m = adj.get(a);
      if (!m) adj.set(a, (m = new Map()));
      m.set(b, (m.get(b) ?? 0) + w);
    };
    for (let e = 0; e < edges.source.length; e++) {
      add(edges.source[e]!, edges.target[e]!, edges.weight[e]!);
      add(edges.target[e]!, edges.source[e]!, edges.weight[e]!);
    }
    return adj;
  };
  const keep = (result: number[][], nodes: number[]) => {
    if (nodes.length >= opts.minSize) result.push([...nodes].sort((a, b) => a - b));
  };
  const base = opts.resolution ?? 1;
  // An oversized community is split again (see `resplit`), up to maxDepth times: 'doubled' at twice the
  // resolution it was cut at; 'own-graph' at the base resolution on its own edges, doubling only while
  // that leaves one block.
  const refine = (result: number[][], ownGraph: boolean, nodes: number[], resolution: number, depth: number, rng: () => number) => {
    if (nodes.length <= opts.maxSize || depth > maxDepth) return keep(result, nodes);
    adjacency ??= buildAdjacency();
    let parts = split(nodes, adjacency, ownGraph ? base : resolution, rng);
    if (ownGraph) for (let r = base * 2, k = depth; parts.length === 1 && k <= maxDepth; r *= 2, k++) parts = split(nodes, adjacency, r, rng);
    // Louvain sees one dense block: splitting it further would be arbitrary.
    if (parts.length === 1) return keep(result, nodes);
    for (const p of parts) refine(result, ownGraph, p, resolution * 2, depth + 1, rng);
  };
  for (const c of components) {
    // Even a small component can be two rings joined by a shared member (overlapping schemes):
    // Louvain separates them, and leaves a single dense group whole.
    if (c.length < 2 * opts.minSize) {
      for (const result of results) keep(result, c);
      continue;
    }
    adjacency ??= buildAdjacency();
    // Each component draws from its own stream, seeded by its first node: how one component is cut does
    // not move the cut of every component after it (components list their nodes in order). Each way of
    // re-splitting goes on from the stream as the first cut left it.
    const rng = seededRandom((Math.imul(seed, 0x9e3779b1) ^ c[0]!) >>> 0);
    const top = split(c, adjacency, base, rng);
    resplits.forEach((resplit, k) => {
      const stream = rng.fork();
      for (const p of top) refine(results[k]!, resplit === 'own-graph', p, base * 2, 1, stream);
    });
  }
  return results.map((result) => result.sort((a, b) => a[0]! - b[0]!));
}

/**
 * ringCommunityCuts on the graph renumbered in the nodes' name order, edges sorted by their renumbered
 * ends: communities come back as node numbers again (each sorted), in the order of their first member's name.
 */
function inNameOrder(edges: WeightedEdgeList, opts: CommunityOptions, key: (node: number) => string, resplits: readonly Resplit[]): number[][][] {
  const used = new Set<number>();
  for (let e = 0; e < edges.source.length; e++) {
    used.add(edges.source[e]!);
    used.add(edges.target[e]!);
  }
  const names = new Map<number, string>();
  for (const v of used) names.set(v, key(v));
  const nodes = [...used].sort((a, b) => (names.get(a)! < names.get(b)! ? -1 : names.get(a)! > names.get(b)! ? 1 : a - b));
  const rank = new Map<number, number>();
  nodes.forEach((v, i) => rank.set(v, i));
  const m = edges.source.length;
  const lo = new Int32Array(m);
  const hi = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const a = rank.get(edges.source[e]!)!;
    const b = rank.get(edges.target[e]!)!;
    lo[e] = Math.min(a, b);
    hi[e] = Math.max(a, b);
  }
  const order = Int32Array.from({ length: m }, (_, e) => e).sort((x, y) => lo[x]! - lo[y]! || hi[x]! - hi[y]! || edges.weight[x]! - edges.weight[y]!);
  const renumbered: WeightedEdgeList = {
    source: Int32Array.from(order, (e) => lo[e]!),
    target: Int32Array.from(order, (e) => hi[e]!),
    weight: Float64Array.from(order, (e) => edges.weight[e]!),
  };
  const { key: _, ...plain } = opts;
  return ringCommunityCuts(nodes.length, renumbered, plain, resplits).map((cut) => cut.map((c) => c.map((r) => nodes[r]!).sort((a, b) => a - b)));
}
