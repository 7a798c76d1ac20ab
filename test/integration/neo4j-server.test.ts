import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDriver, serverComponents } from '../../graph/driver.ts';

describe('the Neo4j server the tests run against', () => {
  const driver = createDriver(inject('stack').neo4j);
  afterAll(() => driver.close());

  it('is Neo4j Kernel 5.26 Community, as dbms.components() reports', async () => {
    const c = await serverComponents(driver);
    expect(c.name).toBe('Neo4j Kernel');
    expect(c.edition).toBe('community');
    expect(c.version).toMatch(/^5\.26\.\d+$/);
  });

  it('requires authentication', async () => {
    const { neo4j } = inject('stack');
    const wrong = createDriver({ ...neo4j, password: 'not-the-password' });
    expect(await wrong.verifyAuthentication()).toBe(false);
    await expect(wrong.executeQuery('RETURN 1')).rejects.toThrow(/authentication|unauthorized/i);
    await wrong.close();
  });
});
