import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { listReports } from '../../graph/reports/store.ts';
import { getSchedule, listSchedules, replaceSchedules } from '../../graph/schedules/schedules.ts';
import { PERIOD_KEY_PATTERN, periodKey } from '../../jobs/period.ts';
import { loadScheduleFile } from '../../jobs/schedule-config.ts';
import { schedulerStates, syncSchedulers } from '../../jobs/schedule-registry.ts';
import { triggerSchedule } from '../../jobs/scheduled-run.ts';
import { openServices } from '../../runtime/services.ts';
import { locateStack } from '../../stack/stack.ts';
import { parsePositiveInt } from '../options.ts';

export function registerScheduleCommands(program: Command): void {
  const schedules = program.command('schedules').description('scheduled detection runs and reports (BullMQ job schedulers; docs/schedules.md)');
  schedules
    .command('apply <file>')
    .description('replace the stored schedules with those of a YAML/JSON file and update the job schedulers')
    .option('--instance <name>', 'local instances to use when the URLs are not set', 'default')
    .action(async (file: string, o: { instance: string }) => {
      const parsed = loadScheduleFile(file);
      const env = loadEnv();
      const services = openServices(locateStack(env, o.instance), env.RINGLENS_QUEUE_PREFIX);
      try {
        await replaceSchedules(services.driver, parsed, `file:${file}`);
        const r = await syncSchedulers(services.queues.schedule, parsed);
        console.log(`${parsed.length} schedules stored; job schedulers upserted: ${r.upserted.join(', ') || 'none'}; removed: ${r.removed.join(', ') || 'none'}`);
      } finally {
        await services.close();
      }
    });
  schedules
    .command('list')
    .description('stored schedules with their next run time')
    .option('--instance <name>', 'local instances to use when the URLs are not set', 'default')
    .action(async (o: { instance: string }) => {
      const env = loadEnv();
      const services = openServices(locateStack(env, o.instance), env.RINGLENS_QUEUE_PREFIX);
      try {
        const all = await listSchedules(services.driver);
        const states = await schedulerStates(services.queues.schedule, all.map((s) => s.id));
        for (const s of all) {
          const st = states.get(s.id);
          console.log(`${s.id.padEnd(24)} ${s.enabled ? 'enabled ' : 'disabled'} ${s.kind.padEnd(9)} "${s.cron}" ${s.tz} per ${s.period}  next: ${s.enabled ? (st?.nextRunAt ?? 'scheduler missing — start a worker') : '—'}`);
        }
      } finally {
        await services.close();
      }
    });
  schedules
    .command('run <scheduleId>')
    .description('fire a schedule now for a period (default the current one); a period already reported is not reported again')
    .option('--period <key>', 'period key such as 2026-11-23, 2026-W48 or 2026-11')
    .option('--instance <name>', 'local instances to use when the URLs are not set', 'default')
    .action(async (id: string, o: { period?: string; instance: string }) => {
      if (o.period && !PERIOD_KEY_PATTERN.test(o.period)) throw new Error(`--period ${o.period}: must be a period key such as 2026-11-23, 2026-W48 or 2026-11`);
      const env = loadEnv();
      const services = openServices(locateStack(env, o.instance), env.RINGLENS_QUEUE_PREFIX);
      try {
        const s = await getSchedule(services.driver, id);
        if (!s) throw new Error(`no schedule ${id} (ringlens schedules list)`);
        const key = o.period ?? periodKey(Date.now(), s.period, s.tz);
        const job = await triggerSchedule(services.queues.schedule, { scheduleId: id, periodKey: key, requestedBy: 'cli' });
        console.log(`queued fire job ${job.id} for ${id} period ${key}; the report will be ${id}--${key}`);
      } finally {
        await services.close();
      }
    });
  program
    .command('reports')
    .description('list stored scheduled reports, newest first')
    .option('--schedule <id>', 'only this schedule')
    .option('--limit <n>', 'how many', parsePositiveInt, 20)
    .option('--instance <name>', 'local instances to use when the URLs are not set', 'default')
    .action(async (o: { schedule?: string; limit: number; instance: string }) => {
      const env = loadEnv();
      const services = openServices(locateStack(env, o.instance), env.RINGLENS_QUEUE_PREFIX);
      try {
        for (const r of await listReports(services.driver, { scheduleId: o.schedule, limit: o.limit })) {
          console.log(`${r.reportId.padEnd(40)} ${r.status.padEnd(8)} run ${r.runId ?? '—'}  active ${r.counts?.active ?? '—'} new ${r.counts?.new ?? '—'}  fund ${r.fundAtRisk ?? '—'}  [${r.formats.join(', ')}]`);
        }
      } finally {
        await services.close();
      }
    });
}
