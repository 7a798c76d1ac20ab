import type { Rng } from '../random.ts';
import { plantCardFarming, plantSlowFarm } from './card-farming.ts';
import { plantBothCardsLending, plantCardLending, plantNoCheckLending } from './card-lending.ts';
import { plantCodeMismatch, plantOncePerPatient } from './code-mismatch.ts';
import type { PlantContext, PlantedGroup, ScenarioParams } from './context.ts';
import { plantKickback, plantSeenFirstKickback } from './kickback.ts';
import { plantHba1cOvertesting, plantImagingOveruse, plantOverTreatment, plantProlongedStay } from './over-treatment.ts';
import { plantRecruitedPatients, plantSpreadArrival, plantStaggeredBedHanging } from './recruited-patients.ts';
import { plantSplitHospitalization, plantSplitOtherDoctor } from './split-hospitalization.ts';
import { plantLongChain, plantTraceCodeReuse } from './trace-code-reuse.ts';

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
  'card-lending': ['classic', 'no-check', 'both-cards'],
  'card-farming': ['classic', 'slow-farm'],
  kickback: ['classic', 'seen-first'],
  'recruited-patients': ['classic', 'spread-arrival', 'staggered-bed-hanging'],
  'split-hospitalization': ['classic', 'other-doctor'],
  'over-treatment': ['classic', 'hba1c-overtesting', 'imaging-overuse', 'prolonged-stay'],
  'trace-code-reuse': ['classic', 'long-chain'],
  'code-mismatch': ['classic', 'once-per-patient'],
};

/** The planters of the variants other than 'classic' (which is SCENARIOS[family]). */
export const VARIANT_PLANTERS: Record<ScenarioFamily, Record<string, Planter>> = {
  'card-lending': { 'no-check': plantNoCheckLending, 'both-cards': plantBothCardsLending },
  'card-farming': { 'slow-farm': plantSlowFarm },
  kickback: { 'seen-first': plantSeenFirstKickback },
  'recruited-patients': { 'spread-arrival': plantSpreadArrival, 'staggered-bed-hanging': plantStaggeredBedHanging },
  'split-hospitalization': { 'other-doctor': plantSplitOtherDoctor },
  'over-treatment': { 'hba1c-overtesting': plantHba1cOvertesting, 'imaging-overuse': plantImagingOveruse, 'prolonged-stay': plantProlongedStay },
  'trace-code-reuse': { 'long-chain': plantLongChain },
  'code-mismatch': { 'once-per-patient': plantOncePerPatient },
};
