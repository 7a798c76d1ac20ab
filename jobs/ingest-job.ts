import type { Job } from 'bullmq';
import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import { mappingForIngest } from '../ingest/mapping-source.ts';
import { runIngest, type IngestProgress, type IngestSummary } from '../ingest/run-ingest.ts';

/** What the API (or an operator) enqueues: files already on the worker's disk (uploads land there). */
export const IngestJobPayload = z.object({
  inputs: z.array(z.string().min(1)).min(1, 'name at least one file or folder'),
  rejectsDir: z.string().min(1),
  mappingFile: z.string().min(1).optional(),
  encoding: z.enum(['auto', 'utf8', 'gbk', 'gb18030']).optional(),
  format: z.enum(['csv', 'tsv', 'jsonl']).optional(),
  batchSize: z.number().int().positive().max(50_000).optional(),
  force: z.boolean().optional(),
  /** Share of a file's rows that may be rejected before the file fails (default 0.05). */
  maxRejectRate: z.number().min(0).max(1).optional(),
});
export type IngestJobPayload = z.infer<typeof IngestJobPayload>;

/** Job progress carries the same figures the CLI's progress bar shows. */
export type IngestJobProgress = IngestProgress & { percent: number };

export async function processIngestJob(job: Job, driver: Driver): Promise<IngestSummary> {
  const parsed = IngestJobPayload.safeParse(job.data);
  if (!parsed.success) {
    throw new Error(`ingest job ${job.id}: invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const p = parsed.data;
  const mapping = p.mappingFile ? await mappingForIngest(p.mappingFile) : undefined;
  let lastSent = 0;
  return runIngest(driver, {
    inputs: p.inputs,
    rejectsDir: p.rejectsDir,
    ...(p.batchSize ? { batchSize: p.batchSize } : {}),
    ...(p.force ? { force: true } : {}),
    ...(p.maxRejectRate !== undefined ? { maxRejectRate: p.maxRejectRate } : {}),
    ...(p.encoding ?? mapping?.encoding ? { encoding: (p.encoding ?? mapping?.encoding)! } : {}),
    ...(p.format ?? mapping?.format ? { format: (p.format ?? mapping?.format)! } : {}),
    ...(mapping?.delimiter ? { delimiter: mapping.delimiter } : {}),
    ...(mapping?.columns ? { columns: mapping.columns } : {}),
    ...(mapping ? { mapping: mapping.ingest } : {}),
    onProgress: (progress) => {
      const now = Date.now();
      if (now - lastSent < 1_000 && progress.done !== progress.total) return;
      lastSent = now;
      const percent = Math.round((100 * (progress.fileIndex + progress.done / Math.max(progress.total, 1))) / progress.fileCount);
      void job.updateProgress({ ...progress, percent } satisfies IngestJobProgress);
    },
  });
}
