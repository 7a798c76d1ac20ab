import type { Driver } from 'neo4j-driver';
import { memberKeyOf } from './member-key.ts';
import type { Verdict } from '../../detection/verdict-feedback.ts';

/** Rings investigators have judged (a case confirmed or dismissed them), with their members, for the next run's ranking. */
export async function readVerdicts(driver: Driver): Promise<Verdict[]> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Ring) WHERE r.verdict IN ['fraud', 'false-positive']
     RETURN r.ringId AS ringId, r.family AS family, r.verdict AS verdict, coalesce(r.verdictLabels, []) AS labels, r.verdictCaseId AS caseId,
            [(r)-[:HAS_MEMBER]->(e) | ${memberKeyOf('e')}] AS memberKeys
     ORDER BY ringId`,
    {},
    { routing: 'READ' },
  );
  return records.map((r) => ({
    ringId: r.get('ringId') as string,
    family: r.get('family') as string,
    verdict: r.get('verdict') as Verdict['verdict'],
    labels: r.get('labels') as string[],
    caseId: (r.get('caseId') as string | null) ?? null,
    memberKeys: r.get('memberKeys') as string[],
  }));
}
