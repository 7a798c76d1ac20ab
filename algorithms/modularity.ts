/**
 * Newman–Girvan modularity of a partition of a weighted undirected graph (resolution 1):
 *   Q = Σ_c [ W_c / W − (S_c / 2W)² ]
 * W = total edge weight, W_c = weight of edges inside community c, S_c = weighted degree of c.
 * Computed here for both Louvain implementations so their figures are measured the same way.
 * Edges are parallel arrays of node indexes and weights; each undirected edge appears once.
 */
export interface WeightedEdges {
  source: ArrayLike<number>;
  target: ArrayLike<number>;
  weight: ArrayLike<number>;
}

export function modularity(edges: WeightedEdges, community: ArrayLike<number>): number {
  const inside = new Map<number, number>();
  const degree = new Map<number, number>();
  let total = 0;
  for (let e = 0; e < edges.source.length; e++) {
    const w = edges.weight[e]!;
    const cu = community[edges.source[e]!]!;
    const cv = community[edges.target[e]!]!;
    total += w;
    degree.set(cu, (degree.get(cu) ?? 0) + w);
    degree.set(cv, (degree.get(cv) ?? 0) + w);
    if (cu === cv) inside.set(cu, (inside.get(cu) ?? 0) + w);
  }
  if (total === 0) return 0;
  let q = 0;
  for (const [c, s] of degree) q += (inside.get(c) ?? 0) / total - (s / (2 * total)) ** 2;
  return q;
}
