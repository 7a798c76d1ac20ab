import { z } from 'zod';

/** A schedule as the API shows it (api/routes/schedules.ts): secrets write-only, with its next fire. */
export const ScheduleView = z
  .object({
    id: z.string(),
    title: z.string(),
    kind: z.enum(['detection', 'report']),
    cron: z.string(),
    tz: z.string(),
    period: z.string(),
    enabled: z.boolean(),
    lang: z.enum(['zh', 'en']),
    formats: z.array(z.enum(['html', 'pdf', 'json'])),
    delivery: z.object({
      webhooks: z.array(z.object({ url: z.string(), secretSet: z.boolean(), secretEnv: z.string().nullable() })),
      email: z.object({ to: z.array(z.string()), subjectPrefix: z.string().nullable() }).nullable(),
    }),
    nextRunAt: z.string().nullable().meta({ description: 'the next fire (ISO); null when disabled or the scheduler is missing in Redis' }),
    schedulerPresent: z.boolean().meta({ description: 'whether Redis holds the job scheduler (a worker re-creates missing ones on start)' }),
  })
  .meta({ id: 'Schedule' });
