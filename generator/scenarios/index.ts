import type { Rng } from '../random.ts';
import { plantCardFarming } from './card-farming.ts';
import { plantCardLending } from './card-lending.ts';
import { plantCodeMismatch } from './code-mismatch.ts';
import type { PlantContext, PlantedGroup, ScenarioParams } from './context.ts';
import { plantKickback } from './kickback.ts';
import { plantOverTreatment } from './over-treatment.ts';
import { plantRecruitedPatients } from './recruited-patients.ts';
import { plantSplitHospitalization } from './split-hospitalization.ts';
import { plantTraceCodeReuse } from './trace-code-reuse.ts';

export type Planter = (ctx: PlantContext, rng: Rng, p: ScenarioParams, id: string, earlierMembers: number[]) => PlantedGroup;

/** Scenario families in BRIEF.md order; the order is also the planting order (part of determinism). */
export const SCENARIOS = {
  'card-lending': plantCardLending,
  'card-farming': plantCardFarming,
  kickback: plantKickback,
  'recruited-patients': plantRecruitedPatients,
  'split-hospitalization': plantSplitHospitalization,
  'over-treatment': plantOverTreatment,
  'trace-code-reuse': plantTraceCodeReuse,
  'code-mismatch': plantCodeMismatch,
} as const satisfies Record<string, Planter>;

export type ScenarioFamily = keyof typeof SCENARIOS;
export const SCENARIO_FAMILIES = Object.keys(SCENARIOS) as ScenarioFamily[];

export const ID_PREFIX: Record<ScenarioFamily, string> = {
  'card-lending': 'CL',
  'card-farming': 'CF',
  kickback: 'KB',
  'recruited-patients': 'RP',
  'split-hospitalization': 'SH',
  'over-treatment': 'OT',
  'trace-code-reuse': 'TR',
  'code-mismatch': 'CM',
};
