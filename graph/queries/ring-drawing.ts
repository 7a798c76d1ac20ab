import type { RawNode } from './nodes.ts';
import type { RingGraphMaterial } from './rings.ts';

/**
 * Turns a ring's members and evidence claims into a graph the workbench draws directly: entities as
 * nodes (sized by how many evidence claims touch them), claims folded into weighted edges between
 * the entities they join. Pure, so the shape is unit-tested without Neo4j.
 */
export interface DrawNode extends RawNode {
  member: boolean;
  role: string | null;
  /** evidence claims touching the node: the size hint */
  size: number;
}

export interface DrawEdge {
  id: string;
  source: string;
  target: string;
  /** CLAIMED_AT card→institution, VISITED person→institution, USED_CARD person→card, HOLDS person→card, TREATED doctor→card, PRESCRIBED_TO prescriber→pharmacy */
  type: 'CLAIMED_AT' | 'VISITED' | 'USED_CARD' | 'HOLDS' | 'TREATED' | 'PRESCRIBED_TO';
  /** claims behind the edge (1 for HOLDS) */
  weight: number;
  fundPaid: number;
}

export interface RingDrawing {
  nodes: DrawNode[];
  edges: DrawEdge[];
  truncated: boolean;
  claimsUsed: number;
  claimCount: number;
}

export function drawRing(m: RingGraphMaterial, maxNodes: number): RingDrawing {
  const nodes = new Map<string, DrawNode>();
  for (const x of m.members) nodes.set(x.id, { ...x, member: true, role: x.role, size: 0 });
  const touch = (n: RawNode | null) => {
    if (!n) return;
    const known = nodes.get(n.id) ?? { ...n, member: false, role: null, size: 0 };
    known.size += 1;
    nodes.set(n.id, known);
  };
  const edges = new Map<string, DrawEdge>();
  const link = (type: DrawEdge['type'], a: RawNode | null, b: RawNode | null, fundPaid: number) => {
    if (!a || !b || a.id === b.id) return;
    const id = `${type}:${a.id}->${b.id}`;
    const e = edges.get(id) ?? { id, source: a.id, target: b.id, type, weight: 0, fundPaid: 0 };
    e.weight += 1;
    e.fundPaid = Math.round((e.fundPaid + fundPaid) * 100) / 100;
    edges.set(id, e);
  };
  for (const c of m.claimLinks) {
    for (const n of [c.card, c.institution, c.doctor, c.recipient, c.prescriber]) touch(n);
    link('CLAIMED_AT', c.card, c.institution, c.fundPaid);
    link('VISITED', c.recipient, c.institution, c.fundPaid);
    if (c.recipient && c.holder && c.recipient.id !== c.holder.id) link('USED_CARD', c.recipient, c.card, c.fundPaid);
    link('TREATED', c.doctor, c.card, c.fundPaid);
    link('PRESCRIBED_TO', c.prescriber, c.institution, c.fundPaid);
  }
  // Holders of member cards are drawn when they are members or already on the drawing.
  for (const c of m.claimLinks) {
    if (c.holder && c.card && nodes.has(c.holder.id) && !edges.has(`HOLDS:${c.holder.id}->${c.card.id}`)) {
      edges.set(`HOLDS:${c.holder.id}->${c.card.id}`, { id: `HOLDS:${c.holder.id}->${c.card.id}`, source: c.holder.id, target: c.card.id, type: 'HOLDS', weight: 1, fundPaid: 0 });
    }
  }
  let kept = [...nodes.values()];
  const truncated = kept.length > maxNodes;
  if (truncated) {
    // Members first, then the most involved context nodes.
    kept = kept.sort((a, b) => Number(b.member) - Number(a.member) || b.size - a.size || a.id.localeCompare(b.id)).slice(0, maxNodes);
  }
  const ids = new Set(kept.map((n) => n.id));
  return {
    nodes: kept.sort((a, b) => a.type.localeCompare(b.type) || a.key.localeCompare(b.key)),
    edges: [...edges.values()].filter((e) => ids.has(e.source) && ids.has(e.target)).sort((a, b) => a.id.localeCompare(b.id)),
    truncated,
    claimsUsed: m.claimLinks.length,
    claimCount: m.claimCount,
  };
}
