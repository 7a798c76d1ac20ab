import { UndirectedGraph } from 'graphology';
import forceAtlas2Module from 'graphology-layout-forceatlas2';

// CommonJS module whose typings say `export default` (as with Louvain, see algorithms/graphology-louvain.ts).
const forceAtlas2 = forceAtlas2Module as unknown as typeof forceAtlas2Module.default;

/**
 * Positions for a network picture and for the graph files (Gephi opens GEXF with them): ForceAtlas2
 * from deterministic starting points (a golden-angle spiral in node order), so the same package
 * always draws the same picture. Nodes without links are placed on the spiral only.
 */
export interface LayoutInput {
  nodes: string[];
  edges: { source: string; target: string; weight: number }[];
}

export type Positions = Map<string, { x: number; y: number }>;

export function layoutNetwork(input: LayoutInput): Positions {
  const g = new UndirectedGraph({ allowSelfLoops: false });
  const golden = Math.PI * (3 - Math.sqrt(5));
  input.nodes.forEach((n, i) => {
    const r = 10 * Math.sqrt(i + 1);
    g.addNode(n, { x: r * Math.cos(i * golden), y: r * Math.sin(i * golden) });
  });
  for (const e of input.edges) {
    if (!g.hasNode(e.source) || !g.hasNode(e.target) || e.source === e.target) continue;
    if (g.hasEdge(e.source, e.target)) g.updateEdgeAttribute(e.source, e.target, 'weight', (w: number | undefined) => (w ?? 0) + e.weight);
    else g.addEdge(e.source, e.target, { weight: e.weight });
  }
  if (g.size > 0) {
    const settings = { ...forceAtlas2.inferSettings(g), gravity: 1, strongGravityMode: true, barnesHutOptimize: g.order > 400 };
    // Iterations shrink with size: a few thousand nodes still lay out in well under a second per 50.
    const iterations = g.order > 2000 ? 60 : g.order > 500 ? 150 : 400;
    forceAtlas2.assign(g, { iterations, settings, getEdgeWeight: (_e: string, a: Record<string, unknown>) => Math.log2(1 + (a.weight as number)) });
  }
  const out: Positions = new Map();
  g.forEachNode((n, a) => out.set(n, { x: a.x as number, y: a.y as number }));
  return out;
}
