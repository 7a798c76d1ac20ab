import type { Driver } from 'neo4j-driver';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDriver } from '../../graph/driver.ts';
import { currentSchemaVersion, migrate } from '../../graph/migrate.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../graph/migrations/index.ts';

async function schemaSnapshot(driver: Driver) {
  const constraints = await driver.executeQuery('SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties ORDER BY name');
  const indexes = await driver.executeQuery('SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state RETURN name, type, labelsOrTypes, properties, state ORDER BY name');
  const applied = await driver.executeQuery('MATCH (m:SchemaMigration) RETURN m.version AS v, m.checksum AS c, toString(m.appliedAt) AS at ORDER BY v');
  return {
    constraints: constraints.records.map((r) => r.toObject()),
    indexes: indexes.records.map((r) => r.toObject()),
    applied: applied.records.map((r) => r.toObject()),
  };
}

describe('schema migrations', () => {
  const driver = createDriver(inject('stack').neo4j);
  afterAll(() => driver.close());

  it('bring an empty database to the current version, then a second run changes nothing', async () => {
    const first = await migrate(driver);
    expect(first.schemaVersion).toBe(SCHEMA_VERSION);
    expect(await currentSchemaVersion(driver)).toBe(SCHEMA_VERSION);
    const after1 = await schemaSnapshot(driver);

    const second = await migrate(driver);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await schemaSnapshot(driver)).toEqual(after1);
  });

  it('create a uniqueness constraint for every natural key of the data model', async () => {
    await migrate(driver);
    const { records } = await driver.executeQuery("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties WHERE type = 'UNIQUENESS' RETURN labelsOrTypes[0] + '.' + properties[0] AS key");
    const keys = records.map((r) => r.get('key') as string);
    for (const key of ['Person.idNumber', 'Card.cardNo', 'Doctor.code', 'Institution.code', 'Claim.claimId', 'TraceCode.code', 'Ring.ringId', 'DetectionRun.runId', 'Case.caseId', 'User.username', 'AuditEvent.eventId']) {
      expect(keys).toContain(key);
    }
    await expect(
      driver.executeQuery('CREATE (:Person {idNumber: $id}) CREATE (:Person {idNumber: $id})', { id: '11010519491231002X' }),
    ).rejects.toThrow(/already exists/);
  });

  it('refuse a migration edited after it was applied', async () => {
    await migrate(driver);
    const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, statements: [...m.statements, 'RETURN 1'] } : m));
    await expect(migrate(driver, edited)).rejects.toThrow(/migration 1 .* was changed after it was applied/);
  });
});
