import type { Driver } from 'neo4j-driver';
import { memberKeyOf } from './member-key.ts';
import type { PreviousRing } from '../../detection/tracking.ts';

/** Active rings a new run is compared with: those of the same region when the run is scoped to one. */
export async function readActiveRings(driver: Driver, region?: string): Promise<PreviousRing[]> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Ring {status: 'active'}) WHERE $region IS NULL OR r.region = $region
     RETURN r.ringId AS ringId, r.family AS family, r.score AS score,
            [(r)-[:HAS_MEMBER]->(e) | ${memberKeyOf('e')}] AS memberKeys
     ORDER BY ringId`,
    { region: region ?? null },
    { routing: 'READ' },
  );
  return records.map((r) => ({ ringId: r.get('ringId') as string, family: r.get('family') as string, memberKeys: r.get('memberKeys') as string[], ...(typeof r.get('score') === 'number' ? { score: r.get('score') as number } : {}) }));
}
