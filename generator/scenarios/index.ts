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

/**
 * `--profile varied`: the forms each family is planted in. Ring i of a family gets the i-th entry of a
 * seeded shuffle of its list (cycling), so every variant appears once the family has as many rings as
 * variants. docs/generator.md describes each one.
 */
export const VARIANTS: Record<ScenarioFamily, readonly string[]> = {
  'card-lending': ['classic'],
  'card-farming': ['classic'],
  kickback: ['classic'],
  'recruited-patients': ['classic'],
  'split-hospitalization': ['classic'],
  'over-treatment': ['classic'],
  'trace-code-reuse': ['classic'],
  'code-mismatch': ['classic'],
};

/** The planters of the variants other than 'classic' (which is SCENARIOS[family]). */
export const VARIANT_PLANTERS: Record<ScenarioFamily, Record<string, Planter>> = {
  'card-lending': {},
  'card-farming': {},
  kickback: {},
  'recruited-patients': {},
  'split-hospitalization': {},
  'over-treatment': {},
  'trace-code-reuse': {},
  'code-mismatch': {},
};
