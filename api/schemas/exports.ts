import { z } from 'zod';

export const ExportParams = z.object({
  exportId: z.uuid().meta({ description: 'the exportId POST /cases/{caseId}/exports answered' }),
});

export const ExportRequest = z
  .object({ lang: z.enum(['zh', 'en']).default('zh').meta({ description: 'language of the case report PDF and the workbook headings' }) })
  .meta({ id: 'ExportRequest' });

export const ExportRefSchema = z
  .object({
    exportId: z.string(),
    queue: z.literal('export'),
    jobId: z.string(),
    statusUrl: z.string().meta({ description: 'GET for state and progress' }),
    downloadUrl: z.string().meta({ description: 'GET for the ZIP once the export has completed' }),
  })
  .meta({ id: 'ExportRef' });

export const ExportStatusSchema = z
  .object({
    exportId: z.string(),
    caseId: z.string().nullable(),
    lang: z.enum(['zh', 'en']),
    state: z.string().meta({ description: 'waiting | active | completed | failed | delayed | unknown' }),
    progress: z.unknown().meta({ description: '{stage, percent, message} as the worker last reported' }),
    attemptsMade: z.number(),
    failedReason: z.string().nullable(),
    createdAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    result: z
      .object({
        bytes: z.number(),
        sha256: z.string(),
        caseNumber: z.string(),
        ringId: z.string(),
        masking: z.object({ level: z.string(), reason: z.string() }),
        claims: z.number(),
        entities: z.number(),
        keyFingerprint: z.string(),
      })
      .nullable()
      .meta({ description: 'what the package holds, once completed' }),
    downloadUrl: z.string().nullable().meta({ description: 'set once completed' }),
  })
  .meta({ id: 'ExportStatus' });
