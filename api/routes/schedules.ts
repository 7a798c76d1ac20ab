import { z } from 'zod';
import { deleteSchedule, getSchedule, listSchedules, saveSchedule } from '../../graph/schedules/schedules.ts';
import { PERIOD_KEY_PATTERN, periodKey } from '../../jobs/period.ts';
import { ScheduleSchema, scheduleProblem, type Schedule } from '../../jobs/schedule-config.ts';
import { schedulerStates, syncSchedulers } from '../../jobs/schedule-registry.ts';
import { triggerSchedule } from '../../jobs/scheduled-run.ts';
import type { ApiDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../problem.ts';
import { defineRoute, type AnyRoute } from '../route.ts';
import { redisCall } from '../redis-call.ts';
import { ScheduleView } from '../schemas/schedules.ts';

/**
 * Schedules of detection runs and reports: admins create, change and delete them; supervisors see them
 * and run one now (the workbench's reports page). Changes are stored in Neo4j and the BullMQ
 * job schedulers are brought in line at once, so `nextRunAt` in the answer is already the new one.
 * Webhook secrets are write-only: answers say whether one is set, never what it is.
 */

const ScheduleId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes');


const SchedulePatch = ScheduleSchema.omit({ id: true }).partial().strict().meta({ id: 'SchedulePatch' });

async function view(deps: ApiDeps, schedules: Schedule[]): Promise<z.input<typeof ScheduleView>[]> {
  const states = await redisCall(deps, 'read the job schedulers', () => schedulerStates(deps.services.queues.schedule, schedules.map((s) => s.id)));
  return schedules.map((s) => {
    const st = states.get(s.id);
    return {
      id: s.id,
      title: s.title,
      kind: s.kind,
      cron: s.cron,
      tz: s.tz,
      period: s.period,
      enabled: s.enabled,
      lang: s.lang,
      formats: s.formats,
      delivery: {
        webhooks: s.delivery.webhooks.map((w) => ({ url: w.url, secretSet: !!w.secret, secretEnv: w.secretEnv ?? null })),
        email: s.delivery.email ? { to: s.delivery.email.to, subjectPrefix: s.delivery.email.subjectPrefix ?? null } : null,
      },
      nextRunAt: s.enabled ? (st?.nextRunAt ?? null) : null,
      schedulerPresent: !!st?.present,
    };
  });
}

async function resync(deps: ApiDeps): Promise<void> {
  const all = await listSchedules(deps.services.driver);
  await redisCall(deps, 'update the job schedulers', () => syncSchedulers(deps.services.queues.schedule, all));
}

export function scheduleRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/schedules',
      operationId: 'listSchedules',
      tag: 'schedules',
      summary: 'Scheduled detection runs and reports, with their next run time',
      roles: ['supervisor', 'admin'],
      response: { status: 200, schema: z.object({ items: z.array(ScheduleView) }), description: 'every schedule' },
      async handler({ deps }) {
        return { items: await view(deps, await listSchedules(deps.services.driver)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/schedules/:scheduleId',
      operationId: 'getSchedule',
      tag: 'schedules',
      summary: 'One schedule with its next run time',
      roles: ['supervisor', 'admin'],
      params: z.object({ scheduleId: ScheduleId }),
      response: { status: 200, schema: ScheduleView, description: 'the schedule' },
      problems: [404],
      async handler({ params, deps }) {
        const s = await getSchedule(deps.services.driver, params.scheduleId);
        if (!s) throw notFound(`no schedule ${params.scheduleId}`);
        return (await view(deps, [s]))[0]!;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/schedules',
      operationId: 'createSchedule',
      tag: 'schedules',
      summary: 'Create a schedule (cron in its time zone, default Asia/Shanghai); its job scheduler is created at once',
      roles: ['admin'],
      body: ScheduleSchema.meta({ id: 'ScheduleInput' }),
      response: { status: 201, schema: ScheduleView, description: 'the new schedule' },
      problems: [400, 409],
      audit: ['schedule-change'],
      async handler({ body, deps, user, audit }) {
        const wrong = scheduleProblem(body);
        if (wrong) throw badRequest(`schedule ${body.id}: ${wrong.field}: ${wrong.message}`, [{ path: `body.${wrong.field}`, message: wrong.message }]);
        if (await getSchedule(deps.services.driver, body.id)) throw conflict(`schedule ${body.id} exists; PATCH /schedules/${body.id} changes it`);
        await saveSchedule(deps.services.driver, body, user.username);
        await resync(deps);
        await audit({ action: 'schedule-change', target: `schedule:${body.id}`, details: { change: 'create', cron: body.cron, tz: body.tz, enabled: body.enabled } });
        return (await view(deps, [body]))[0]!;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/schedules/:scheduleId',
      operationId: 'updateSchedule',
      tag: 'schedules',
      summary: 'Change a schedule — cron, time zone, enable/disable, delivery; the job scheduler follows at once',
      roles: ['admin'],
      params: z.object({ scheduleId: ScheduleId }),
      body: SchedulePatch,
      response: { status: 200, schema: ScheduleView, description: 'the changed schedule' },
      problems: [400, 404],
      audit: ['schedule-change'],
      async handler({ params, body, deps, user, audit }) {
        const old = await getSchedule(deps.services.driver, params.scheduleId);
        if (!old) throw notFound(`no schedule ${params.scheduleId}`);
        const next = ScheduleSchema.parse({ ...old, ...body, id: old.id });
        const wrong = scheduleProblem(next);
        if (wrong) throw badRequest(`schedule ${next.id}: ${wrong.field}: ${wrong.message}`, [{ path: `body.${wrong.field}`, message: wrong.message }]);
        await saveSchedule(deps.services.driver, next, user.username);
        await resync(deps);
        await audit({ action: 'schedule-change', target: `schedule:${next.id}`, details: { change: 'update', fields: Object.keys(body) } });
        return (await view(deps, [next]))[0]!;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/schedules/:scheduleId',
      operationId: 'deleteSchedule',
      tag: 'schedules',
      summary: 'Delete a schedule and its job scheduler (its reports stay)',
      roles: ['admin'],
      params: z.object({ scheduleId: ScheduleId }),
      response: { status: 200, schema: z.object({ deleted: z.string() }), description: 'deleted' },
      problems: [404],
      audit: ['schedule-change'],
      async handler({ params, deps, audit }) {
        if (!(await deleteSchedule(deps.services.driver, params.scheduleId))) throw notFound(`no schedule ${params.scheduleId}`);
        await resync(deps);
        await audit({ action: 'schedule-change', target: `schedule:${params.scheduleId}`, details: { change: 'delete' } });
        return { deleted: params.scheduleId };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/schedules/:scheduleId/run',
      operationId: 'runSchedule',
      tag: 'schedules',
      summary: 'Run a schedule now for a period (default: the current one); a period already reported is not reported again',
      roles: ['supervisor', 'admin'],
      params: z.object({ scheduleId: ScheduleId }),
      body: z.object({ periodKey: z.string().regex(PERIOD_KEY_PATTERN, 'a period key such as 2026-11-23, 2026-W48 or 2026-11').optional() }).strict(),
      response: { status: 202, schema: z.object({ jobId: z.string(), scheduleId: z.string(), periodKey: z.string(), reportId: z.string(), reportUrl: z.string() }), description: 'the fire job, queued' },
      problems: [404],
      audit: ['schedule-run'],
      async handler({ params, body, deps, user, audit }) {
        const s = await getSchedule(deps.services.driver, params.scheduleId);
        if (!s) throw notFound(`no schedule ${params.scheduleId}`);
        const key = body.periodKey ?? periodKey(Date.now(), s.period, s.tz);
        const job = await redisCall(deps, 'queue a scheduled run', () => triggerSchedule(deps.services.queues.schedule, { scheduleId: s.id, periodKey: key, requestedBy: user.username }));
        const reportId = `${s.id}--${key}`;
        await audit({ action: 'schedule-run', target: `schedule:${s.id}`, details: { periodKey: key, jobId: job.id ?? null } });
        return { jobId: job.id!, scheduleId: s.id, periodKey: key, reportId, reportUrl: `/api/v1/reports/${encodeURIComponent(reportId)}` };
      },
    }),
  ];
}
