import { z } from 'zod';
import type { Masker } from '../../access/masking.ts';
import type { RawNode } from '../../graph/queries/nodes.ts';
export { NodeId } from './common.ts';

export const NODE_TYPES = ['person', 'card', 'doctor', 'institution', 'claim', 'ring', 'trace-code'] as const;
export const NodeTypeSchema = z.enum(NODE_TYPES).meta({ id: 'NodeType' });
export const ENTITY_TYPES = ['person', 'card', 'doctor', 'institution'] as const;
export const EntityTypeSchema = z.enum(ENTITY_TYPES).meta({ id: 'EntityType' });

export const GraphNodeSchema = z
  .object({
    id: z.string().meta({ description: 'node id for graph calls (expand, path)' }),
    type: NodeTypeSchema,
    key: z.string().meta({ description: 'natural key (ID number, card number, code, claim id); masked for masked roles' }),
    label: z.string().meta({ description: 'what to print on the node' }),
    facts: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
    member: z.boolean().optional().meta({ description: 'member of the ring (ring graphs only)' }),
    role: z.string().nullable().optional(),
    size: z.number().optional().meta({ description: 'size hint: evidence claims touching the node' }),
  })
  .meta({ id: 'GraphNode' });

export const GraphEdgeSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    target: z.string(),
    type: z.string(),
    weight: z.number().meta({ description: 'claims behind the edge (1 for a single relationship)' }),
    fundPaid: z.number().optional(),
  })
  .meta({ id: 'GraphEdge' });

export type GraphNode = z.infer<typeof GraphNodeSchema>;

/** A node as a given role may see it; the label is the (masked) name, or the (masked) key. */
export function apiNode(n: RawNode, mask: Masker): GraphNode {
  const key = mask.key(n.type, n.key);
  const name = n.type === 'person' ? mask.name(n.name) : n.name;
  return { id: n.id, type: n.type, key, label: name ?? key, facts: n.facts ?? {} };
}

/** Person keys among nodes: the subjects of the audit event for showing them. */
export const personKeys = (nodes: { type: string; key: string }[]) => nodes.filter((n) => n.type === 'person').map((n) => n.key);
