import type { HardNegativePlan } from './hard-negatives.ts';
import type { PlantContext, PlantedGroup } from './scenarios/context.ts';

/** Honest look-alikes of --profile varied (planted before the rings). */
export function plantLookAlikes(_ctx: PlantContext, _seed: number, _plan: HardNegativePlan, _nextId: () => string): PlantedGroup[] {
  return [];
}
