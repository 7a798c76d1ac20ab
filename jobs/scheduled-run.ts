import { FlowProducer, Queue, UnrecoverableError, type FlowJob, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import type { Env } from '../config/env.ts';
import { logger } from '../config/logger.ts';
import { detectPart, listRegions, partitionName, writeMergedRun, type MergedRun, type Partition, type PartResult } from '../detection/partitioned.ts';
import { ResolvedScopeSchema, resolveWindow } from '../detection/scope.ts';
import { latestRunAt, readRun } from '../graph/reports/report-data.ts';
import {
  CONTENT_TYPES,
  claimReport,
  completeReport,
  deliveryIdFor,
  getReport,
  getReportFile,
  recordDeliveryAttempt,
  reportIdFor,
  startDelivery,
  type RenderedFile,
  type ReportFormat,
  type ReportSummary,
} from '../graph/reports/store.ts';
import { getSchedule } from '../graph/schedules/schedules.ts';
import { sendReportMail } from '../reports/delivery/email.ts';
import { postWebhook, WebhookError } from '../reports/delivery/webhook.ts';
import { buildReportModel } from '../reports/model.ts';
import { renderHtml } from '../reports/render-html.ts';
import { renderJson } from '../reports/render-json.ts';
import { renderPdf } from '../reports/render-pdf.ts';
import { PERIOD_KEY_PATTERN, periodKey } from './period.ts';
import { QUEUES } from './queues.ts';
import { webhookSecret, type Schedule } from './schedule-config.ts';

/**
 * From a scheduler's fire to a delivered report, exactly once per (schedule, period):
 *
 *   fire (schedule queue)            derives the period key from the fire time and adds the flow
 *   └ report (report queue)          builds, renders and stores the report; enqueues deliveries
 *     └ merge (detect queue)         detection schedules only: merges the parts, writes the run once
 *       ├ part region-… (detect-part) one per pooling region
 *       └ part cross-region
 *   deliver (delivery queue)         one per (report, channel)
 *
 * Every job id is derived from schedule and period (`report.<schedule>.<period>` …), so a second fire
 * in the same period adds nothing while the first flow's jobs are still in Redis; behind that, Neo4j
 * keys guard each effect — DetectionRun.scheduleKey (one run per period), Report.reportId (one
 * report), Delivery.deliveryId (one delivery per channel) — so neither a fire after the jobs were
 * cleaned up, nor a retry, nor a job recovered from a dead worker repeats an effect.
 */

export const FirePayload = z.object({
  scheduleId: z.string().min(1),
  /** set by "run now" (API/CLI): the period to produce; otherwise derived from the fire time */
  periodKey: z.string().regex(PERIOD_KEY_PATTERN, 'must be a period key such as 2026-11-23, 2026-W48 or 2026-11').optional(),
  requestedBy: z.string().optional(),
});
export type FirePayload = z.infer<typeof FirePayload>;

const ReportPayload = z.object({ scheduleId: z.string(), periodKey: z.string(), firedAt: z.string() });
// The scope is resolved once, when the period's flow is added (a window's first day from the fire
// time): parts taken before and after midnight cover the same days. Absent in flows added before windows.
const PartPayload = z.object({
  partition: z.union([z.object({ kind: z.literal('region'), region: z.string() }), z.object({ kind: z.literal('cross-region') })]),
  scheduleKey: z.string(),
  scope: ResolvedScopeSchema.default({}),
});
const MergePayload = z.object({ scheduleKey: z.string(), startedAt: z.string(), scope: ResolvedScopeSchema.default({}) });
const DeliveryPayload = z.object({ reportId: z.string(), scheduleId: z.string(), channel: z.string() });

export interface ScheduledRunDeps {
  driver: Driver;
  connection: Redis;
  prefix: string;
  env: Env;
}

const RETRY = { attempts: 4, backoff: { type: 'exponential' as const, delay: 2_000 } };
const KEEP = { removeOnComplete: { age: 14 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } };

/** BullMQ job ids may not contain ':'; ours are built from ids and keys that have none. */
export const jobIds = {
  report: (sid: string, period: string) => `report.${sid}.${period}`,
  merge: (sid: string, period: string) => `merge.${sid}.${period}`,
  part: (sid: string, period: string, p: Partition) => `part.${sid}.${period}.${partitionName(p)}`,
  delivery: (deliveryId: string) => `deliver.${deliveryId}`,
};

function parsePayload<T extends z.ZodType>(schema: T, job: Job): z.output<T> {
  const r = schema.safeParse(job.data);
  if (!r.success) throw new Error(`${job.queueName} job ${job.id}: invalid payload: ${r.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The scheduled instant a fire job stands for: the scheduler's slot, not when a worker got to it. */
export function fireTime(job: Job): number {
  return job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0);
}

export interface FireResult {
  scheduleId: string;
  periodKey: string;
  reportId: string;
  /** 'added': this fire added the period's flow; 'exists': the report or its flow was already there */
  outcome: 'added' | 'exists' | 'schedule-missing';
}

/** The flow for one period; the same ids every time, so adding it twice adds it once. */
export async function periodFlow(driver: Driver, schedule: Schedule, key: string, firedAt: string): Promise<FlowJob> {
  const report = {
    name: 'report',
    queueName: QUEUES.report,
    data: { scheduleId: schedule.id, periodKey: key, firedAt },
    opts: { jobId: jobIds.report(schedule.id, key), ...RETRY, ...KEEP },
  };
  if (schedule.kind !== 'detection') return report;
  const scheduleKey = `${schedule.id}/${key}`;
  const scope = resolveWindow(schedule.window ? { window: schedule.window } : {}, new Date(firedAt));
  const partitions: Partition[] = [...(await listRegions(driver)).map((region): Partition => ({ kind: 'region', region })), { kind: 'cross-region' }];
  return { ...report, children: [
    {
      name: 'merge',
      queueName: QUEUES.detect,
      data: { scheduleKey, startedAt: firedAt, scope },
      // A part that fails for good fails the merge and the report with it, instead of leaving them waiting forever.
      opts: { jobId: jobIds.merge(schedule.id, key), ...RETRY, ...KEEP, failParentOnFailure: true },
      children: partitions.map((p) => ({
        name: 'part',
        queueName: QUEUES.detectPart,
        data: { partition: p, scheduleKey, scope },
        opts: { jobId: jobIds.part(schedule.id, key, p), ...RETRY, ...KEEP, failParentOnFailure: true },
      })),
    },
  ] };
}

export async function processFireJob(job: Job, deps: ScheduledRunDeps, flow: FlowProducer, reportQueue: Queue): Promise<FireResult> {
  const payload = parsePayload(FirePayload, job);
  const schedule = await getSchedule(deps.driver, payload.scheduleId);
  const firedMs = fireTime(job);
  if (!schedule) {
    logger().warn({ scheduleId: payload.scheduleId, job: job.id }, 'a fire for a schedule that no longer exists: ignored');
    return { scheduleId: payload.scheduleId, periodKey: payload.periodKey ?? '', reportId: '', outcome: 'schedule-missing' };
  }
  const key = payload.periodKey ?? periodKey(firedMs, schedule.period, schedule.tz);
  const reportId = reportIdFor(schedule.id, key);
  const existing = await getReport(deps.driver, reportId);
  if (existing?.status === 'ready') return { scheduleId: schedule.id, periodKey: key, reportId, outcome: 'exists' };
  const previous = await reportQueue.getJob(jobIds.report(schedule.id, key));
  if (previous) {
    if ((await previous.getState()) !== 'failed') return { scheduleId: schedule.id, periodKey: key, reportId, outcome: 'exists' };
    // The period's flow failed for good (retries exhausted): a new fire or "run now" for the same
    // period starts it afresh — the Neo4j keys still stop anything already done from being redone.
    await previous.remove({ removeChildren: true });
  }
  // Two fires racing past the check above add the same ids: Redis keeps the first, ignores the second.
  await flow.add(await periodFlow(deps.driver, schedule, key, new Date(firedMs).toISOString()));
  return { scheduleId: schedule.id, periodKey: key, reportId, outcome: 'added' };
}

export async function processPartJob(job: Job, deps: ScheduledRunDeps): Promise<PartResult> {
  const payload = parsePayload(PartPayload, job);
  await job.updateProgress({ stage: 'detecting', partition: partitionName(payload.partition) });
  return detectPart(deps.driver, payload.partition, payload.scope);
}

export async function processMergeJob(job: Job, deps: ScheduledRunDeps): Promise<MergedRun> {
  const payload = parsePayload(MergePayload, job);
  const parts = Object.values(await job.getChildrenValues<PartResult>());
  return writeMergedRun(deps.driver, parts, { scheduleKey: payload.scheduleKey, startedAt: new Date(payload.startedAt), scope: payload.scope });
}

export interface ReportJobResult {
  reportId: string;
  /** 'built': this job stored the report; 'exists': it was stored before (repeat or recovery) */
  outcome: 'built' | 'exists';
  runId: string | null;
  deliveries: string[];
}

/** Deliveries a schedule asks for: one channel id per target, stable while the schedule is unchanged. */
export function channelsOf(s: Schedule): string[] {
  return [...s.delivery.webhooks.map((_, k) => `webhook-${k}`), ...(s.delivery.email ? ['email'] : [])];
}

export async function processReportJob(job: Job, deps: ScheduledRunDeps, deliveryQueue: Queue): Promise<ReportJobResult> {
  const payload = parsePayload(ReportPayload, job);
  const schedule = await getSchedule(deps.driver, payload.scheduleId);
  if (!schedule) throw new Error(`report ${payload.scheduleId}/${payload.periodKey}: schedule ${payload.scheduleId} does not exist`);
  const reportId = reportIdFor(schedule.id, payload.periodKey);
  const claimed = await claimReport(deps.driver, { reportId, scheduleId: schedule.id, periodKey: payload.periodKey, periodUnit: schedule.period, title: schedule.title, lang: schedule.lang, firedAt: payload.firedAt });
  let outcome: ReportJobResult['outcome'] = 'exists';
  let runId = claimed.runId;
  if (claimed.status !== 'ready') {
    // The run: this period's merged run for a detection schedule, else the newest run at fire time.
    let run;
    if (schedule.kind === 'detection') {
      const merged = Object.values(await job.getChildrenValues<MergedRun>())[0];
      if (!merged) throw new Error(`report ${reportId}: the detection run of the period is missing (merge job result not found)`);
      run = await readRun(deps.driver, merged.runId);
    } else run = await latestRunAt(deps.driver, payload.firedAt);
    await job.updateProgress({ stage: 'model' });
    const model = await buildReportModel(
      deps.driver,
      { reportId, scheduleId: schedule.id, title: schedule.title, periodKey: payload.periodKey, periodUnit: schedule.period, lang: schedule.lang, firedAt: payload.firedAt, generatedAt: new Date().toISOString(), workbenchUrl: deps.env.RINGLENS_PUBLIC_URL.replace(/\/$/, '') },
      run,
    );
    await job.updateProgress({ stage: 'render' });
    const files: RenderedFile[] = [];
    for (const format of schedule.formats) files.push({ format, bytes: format === 'html' ? renderHtml(model) : format === 'pdf' ? await renderPdf(model) : renderJson(model) });
    const stored = await completeReport(deps.driver, reportId, { runId: run?.runId ?? null, baselineRunId: model.baseline?.runId ?? null, counts: model.counts, fundAtRisk: model.moneyAtRisk.total }, files);
    outcome = stored ? 'built' : 'exists';
    runId = run?.runId ?? null;
  }
  // Also when the report existed: a worker that died between storing and enqueuing left them out.
  const channels = channelsOf(schedule);
  for (const channel of channels) {
    const deliveryId = deliveryIdFor(reportId, channel);
    await deliveryQueue.add('deliver', { reportId, scheduleId: schedule.id, channel }, { jobId: jobIds.delivery(deliveryId), attempts: 6, backoff: { type: 'exponential', delay: 5_000 }, ...KEEP });
  }
  return { reportId, outcome, runId, deliveries: channels };
}

export interface DeliveryJobResult {
  deliveryId: string;
  outcome: 'delivered' | 'already-delivered' | 'channel-removed';
  response?: string;
}

function reportPayload(r: ReportSummary, deps: ScheduledRunDeps) {
  const base = deps.env.RINGLENS_PUBLIC_URL.replace(/\/$/, '');
  return {
    event: 'report.ready',
    report: { ...r, links: Object.fromEntries(r.formats.map((f) => [f, `${base}/api/v1/reports/${encodeURIComponent(r.reportId)}/${f}`])) },
  };
}

export async function processDeliveryJob(job: Job, deps: ScheduledRunDeps): Promise<DeliveryJobResult> {
  const payload = parsePayload(DeliveryPayload, job);
  const deliveryId = deliveryIdFor(payload.reportId, payload.channel);
  const schedule = await getSchedule(deps.driver, payload.scheduleId);
  const report = await getReport(deps.driver, payload.reportId);
  if (!report || report.status !== 'ready') throw new Error(`delivery ${deliveryId}: report ${payload.reportId} is not stored`);
  const webhookIndex = /^webhook-(\d+)$/.exec(payload.channel);
  const webhook = webhookIndex ? schedule?.delivery.webhooks[Number(webhookIndex[1])] : undefined;
  const email = payload.channel === 'email' ? schedule?.delivery.email : undefined;
  if (!webhook && !email) return { deliveryId, outcome: 'channel-removed' };
  const target = webhook ? webhook.url : email!.to.join(', ');
  const record = await startDelivery(deps.driver, payload.reportId, deliveryId, payload.channel, target);
  if (record.status === 'delivered') return { deliveryId, outcome: 'already-delivered' };
  const maxAttempts = job.opts.attempts ?? 1;
  try {
    let response: string;
    if (webhook) {
      const json = report.formats.includes('json') ? await getReportFile(deps.driver, report.reportId, 'json') : null;
      response = await postWebhook(webhook.url, webhookSecret(webhook), deliveryId, { ...reportPayload(report, deps), deliveryId, content: json ? JSON.parse(json.bytes.toString('utf8')) : null });
    } else {
      if (!deps.env.RINGLENS_SMTP_URL) throw new WebhookError('e-mail delivery needs RINGLENS_SMTP_URL (smtp://host:port) on the worker', false);
      const files = new Map<ReportFormat, Buffer>();
      for (const f of report.formats) {
        const file = await getReportFile(deps.driver, report.reportId, f);
        if (file) files.set(f, file.bytes);
      }
      const html = files.get('html') ?? Buffer.from(`<p>${report.title} ${report.periodKey}</p>`);
      response = await sendReportMail(
        { url: deps.env.RINGLENS_SMTP_URL, from: deps.env.RINGLENS_MAIL_FROM },
        {
          to: email!.to,
          subject: `${email!.subjectPrefix ? `${email!.subjectPrefix} ` : ''}${report.title} ${report.periodKey}`,
          html,
          attachments: (['pdf', 'json'] as const).filter((f) => files.has(f)).map((f) => ({ filename: `${report.reportId}.${f}`, content: files.get(f)!, contentType: CONTENT_TYPES[f] })),
          deliveryId,
        },
      );
    }
    await recordDeliveryAttempt(deps.driver, deliveryId, { ok: true, response });
    return { deliveryId, outcome: 'delivered', response };
  } catch (e) {
    const permanent = e instanceof WebhookError && e.permanent;
    const final = permanent || job.attemptsMade + 1 >= maxAttempts;
    await recordDeliveryAttempt(deps.driver, deliveryId, { ok: false, error: (e as Error).message, final });
    // A permanent refusal (401, 404…) is not retried; everything else backs off and tries again.
    if (permanent) throw new UnrecoverableError((e as Error).message);
    throw e;
  }
}

/** "Run now": the same fire job a scheduler adds, with an explicit or current period. */
export async function triggerSchedule(scheduleQueue: Queue, payload: FirePayload): Promise<Job> {
  return scheduleQueue.add('fire', FirePayload.parse(payload), { ...RETRY, ...KEEP });
}

export function flowProducer(connection: Redis, prefix: string): FlowProducer {
  return new FlowProducer({ connection, prefix });
}
