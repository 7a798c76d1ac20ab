import type { Driver } from 'neo4j-driver';
import { createCase, transitionCase } from '../../../graph/cases/cases.ts';

/** An investigator's verdict on a ring, through the case workflow: a case opened, investigated, then confirmed or dismissed. */
export async function judgeRing(driver: Driver, ringId: string, to: 'confirmed' | 'dismissed', labels: string[] = []): Promise<void> {
  const c = await createCase(driver, { ringId, actor: 'inv' });
  await transitionCase(driver, c.caseId, { to: 'investigating', actor: 'inv', role: 'investigator' });
  await transitionCase(driver, c.caseId, { to, actor: 'inv', role: 'investigator', labels });
}
