import { z } from 'zod';

/** A detection run as GET /runs answers it (the workbench's runs page reads the same type). */
export const RunSchema = z
  .object({
    runId: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    scope: z.record(z.string(), z.unknown()),
    claimCount: z.number().nullable(),
    ringCount: z.number().nullable(),
    newRings: z.number().nullable(),
    grownRings: z.number().nullable(),
    shrunkRings: z.number().nullable(),
    unchangedRings: z.number().nullable(),
    rescoredRings: z.number().nullable().meta({ description: 'rings found again with the same members whose score moved (verdict feedback, new claims)' }),
    dissolvedRings: z.number().nullable(),
    timings: z.record(z.string(), z.number()),
  })
  .meta({ id: 'DetectionRun' });
