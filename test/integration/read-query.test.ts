import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDriver } from '../../graph/driver.ts';
import { readQuery } from '../../graph/read-query.ts';

describe('readQuery', () => {
  const driver = createDriver(inject('stack').neo4j);
  afterAll(() => driver.close());

  async function askBadly() {
    return await readQuery(driver, 'MATCH (n) RETURN n.x +', {});
  }

  it('reads rows', async () => {
    const { records } = await readQuery(driver, 'UNWIND range(1, $n) AS x RETURN x', { n: 3 });
    expect(records.map((r) => Number(r.get('x')))).toEqual([1, 2, 3]);
  });

  it('gives a failed query the stack of its caller although the driver recorded none', async () => {
    const stackTraceLimit = Error.stackTraceLimit;
    const err = (await askBadly().then(
      () => expect.fail('the query should have failed'),
      (e: unknown) => e,
    )) as Error & { code?: string };
    expect(err.code).toBe('Neo.ClientError.Statement.SyntaxError');
    expect(err.stack).toMatch(/at readQuery .*read-query\.ts/);
    expect(err.stack).toMatch(/at (async )?askBadly /);
    // The limit the driver was run under is restored.
    expect(Error.stackTraceLimit).toBe(stackTraceLimit);
  });
});
