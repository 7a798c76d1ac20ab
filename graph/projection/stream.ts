import type { Driver } from 'neo4j-driver';

/**
 * Runs a read query and hands each record's values (in RETURN order) to `onRow` as they arrive,
 * without buffering the result: the driver pulls `fetchSize` records at a time, so memory stays flat
 * however many claims the query returns.
 */
export async function streamRows(driver: Driver, query: string, params: Record<string, unknown>, onRow: (values: unknown[]) => void, fetchSize = 5_000): Promise<number> {
  // Projections read node ids with id() (deprecated for elementId, but a number, and the order a label
  // scan returns): its deprecation notice on every query says nothing we act on.
  const session = driver.session({ defaultAccessMode: 'READ', fetchSize, notificationFilter: { minimumSeverityLevel: 'OFF' } });
  let rows = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      session.run(query, params).subscribe({
        onNext(record) {
          try {
            onRow(record.keys.map((_, i) => record.get(i)));
            rows++;
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        },
        onCompleted: () => resolve(),
        onError: (e) => reject(e),
      });
    });
  } finally {
    await session.close();
  }
  return rows;
}
