/**
 * Schemes run by one institution and some of its doctors across many patients — split hospitalization,
 * over-treatment, code mismatch. Each detector flags patients with a per-patient pattern and concentrates
 * them per doctor, department and institution against their peers (concentration.ts); the detectors live
 * in their own modules, re-exported here.
 */
export { CODE_MISMATCH_DEFAULTS, detectCodeMismatch, mismatchedItem, type CodeMismatchParams } from './code-mismatch.ts';
export { CONCENTRATION_DEFAULTS, concentrate, type ConcentrationParams, type FlaggedPatient } from './concentration.ts';
export { OVER_TREATMENT_DEFAULTS, detectOverTreatment, type OverTreatmentParams } from './over-treatment.ts';
export { SPLIT_DEFAULTS, detectSplitHospitalization, diagnosisGroup, type SplitParams } from './split-hospitalization.ts';
