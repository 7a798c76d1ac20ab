import { z } from 'zod';

/**
 * The two JSON documents the scorer reads: the generator's ground truth and the detector's rings.
 * docs/ground-truth-format.md and docs/detected-rings-format.md describe them for people.
 */

export const ENTITY_TYPES = ['person', 'card', 'doctor', 'institution', 'claim'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const MemberSchema = z.object({
  type: z.enum(ENTITY_TYPES),
  id: z.string().min(1),
  role: z.string().optional(),
});
export type RingMember = z.infer<typeof MemberSchema>;

const PeriodSchema = z.object({ start: z.string(), end: z.string() });

export const TruthRingSchema = z.object({
  ringId: z.string(),
  family: z.string(),
  /** generated with --profile varied: the form the family was planted in ('classic' or a variant name) */
  variant: z.string().optional(),
  size: z.number().int(),
  strength: z.number(),
  period: PeriodSchema,
  description: z.string(),
  members: z.array(MemberSchema.extend({ role: z.string() })),
  claimCount: z.number().int(),
  claimIds: z.array(z.string()),
  /** claims charged to the cards of the ring's persons that are not in claimIds (their honest claims) */
  camouflageClaimCount: z.number().int().optional(),
  totalAmount: z.string(),
  fundPaid: z.string(),
});
export type TruthRing = z.infer<typeof TruthRingSchema>;

export const HardNegativeSchema = z.object({
  groupId: z.string(),
  kind: z.string(),
  description: z.string(),
  /** core: the institution(s) the group is about; a ring holding half of them flags the group by itself */
  members: z.array(MemberSchema.extend({ role: z.string(), core: z.boolean().optional() })),
  claimCount: z.number().int(),
  claimIds: z.array(z.string()),
});
export type HardNegativeGroup = z.infer<typeof HardNegativeSchema>;

export const GroundTruthSchema = z.object({
  formatVersion: z.literal(1),
  generator: z.object({
    seed: z.number(),
    claims: z.number(),
    regions: z.number(),
    period: PeriodSchema,
    /** absent for the classic profile */
    profile: z.string().optional(),
    scenarios: z.record(z.string(), z.unknown()),
    hardNegatives: z.record(z.string(), z.number()),
  }),
  rings: z.array(TruthRingSchema),
  hardNegatives: z.array(HardNegativeSchema),
});
export type GroundTruth = z.infer<typeof GroundTruthSchema>;

export const DetectedRingSchema = z.object({
  ringId: z.string().min(1),
  family: z.string().min(1),
  score: z.number(),
  rank: z.number().int().positive().optional(),
  members: z.array(MemberSchema),
  claimIds: z.array(z.string()).optional(),
  explanation: z.string().optional(),
});
export type DetectedRing = z.infer<typeof DetectedRingSchema>;

export const DetectedRingsSchema = z.object({
  runId: z.string().min(1),
  generatedAt: z.string(),
  rings: z.array(DetectedRingSchema),
});
export type DetectedRings = z.infer<typeof DetectedRingsSchema>;
