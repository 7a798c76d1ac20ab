import { afterAll, describe, expect, inject, it } from 'vitest';
import { appendAudit, queryAudit } from '../../graph/audit/audit.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';

describe('the audit trail under concurrent writers', () => {
  const driver = createDriver(inject('stack').neo4j);
  afterAll(() => driver.close());

  it('keeps every one of 200 concurrent events, each durable before its caller goes on', async () => {
    await migrate(driver);
    const actor = `burst-${Date.now()}`;
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, k) =>
        appendAudit(driver, { actor, role: 'investigator', action: 'personal-data-read', target: `person:${k}`, subjects: [`P${k}`], outcome: 'success', ip: '127.0.0.1', userAgent: 'test', method: 'GET', path: `/p/${k}` }),
      ),
    );
    expect(new Set(ids).size).toBe(200);
    const { records } = await driver.executeQuery('MATCH (a:AuditEvent {actor: $actor}) RETURN count(a) AS n, count(DISTINCT a.target) AS targets', { actor });
    expect(records[0]!.toObject()).toEqual({ n: 200, targets: 200 });
    const page = await queryAudit(driver, { actor, subject: 'P7', limit: 10 });
    expect(page.map((e) => e.target)).toEqual(['person:7']);
  });
});
