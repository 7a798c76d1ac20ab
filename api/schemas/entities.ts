import { z } from 'zod';
import { CsvList, Key, Limit, Money } from './common.ts';
import { EntityTypeSchema, GraphEdgeSchema, GraphNodeSchema, NodeId, NodeTypeSchema } from './graph.ts';

export const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'type something to search for')
    .max(64)
    .meta({ description: 'an ID number, card number, doctor or institution code (exact or a prefix of ≥ 6 / ≥ 4 characters, any letter case), or part of a name (Chinese names too; ≥ 2 characters anywhere in it)' }),
  type: CsvList(EntityTypeSchema).optional().meta({ description: 'restrict to these entity types (comma-separated)' }),
  limit: Limit(20, 100),
});

export const SearchHitSchema = GraphNodeSchema.extend({
  match: z.enum(['key', 'key-prefix', 'name-prefix', 'name-contains']),
  rings: z.object({ ids: z.array(z.string()), count: z.number().int() }).meta({ description: 'active rings the entity is a member of: up to three ids and the count' }),
}).meta({ id: 'SearchHit' });
export const SearchResultSchema = z.object({ items: z.array(SearchHitSchema) }).meta({ id: 'SearchResult' });

export const EntityParams = z.object({ type: EntityTypeSchema, key: Key });

const PersonRef = z.object({ idNumber: z.string(), name: z.string().nullable() });

export const EntityProfileSchema = z
  .object({
    entity: GraphNodeSchema,
    facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).meta({ description: 'the stored properties of the entity, personal ones masked per role' }),
    holder: PersonRef.nullable().meta({ description: 'cards: the holder' }),
    cards: z.array(z.object({ cardNo: z.string(), type: z.string().nullable() })).meta({ description: 'persons: cards held' }),
    institution: z.object({ code: z.string(), name: z.string().nullable() }).nullable().meta({ description: 'doctors: employer' }),
    counts: z.record(z.string(), z.number()).meta({ description: 'kind-specific counts (cards held, distinct recipients, doctors, prescriptions filled elsewhere…)' }),
    stats: z.object({
      claims: z.number().int(),
      total: Money,
      fundPaid: Money,
      first: z.string().nullable(),
      last: z.string().nullable(),
      byKind: z.record(z.string(), z.number()),
      topInstitutions: z.array(z.object({ code: z.string(), name: z.string().nullable(), claims: z.number().int(), fundPaid: Money })),
    }),
    rings: z.array(
      z.object({
        ringId: z.string(),
        family: z.string(),
        score: z.number(),
        status: z.string(),
        role: z.string(),
        via: z.string().nullable().meta({ description: 'set when the person is in the ring through a card they hold' }),
      }),
    ),
  })
  .meta({ id: 'EntityProfile' });

export const ExpandQuery = z.object({
  node: NodeId,
  hops: z.coerce.number().int().min(1).max(2).default(1).meta({ description: '1 or 2' }),
  types: CsvList(NodeTypeSchema).optional().meta({ description: 'node types the walk may include (comma-separated); default all' }),
  limit: Limit(200, 1000).meta({ description: 'node cap (default 200, at most 1000); truncated says whether it cut' }),
});

export const GraphSchema = z
  .object({
    origin: GraphNodeSchema,
    nodes: z.array(GraphNodeSchema),
    edges: z.array(GraphEdgeSchema),
    truncated: z.boolean().meta({ description: 'true when the node cap cut the neighbourhood' }),
  })
  .meta({ id: 'Neighbourhood' });

export const PathQuery = z.object({
  from: NodeId,
  to: NodeId,
  maxHops: z.coerce.number().int().min(1).max(10).default(6).meta({ description: 'longest connection looked for (default 6, at most 10)' }),
});

export const PathSchema = z
  .object({
    found: z.boolean(),
    length: z.number().int().nullable(),
    nodes: z.array(GraphNodeSchema),
    edges: z.array(GraphEdgeSchema),
  })
  .meta({ id: 'Connection' });

