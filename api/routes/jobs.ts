import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { listRuns } from '../../graph/queries/runs.ts';
import { DetectionScopeSchema } from '../../detection/scope.ts';
import type { DetectJobPayload } from '../../jobs/detect-job.ts';
import type { ApiDeps } from '../deps.ts';
import { notFound, RedisUnavailable } from '../problem.ts';
import { readJobWithState, redisCall } from '../redis-call.ts';
import { defineRoute, type AnyRoute } from '../route.ts';
import { Cursor, decodeCursor, encodeCursor, Key, Limit, Page } from '../schemas/common.ts';
import { RunSchema } from '../schemas/runs.ts';
import { receiveUpload } from '../upload.ts';

const JobRefSchema = z.object({ queue: z.enum(['detect', 'ingest']), jobId: z.string(), statusUrl: z.string() }).meta({ id: 'JobRef' });

const JobSchema = z
  .object({
    queue: z.enum(['detect', 'ingest']),
    jobId: z.string(),
    name: z.string(),
    state: z.string().meta({ description: 'waiting | active | completed | failed | delayed | prioritized | waiting-children | unknown' }),
    progress: z.unknown().meta({ description: 'what the worker last reported (percent and stage figures)' }),
    attemptsMade: z.number(),
    failedReason: z.string().nullable(),
    result: z.unknown().meta({ description: 'the summary a completed job returned' }),
    createdAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    requestedBy: z.string().nullable(),
  })
  .meta({ id: 'Job' });

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
const queueOf = (deps: ApiDeps, q: 'detect' | 'ingest'): Queue => deps.services.queues[q];

export function jobRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/runs',
      operationId: 'listRuns',
      tag: 'runs',
      summary: 'Detection runs, newest first, with what changed in each',
      roles: ['investigator', 'supervisor', 'admin'],
      query: z.object({ limit: Limit(20, 200), cursor: Cursor.optional() }),
      response: { status: 200, schema: Page(RunSchema), description: 'a page of runs' },
      async handler({ query, deps }) {
        const after = decodeCursor(query.cursor, z.tuple([z.string(), z.string()]));
        const items = await listRuns(deps.services.driver, after, query.limit);
        const last = items.at(-1);
        return { items, nextCursor: items.length === query.limit && last?.startedAt ? encodeCursor([last.startedAt, last.runId]) : null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/runs',
      operationId: 'triggerRun',
      tag: 'runs',
      summary: 'Start a detection run as a job (optionally scoped to a region and a period); follow it at statusUrl',
      roles: ['supervisor', 'admin'],
      body: DetectionScopeSchema.meta({ id: 'DetectRequest' }),
      response: { status: 202, schema: JobRefSchema, description: 'the job, queued' },
      audit: ['run-trigger'],
      async handler({ body, deps, user, audit }) {
        const job = await redisCall(deps, 'queue a detection run', () => deps.services.queues.detect.add('detect', { scope: body, requestedBy: user.username } satisfies DetectJobPayload));
        await audit({ action: 'run-trigger', target: `job:detect:${job.id}`, details: { ...body } });
        return { queue: 'detect' as const, jobId: job.id!, statusUrl: `/api/v1/jobs/detect/${job.id}` };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/jobs/:queue/:jobId',
      operationId: 'getJob',
      tag: 'runs',
      summary: 'State and progress of a detection or ingest job',
      roles: ['investigator', 'supervisor', 'admin'],
      params: z.object({ queue: z.enum(['detect', 'ingest']), jobId: Key }),
      response: { status: 200, schema: JobSchema, description: 'the job' },
      problems: [404],
      async handler({ params, deps }) {
        const queue = queueOf(deps, params.queue);
        const found = await readJobWithState(deps, queue, params.jobId, 'read a job');
        if (!found) throw notFound(`no ${params.queue} job ${params.jobId}`);
        const { job, state } = found;
        const data = (job.data ?? {}) as { requestedBy?: string };
        return {
          queue: params.queue,
          jobId: job.id!,
          name: job.name,
          state,
          progress: job.progress ?? null,
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason ?? null,
          result: job.returnvalue ?? null,
          createdAt: iso(job.timestamp),
          startedAt: iso(job.processedOn),
          finishedAt: iso(job.finishedOn),
          requestedBy: data.requestedBy ?? null,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/ingest/uploads',
      operationId: 'uploadForIngest',
      tag: 'runs',
      summary: 'Upload settlement files (multipart, field "files"); they are streamed to disk and ingested by a worker as a job',
      roles: ['admin'],
      streamsBody: {
        contentType: 'multipart/form-data',
        description: 'one or more canonical files (claims.csv, persons.csv, …) in the field "files"; size-limited (413)',
        schema: z.object({ files: z.array(z.string().meta({ format: 'binary' })) }),
      },
      response: { status: 202, schema: JobRefSchema.extend({ files: z.array(z.object({ name: z.string(), bytes: z.number() })) }), description: 'stored and queued' },
      problems: [413, 415],
      audit: ['ingest-upload'],
      async handler({ req, deps, user, audit }) {
        if (deps.services.redis.status !== 'ready') throw new RedisUnavailable('Redis is not connected (queue an ingest)');
        const uploadId = `${new Date().toISOString().slice(0, 10)}-${randomUUID()}`;
        const dir = path.join(deps.uploadDir, uploadId);
        // The upload's own folder goes too when anything fails (receiveUpload only cleans its files
        // folder): a failed upload, or one no job was queued for, leaves nothing behind.
        let files, job;
        try {
          files = await receiveUpload(req, path.join(dir, 'files'), deps.uploadMaxBytes);
          job = await redisCall(deps, 'queue an ingest', () =>
            deps.services.queues.ingest.add('ingest', { inputs: [path.join(dir, 'files')], rejectsDir: path.join(dir, 'rejects'), requestedBy: user.username }),
          );
        } catch (err) {
          await rm(dir, { recursive: true, force: true });
          throw err;
        }
        await audit({ action: 'ingest-upload', target: `job:ingest:${job.id}`, details: { uploadId, files } });
        return { queue: 'ingest' as const, jobId: job.id!, statusUrl: `/api/v1/jobs/ingest/${job.id}`, files };
      },
    }),
  ];
}
