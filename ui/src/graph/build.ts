import { MultiDirectedGraph } from 'graphology';
import { DEFAULT_EDGE_CURVATURE, indexParallelEdgesIndex } from '@sigma/edge-curve';
import type { GraphEdge, GraphNode } from '../api/types.ts';
import { edgeColorOf, styleOf } from './style.ts';

export interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  color: string;
  image: string;
  label: string;
  nodeType: string;
  key: string;
  member: boolean;
  role: string | null;
  facts: GraphNode['facts'];
  /** fund paid on the edges touching the node */
  amount: number;
  type?: string;
  highlighted?: boolean;
  zIndex?: number;
}

export interface EdgeAttrs {
  size: number;
  color: string;
  weight: number;
  fundPaid: number;
  relType: string;
  type: 'straight' | 'curved';
  curvature?: number;
  parallelIndex?: number | null;
  parallelMinIndex?: number | null;
  parallelMaxIndex?: number | null;
  hidden?: boolean;
  zIndex?: number;
}

export type RingGraphModel = MultiDirectedGraph<NodeAttrs, EdgeAttrs>;
export type SizeBy = 'amount' | 'degree';

/** A small deterministic PRNG: the same ring opens with the same starting positions. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function createModel(): RingGraphModel {
  return new MultiDirectedGraph<NodeAttrs, EdgeAttrs>({ allowSelfLoops: false });
}

/**
 * Adds nodes and edges (ring drawing or an expansion) to the model. New nodes start near `around`
 * (the expanded node) or spread over a disc; ForceAtlas2 takes it from there.
 */
export function mergeIntoModel(g: RingGraphModel, nodes: GraphNode[], edges: GraphEdge[], around?: string): string[] {
  const added: string[] = [];
  const rand = rng(g.order * 7919 + nodes.length);
  const origin = around && g.hasNode(around) ? g.getNodeAttributes(around) : null;
  const radius = origin ? 0.5 : Math.sqrt(Math.max(nodes.length, 1));
  // An expansion's new nodes go on concentric rings around the expanded node (12, 24, 36 … per ring),
  // spaced by the drawing's own scale, instead of a random heap on top of it.
  const fresh = nodes.filter((n) => !g.hasNode(n.id)).length;
  const unit = origin ? ringUnit(g) : 0;
  let k = 0;
  for (const n of nodes) {
    if (g.hasNode(n.id)) continue;
    const st = styleOf(n.type);
    const member = n.member ?? false;
    let x: number;
    let y: number;
    if (origin) {
      const { ring, slot, slots } = ringSlot(k++, fresh);
      const a = (2 * Math.PI * slot) / slots + ring * 0.3;
      x = origin.x + unit * (ring + 1) * Math.cos(a);
      y = origin.y + unit * (ring + 1) * Math.sin(a);
    } else {
      const a = rand() * 2 * Math.PI;
      const r = radius * Math.sqrt(rand());
      x = r * Math.cos(a);
      y = r * Math.sin(a);
    }
    g.addNode(n.id, {
      x,
      y,
      size: 6,
      color: member ? st.color : st.pale,
      image: st.icon,
      label: n.label,
      nodeType: n.type,
      key: n.key,
      member,
      role: n.role ?? null,
      facts: n.facts,
      amount: 0,
    });
    added.push(n.id);
  }
  for (const e of edges) {
    if (g.hasEdge(e.id) || !g.hasNode(e.source) || !g.hasNode(e.target) || e.source === e.target) continue;
    // An expansion returns raw relationships; one the drawing already shows (a card's HOLDS) is not drawn twice.
    if (g.directedEdges(e.source, e.target).some((x) => g.getEdgeAttribute(x, 'relType') === e.type)) continue;
    g.addDirectedEdgeWithKey(e.id, e.source, e.target, {
      size: edgeSize(e.weight),
      color: edgeColorOf(e.type),
      weight: e.weight,
      fundPaid: e.fundPaid ?? 0,
      relType: e.type,
      type: 'straight',
    });
    if (e.fundPaid) {
      g.updateNodeAttribute(e.source, 'amount', (v = 0) => v + e.fundPaid!);
      g.updateNodeAttribute(e.target, 'amount', (v = 0) => v + e.fundPaid!);
    }
  }
  curveParallelEdges(g);
  return added;
}

/** Edge thickness: claims behind the edge, on a log scale so one heavy edge does not swamp the rest. */
export const edgeSize = (weight: number) => Math.min(1 + Math.log2(Math.max(weight, 1)) * 1.3, 10);

/** Parallel edges (two relationships between one pair) are drawn as distinct curves. */
export function curveParallelEdges(g: RingGraphModel): void {
  indexParallelEdgesIndex(g, { edgeIndexAttribute: 'parallelIndex', edgeMinIndexAttribute: 'parallelMinIndex', edgeMaxIndexAttribute: 'parallelMaxIndex' });
  g.forEachEdge((edge, a) => {
    const { parallelIndex: i, parallelMinIndex: min, parallelMaxIndex: max } = a;
    if (typeof i === 'number' && typeof max === 'number' && max > 0) {
      const curved = typeof min === 'number' ? i !== 0 : true;
      g.mergeEdgeAttributes(edge, { type: curved ? 'curved' : 'straight', curvature: curvature(i, max) });
    } else if (typeof i === 'number' && typeof min === 'number' && min < 0) {
      g.mergeEdgeAttributes(edge, { type: 'curved', curvature: curvature(i, Math.abs(min)) });
    } else if (a.type !== 'straight') {
      g.setEdgeAttribute(edge, 'type', 'straight');
    }
  });
}

function curvature(index: number, maxIndex: number): number {
  if (index < 0) return -curvature(-index, maxIndex);
  const amplitude = 3.5;
  const maxCurvature = amplitude * (1 - Math.exp(-maxIndex / amplitude)) * DEFAULT_EDGE_CURVATURE;
  return (maxCurvature * index) / maxIndex;
}

/** Node size by money on its edges or by degree, square-root scaled between 4 and 20 pixels. */
export function applySizes(g: RingGraphModel, by: SizeBy): void {
  let max = 0;
  const value = (n: string) => (by === 'degree' ? g.degree(n) : g.getNodeAttribute(n, 'amount'));
  g.forEachNode((n) => {
    max = Math.max(max, value(n));
  });
  const small = g.order > 1500 ? 2.5 : 4;
  const big = g.order > 1500 ? 12 : 20;
  // No `{ attributes: ['size'] }` hint: with it sigma redraws every node without indexing, and a node an
  // expansion has just added (drawn only at sigma's next frame) throws "Sigma: node … can't be repaint".
  g.updateEachNodeAttributes((n, a) => ({ ...a, size: max > 0 ? small + (big - small) * Math.sqrt(value(n) / max) : small + 2 }));
}

/** The k-th of `total` new nodes: ring r holds 12·(r+1) slots; the last ring spreads what is left evenly. */
export function ringSlot(k: number, total: number): { ring: number; slot: number; slots: number } {
  let ring = 0;
  let start = 0;
  while (k >= start + 12 * (ring + 1)) {
    start += 12 * (ring + 1);
    ring++;
  }
  const slots = Math.min(12 * (ring + 1), total - start);
  return { ring, slot: k - start, slots: Math.max(1, slots) };
}

/** Ring spacing: the drawing's extent over √nodes (a typical distance between neighbours), or 1 for a tiny graph. */
function ringUnit(g: RingGraphModel): number {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  g.forEachNode((_, a) => {
    minX = Math.min(minX, a.x);
    maxX = Math.max(maxX, a.x);
    minY = Math.min(minY, a.y);
    maxY = Math.max(maxY, a.y);
  });
  const extent = Math.max(maxX - minX, maxY - minY);
  return Number.isFinite(extent) && extent > 0 ? extent / Math.sqrt(Math.max(4, g.order)) : 1;
}
