import type { Driver } from 'neo4j-driver';

/**
 * Nodes the database holds besides the schema-migration bookkeeping (counts come from the count
 * store: constant time however big the graph). A bulk import replaces the store, so it may only run
 * when this is 0.
 */
export async function dataNodeCount(driver: Driver): Promise<number> {
  const { records } = await driver.executeQuery(
    'CALL () { MATCH (n) RETURN count(n) AS all } CALL () { MATCH (m:SchemaMigration) RETURN count(m) AS bookkeeping } RETURN all - bookkeeping AS n',
  );
  return Number(records[0]?.get('n') ?? 0);
}
