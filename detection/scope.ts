import { z } from 'zod';

/** A calendar date that exists (2024-02-30 is refused, not rolled over). */
const isoDate = z.string().refine((v) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return !!m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === v;
}, 'must be a date like 2024-01-31');

/** "365d": a window of whole days. */
export const WindowSchema = z
  .string()
  .regex(/^\d{1,5}d$/, 'must be a window of whole days like 365d')
  .refine((v) => Number(v.slice(0, -1)) >= 1, 'must be at least 1d')
  .describe('the last N days, today included (China time), e.g. 365d; instead of since');

const ScopeFields = z
  .object({
    region: z.string().regex(/^\d{6}$/, 'must be a 6-digit pooling-region code like 330100').optional(),
    since: isoDate.optional().describe('inclusive, China time'),
    until: isoDate.optional().describe('inclusive, China time'),
    window: WindowSchema.optional(),
  })
  .strict();

/**
 * A scope whose window has been resolved (`since` set beside it): what the parts and the merge of a
 * partitioned run carry, so that all of them cover the same days.
 */
export const ResolvedScopeSchema = ScopeFields;

/** What a detection run covers; shared by the CLI, the detect job, schedules and the API. */
export const DetectionScopeSchema = ScopeFields.refine((s) => !s.since || !s.until || s.since <= s.until, { message: 'since is after until', path: ['since'] })
  .refine((s) => !s.window || !s.since, { message: 'window and since both say where the period starts: give one', path: ['window'] });
export type DetectionScope = z.infer<typeof DetectionScopeSchema>;

/**
 * The first day of a window of `days` days ending on `now`'s day, China time (that day counts as one):
 * a nightly run with a 365d window covers the last 12 months and slides with the calendar, reusing its
 * projection snapshot (graph/projection/incremental.ts drops the claims the window has left).
 */
export function windowStart(days: number, now = new Date()): string {
  const today = Math.floor((now.getTime() / 1000 + 8 * 3600) / 86_400);
  return new Date((today - (days - 1)) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A scope with its window turned into `since` as of `now` (kept beside it, so a stored run says both).
 * Resolved once per run: every part of a partitioned run must cover the same days, even when parts run
 * on either side of midnight.
 */
export function resolveWindow(scope: DetectionScope, now = new Date()): DetectionScope {
  // Both set: resolved already (the schema refuses both from a person).
  if (!scope.window || scope.since) return scope;
  return { ...scope, since: windowStart(Number(scope.window.slice(0, -1)), now) };
}

/** The projection's part of a resolved scope (region and period). */
export function periodOf(scope: DetectionScope): { region?: string; since?: string; until?: string } {
  return { ...(scope.region ? { region: scope.region } : {}), ...(scope.since ? { since: scope.since } : {}), ...(scope.until ? { until: scope.until } : {}) };
}
