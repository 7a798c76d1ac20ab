import neo4j from 'neo4j-driver';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDriver } from '../../graph/driver.ts';
import { readQuery, writeQuery } from '../../graph/auto-commit.ts';

describe('auto-commit queries', () => {
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
    expect(err.stack).toMatch(/at autoCommit .*auto-commit\.ts/);
    expect(err.stack).toMatch(/at (async )?askBadly /);
    // The limit the driver was run under is restored.
    expect(Error.stackTraceLimit).toBe(stackTraceLimit);
  });

  it('writes, and a non-retryable failure is thrown at once', async () => {
    const key = `auto-commit-${Date.now()}`;
    await writeQuery(driver, 'MERGE (t:AutoCommitProbe {key: $key}) ON CREATE SET t.n = 1', { key });
    await writeQuery(driver, 'MERGE (t:AutoCommitProbe {key: $key}) ON CREATE SET t.n = 2', { key });
    const { records } = await readQuery(driver, 'MATCH (t:AutoCommitProbe {key: $key}) RETURN t.n AS n', { key });
    expect(records.map((r) => Number(r.get('n')))).toEqual([1]);
    await writeQuery(driver, 'MATCH (t:AutoCommitProbe {key: $key}) DELETE t', { key });
    const started = performance.now();
    await expect(writeQuery(driver, 'CREATE (t:AutoCommitProbe {key: })', {})).rejects.toMatchObject({ code: 'Neo.ClientError.Statement.SyntaxError' });
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('tries a write again on a retryable failure, then gives up with the error', async () => {
    // Nothing listens on port 1: every attempt fails with ServiceUnavailable, which Neo4j calls retryable.
    const nowhere = neo4j.driver('bolt://127.0.0.1:1', neo4j.auth.basic('neo4j', 'x'), { connectionTimeout: 1_000 });
    try {
      const started = performance.now();
      const err = (await writeQuery(nowhere, 'RETURN 1', {}).then(
        () => expect.fail('there is no server'),
        (e: unknown) => e,
      )) as Error & { code?: string };
      expect(err.code).toBe('ServiceUnavailable');
      // Two pauses (50 + 250 ms) between three attempts.
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      await nowhere.close();
    }
  });
});
