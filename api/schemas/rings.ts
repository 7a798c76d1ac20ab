import { z } from 'zod';
import { FAMILIES } from '../../algorithms/detectors/types.ts';
import { RING_SORTS } from '../../graph/queries/rings.ts';
import { CsvList, Cursor, IsoDate, Key, Limit, Money, Page } from './common.ts';
import { GraphEdgeSchema, GraphNodeSchema } from './graph.ts';

export const FamilySchema = z.enum(FAMILIES).meta({ id: 'RingFamily' });
const sortKeys = Object.keys(RING_SORTS) as [string, ...string[]];
export const RingSortSchema = z
  .enum([...sortKeys, ...sortKeys.map((k) => `-${k}`)] as [string, ...string[]])
  .default('-score')
  .meta({ description: 'field to sort by; a leading - sorts descending (default -score)' });

export const RingListQuery = z.object({
  type: CsvList(FamilySchema).optional().meta({ description: 'families (comma-separated); a ring matches on its main or a supporting family' }),
  minScore: z.coerce.number().min(0).max(100).optional(),
  maxScore: z.coerce.number().min(0).max(100).optional(),
  region: z.string().trim().min(1).max(64).optional().meta({ description: 'pooling region: its code (320500) or part of its name (苏州)' }),
  institution: Key.optional().meta({ description: 'institution code that is a member of the ring' }),
  from: IsoDate.optional().meta({ description: 'rings active on or after this date' }),
  until: IsoDate.optional().meta({ description: 'rings active on or before this date' }),
  minAmount: z.coerce.number().min(0).optional().meta({ description: 'fund-paid at least (元)' }),
  maxAmount: z.coerce.number().min(0).optional(),
  status: z.enum(['active', 'dissolved']).optional(),
  run: Key.optional().meta({ description: 'rings found by this detection run' }),
  sort: RingSortSchema,
  limit: Limit(50, 200),
  cursor: Cursor.optional(),
});

const Headline = z.object({ zh: z.string(), en: z.string() });

export const RingSummarySchema = z
  .object({
    ringId: z.string(),
    family: FamilySchema,
    types: z.array(z.string()),
    score: z.number(),
    status: z.string(),
    region: z.string().nullable(),
    regionName: z.string().nullable().meta({ description: "the pooling region's name" }),
    periodStart: z.string().nullable(),
    periodEnd: z.string().nullable(),
    claimCount: z.number().int(),
    memberCount: z.number().int(),
    totalAmount: Money,
    fundPaid: Money,
    firstRunId: z.string().nullable(),
    lastRunId: z.string().nullable(),
    lastChange: z.string().nullable().meta({ description: "what the ring's last detection run said about it: new | grown | shrunk | unchanged | dissolved (the workbench's new/grown badges)" }),
    updatedAt: z.string().nullable(),
    headline: Headline.nullable().meta({ description: 'the strongest evidence sentence' }),
    openCase: z
      .object({ caseId: z.string(), status: z.string(), assignee: z.string().nullable(), assigneeName: z.string().nullable().meta({ description: "the assignee's display name" }) })
      .nullable(),
    verdict: z.string().nullable().meta({ description: 'fraud | false-positive, from the case verdict' }),
    institutions: z
      .array(z.object({ code: z.string(), name: z.string().nullable(), band: z.string().nullable(), score: z.number().nullable(), period: z.string().nullable() }))
      .meta({ description: "the ring's member institutions with their latest credit rating band (null: not rated; docs/rating.md)" }),
  })
  .meta({ id: 'RingSummary' });

export const RingPageSchema = Page(RingSummarySchema).meta({ id: 'RingPage' });

const Sentence = { zh: z.string(), en: z.string() };
const RoleBasisSchema = z
  .object({ ...Sentence, facts: z.record(z.string(), z.number()) })
  .meta({ id: 'RoleBasis', description: "the numbers of the ring's evidence claims that earned the role" });
const RankingAdjustmentSchema = z
  .object({ key: z.string(), ...Sentence, facts: z.record(z.string(), z.union([z.string(), z.number()])), entities: z.array(z.string()) })
  .meta({ id: 'RankingAdjustment', description: "how the bureau's own verdicts moved the ring in the ranking; not evidence" });

export const RingMemberSchema = GraphNodeSchema.extend({
  role: z.string().meta({ description: "what the entity is in the pattern; 'member' when no evidence claim earned a role" }),
  basis: RoleBasisSchema.nullable(),
}).meta({ id: 'RingMember' });

export const RingDetailSchema = RingSummarySchema.extend({
  members: z.array(RingMemberSchema),
  evidence: z.array(
    z.object({
      key: z.string(),
      zh: z.string(),
      en: z.string(),
      facts: z.record(z.string(), z.union([z.string(), z.number()])),
      entities: z.array(z.string()).meta({ description: '"type:key" of the entities the sentence speaks of (keys masked per role)' }),
      claimIds: z.array(z.string()).optional().meta({ description: 'the claims the sentence counts, when it counts specific ones (the claims route lists them)' }),
      weight: z.number(),
    }),
  ),
  rankingFeedback: z.array(RankingAdjustmentSchema).meta({ description: 'ranking feedback from verdicts on earlier rings, kept apart from the evidence' }),
  detectorScore: z.number().meta({ description: "the detector's score before ranking feedback" }),
  keyPersons: z
    .array(z.object({ key: z.string(), name: z.string().nullable(), centrality: z.number(), basis: z.object(Sentence).nullable() }))
    .meta({ description: 'persons who stand out in the ring (empty when nobody does; ties are never broken by position)' }),
  history: z.array(
    z.object({
      runId: z.string(),
      at: z.string().nullable(),
      change: z.string().meta({ description: 'new | grown | shrunk | unchanged | rescored | dissolved' }),
      added: z.number().nullable(),
      removed: z.number().nullable(),
      score: z.number().nullable(),
      detectorScore: z.number().nullable(),
      rankingFeedback: z.array(RankingAdjustmentSchema),
      memberCount: z.number().nullable(),
      fundPaid: z.number().nullable(),
    }),
  ),
  cases: z.array(z.object({ caseId: z.string(), status: z.string(), createdAt: z.string() })),
}).meta({ id: 'RingDetail' });

export const RingParams = z.object({ ringId: Key });

export const RegionListSchema = z
  .object({ items: z.array(z.object({ code: z.string(), name: z.string().nullable(), activeRings: z.number().int() })) })
  .meta({ id: 'RegionList' });

export const RingGraphQuery = z.object({
  maxNodes: Limit(500, 2000).meta({ description: 'node cap (default 500, at most 2000); members are kept first' }),
  maxClaims: Limit(5000, 20000).meta({ description: 'evidence claims folded into edges (default 5000)' }),
});

export const RingGraphSchema = z
  .object({
    ringId: z.string(),
    nodes: z.array(GraphNodeSchema),
    edges: z.array(GraphEdgeSchema),
    truncated: z.boolean().meta({ description: 'true when nodes or claims were cut by the limits' }),
    claimsUsed: z.number().int(),
    claimCount: z.number().int(),
  })
  .meta({ id: 'RingGraph' });
