import { z } from 'zod';

/** A calendar date that exists (2024-02-30 is refused, not rolled over). */
const isoDate = z.string().refine((v) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return !!m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === v;
}, 'must be a date like 2024-01-31');

/** What a detection run covers; shared by the CLI, the detect job and the API. */
export const DetectionScopeSchema = z
  .object({
    region: z.string().regex(/^\d{6}$/, 'must be a 6-digit pooling-region code like 330100').optional(),
    since: isoDate.optional().describe('inclusive, China time'),
    until: isoDate.optional().describe('inclusive, China time'),
  })
  .strict()
  .refine((s) => !s.since || !s.until || s.since <= s.until, { message: 'since is after until', path: ['since'] });
export type DetectionScope = z.infer<typeof DetectionScopeSchema>;
