import type { Queue } from 'bullmq';
import type { Driver } from 'neo4j-driver';
import { logger } from '../config/logger.ts';
import { listSchedules, replaceSchedules } from '../graph/schedules/schedules.ts';
import { DEFAULT_SCHEDULES_FILE, loadScheduleFile, type Schedule } from './schedule-config.ts';
import { PROJECT_ROOT } from '../config/env.ts';
import path from 'node:path';

/**
 * Makes Redis's BullMQ job schedulers match the stored schedules: one scheduler per enabled
 * schedule (Queue.upsertJobScheduler with the cron pattern and time zone; upserting an unchanged one
 * is a no-op, a changed one is replaced), none for a disabled or deleted one. Each fire puts a
 * `fire` job on the schedule queue; jobs/scheduled-run.ts turns it into the period's flow.
 */

export const FIRE_JOB = 'fire';

export interface SchedulerState {
  scheduleId: string;
  present: boolean;
  /** next fire, ISO; null when disabled */
  nextRunAt: string | null;
}

export async function syncSchedulers(queue: Queue, schedules: readonly Schedule[]): Promise<{ upserted: string[]; removed: string[] }> {
  const wanted = new Map(schedules.filter((s) => s.enabled).map((s) => [s.id, s]));
  const upserted: string[] = [];
  const removed: string[] = [];
  for (const s of wanted.values()) {
    await queue.upsertJobScheduler(
      s.id,
      { pattern: s.cron, tz: s.tz },
      {
        name: FIRE_JOB,
        data: { scheduleId: s.id },
        opts: { attempts: 5, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 30 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } },
      },
    );
    upserted.push(s.id);
  }
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    const id = existing.key;
    if (!wanted.has(id)) {
      await queue.removeJobScheduler(id);
      removed.push(id);
    }
  }
  return { upserted, removed };
}

export async function schedulerStates(queue: Queue, ids: readonly string[]): Promise<Map<string, SchedulerState>> {
  const out = new Map<string, SchedulerState>();
  for (const id of ids) {
    const s = await queue.getJobScheduler(id);
    out.set(id, { scheduleId: id, present: !!s, nextRunAt: s?.next ? new Date(s.next).toISOString() : null });
  }
  return out;
}

/**
 * What a worker does on start: seed the stored schedules from the defaults file when none exist
 * (a fresh install gets the nightly, weekly and monthly schedules), then bring Redis in line.
 */
export async function ensureSchedulers(driver: Driver, queue: Queue, defaultsFile = path.join(PROJECT_ROOT, DEFAULT_SCHEDULES_FILE)): Promise<Schedule[]> {
  let schedules: Schedule[] = await listSchedules(driver);
  if (schedules.length === 0) {
    schedules = loadScheduleFile(defaultsFile);
    await replaceSchedules(driver, schedules, 'defaults');
    logger().info({ file: defaultsFile, schedules: schedules.map((s) => s.id) }, 'no schedules stored yet: loaded the defaults');
  }
  const r = await syncSchedulers(queue, schedules);
  logger().info(r, 'job schedulers in line with the stored schedules');
  return schedules;
}
