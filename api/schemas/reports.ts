import { z } from 'zod';

/** Stored scheduled reports and their deliveries, as the API answers them. */

export const ReportId = z.string().min(1).max(120).regex(/^[a-z0-9][a-z0-9-]*--[0-9]{4}-[0-9A-Z-]+$/, 'a report id such as nightly-detection--2026-11-23');

const Counts = z.object({ active: z.number(), new: z.number(), grown: z.number(), shrunk: z.number(), dissolved: z.number() });

export const ReportSchema = z
  .object({
    reportId: z.string(),
    scheduleId: z.string(),
    periodKey: z.string(),
    periodUnit: z.string(),
    title: z.string(),
    lang: z.string(),
    status: z.enum(['building', 'ready']),
    firedAt: z.string().nullable(),
    createdAt: z.string().nullable(),
    readyAt: z.string().nullable(),
    runId: z.string().nullable(),
    baselineRunId: z.string().nullable(),
    counts: Counts.nullable(),
    fundAtRisk: z.number().nullable(),
    formats: z.array(z.enum(['html', 'pdf', 'json'])),
    links: z.record(z.string(), z.string()).meta({ description: 'download URL per format' }),
  })
  .meta({ id: 'Report' });

export const DeliverySchema = z
  .object({
    deliveryId: z.string(),
    channel: z.string().meta({ description: 'webhook-<n> or email' }),
    target: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number(),
    lastError: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    response: z.string().nullable(),
  })
  .meta({ id: 'Delivery' });

