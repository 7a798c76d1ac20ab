import type { Driver } from 'neo4j-driver';
import { ScheduleSchema, type Schedule } from '../../jobs/schedule-config.ts';

/**
 * Schedules live in Neo4j (the system of record); Redis holds the BullMQ job schedulers made from
 * them (jobs/schedule-registry.ts), which a worker re-creates on start. A Redis that lost its data
 * therefore gets its schedules back; a Redis with AOF keeps them anyway.
 */

function parse(json: string, id: string): Schedule {
  const r = ScheduleSchema.safeParse(JSON.parse(json));
  if (!r.success) throw new Error(`stored schedule ${id} no longer validates: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export async function listSchedules(driver: Driver): Promise<(Schedule & { updatedAt: string; updatedBy: string | null })[]> {
  const { records } = await driver.executeQuery(
    'MATCH (s:Schedule) RETURN s.scheduleId AS id, s.config AS config, toString(s.updatedAt) AS updatedAt, s.updatedBy AS updatedBy ORDER BY id',
    {},
    { routing: 'READ' },
  );
  return records.map((r) => ({ ...parse(r.get('config'), r.get('id')), updatedAt: r.get('updatedAt'), updatedBy: r.get('updatedBy') }));
}

export async function getSchedule(driver: Driver, id: string): Promise<Schedule | null> {
  const { records } = await driver.executeQuery('MATCH (s:Schedule {scheduleId: $id}) RETURN s.config AS config', { id }, { routing: 'READ' });
  return records[0] ? parse(records[0].get('config'), id) : null;
}

export async function saveSchedule(driver: Driver, s: Schedule, by: string | null): Promise<'created' | 'updated'> {
  const { records } = await driver.executeQuery(
    `OPTIONAL MATCH (old:Schedule {scheduleId: $id})
     WITH old IS NULL AS created
     MERGE (s:Schedule {scheduleId: $id})
     SET s.config = $config, s.enabled = $enabled, s.updatedAt = datetime(), s.updatedBy = $by
     RETURN created`,
    { id: s.id, config: JSON.stringify(s), enabled: s.enabled, by },
  );
  return records[0]!.get('created') ? 'created' : 'updated';
}

export async function deleteSchedule(driver: Driver, id: string): Promise<boolean> {
  const { records } = await driver.executeQuery('MATCH (s:Schedule {scheduleId: $id}) DETACH DELETE s RETURN count(*) AS n', { id });
  return Number(records[0]?.get('n') ?? 0) > 0;
}

/** A schedules file replaces the stored set: what the file does not name is removed. */
export async function replaceSchedules(driver: Driver, schedules: Schedule[], by: string | null): Promise<void> {
  const session = driver.session();
  try {
    await session.executeWrite(async (tx) => {
      await tx.run('MATCH (s:Schedule) WHERE NOT s.scheduleId IN $ids DETACH DELETE s', { ids: schedules.map((s) => s.id) });
      await tx.run(
        `UNWIND $rows AS row
         MERGE (s:Schedule {scheduleId: row.id})
         SET s.config = row.config, s.enabled = row.enabled, s.updatedAt = datetime(), s.updatedBy = $by`,
        { rows: schedules.map((s) => ({ id: s.id, config: JSON.stringify(s), enabled: s.enabled })), by },
      );
    });
  } finally {
    await session.close();
  }
}
