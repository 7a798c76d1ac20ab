import neo4j from 'neo4j-driver';
import { describe, expect, inject, it } from 'vitest';
import { createDriver } from '../../graph/driver.ts';
import { remainingMs, withDeadline } from '../../runtime/request-deadline.ts';
import { resilientDriver } from '../../runtime/resilient-driver.ts';

/**
 * A slow Neo4j is not a Neo4j that is down. The API gives each request a budget of a few seconds so that
 * an outage answers 503 quickly; a restarted server, though, plans its first queries for seconds (the
 * first ring page after a restart answered "Neo4j is unavailable" on a 1M store, every time). A call
 * the server is seen working on (its transaction list names it) is waited for, and the rest of the
 * request shares the longer wait. The outage side — a server that swallows calls still answers 503
 * within 3 s — is security-outage.test.ts and security-restart.test.ts.
 */
describe('a call Neo4j is working on, past the request budget', () => {
  const stack = inject('stack');

  it('is waited for, and the rest of the request gets the longer wait', async () => {
    // the transaction list answers quickly once the server has listed it once
    const plain = createDriver(stack.neo4j);
    await plain.executeQuery('SHOW TRANSACTIONS');
    await plain.close();
    const driver = resilientDriver(stack.neo4j, {}, { answerWithinMs: 1_000 });
    try {
      // real work on the server for seconds: what a cold server's first plans cost
      const slow = 'UNWIND range(1, $n) AS x WITH x WHERE x % 7 = 0 RETURN count(*) AS n';
      const started = Date.now();
      const answer = await withDeadline(started + 1_200, async () => {
        const { records } = await driver.executeQuery(slow, { n: neo4j.int(60_000_000) });
        return { n: Number(records[0]!.get('n')), left: remainingMs()! };
      });
      const took = Date.now() - started;
      // the query did outlast the budget (else this test would prove nothing)
      expect(took).toBeGreaterThan(1_200);
      expect(answer.n).toBe(Math.floor(60_000_000 / 7));
      // the audit event and any other call of the request may now wait too
      expect(answer.left).toBeGreaterThan(5_000);
    } finally {
      await driver.close();
    }
  }, 60_000);
});
