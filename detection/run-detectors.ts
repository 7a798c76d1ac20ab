import type { ClaimSet } from '../algorithms/claim-set.ts';
import { CARD_FARMING_DEFAULTS, detectCardFarming, type CardFarmingParams } from '../algorithms/detectors/card-farming.ts';
import { CARD_LENDING_DEFAULTS, detectCardLending, type CardLendingParams } from '../algorithms/detectors/card-lending.ts';
import {
  CODE_MISMATCH_DEFAULTS,
  OVER_TREATMENT_DEFAULTS,
  SPLIT_DEFAULTS,
  detectCodeMismatch,
  detectOverTreatment,
  detectSplitHospitalization,
  type CodeMismatchParams,
  type OverTreatmentParams,
  type SplitParams,
} from '../algorithms/detectors/institution-patterns.ts';
import { KICKBACK_DEFAULTS, detectKickback, type KickbackParams } from '../algorithms/detectors/kickback.ts';
import { RECRUITED_DEFAULTS, detectRecruitedPatients, type RecruitedParams } from '../algorithms/detectors/recruited-patients.ts';
import { TRACE_REUSE_DEFAULTS, detectTraceCodeReuse, type TraceReuseParams } from '../algorithms/detectors/trace-code-reuse.ts';
import type { RingCandidate } from '../algorithms/detectors/types.ts';
import { compileKnowledge, type CompiledKnowledge, type DetectionKnowledge } from '../algorithms/knowledge.ts';
import { buildKinship, type Kinship } from '../algorithms/kinship.ts';
import { loadKnowledge } from './knowledge.ts';

/** Runs every detector over one projection, in the order their results depend on, timing each. */

export interface DetectorParams {
  cardLending: CardLendingParams;
  cardFarming: CardFarmingParams;
  kickback: KickbackParams;
  recruitedPatients: RecruitedParams;
  splitHospitalization: SplitParams;
  overTreatment: OverTreatmentParams;
  traceCodeReuse: TraceReuseParams;
  codeMismatch: Omit<CodeMismatchParams, 'excludeCards'>;
}

export const DEFAULT_DETECTOR_PARAMS: DetectorParams = {
  cardLending: CARD_LENDING_DEFAULTS,
  cardFarming: CARD_FARMING_DEFAULTS,
  kickback: KICKBACK_DEFAULTS,
  recruitedPatients: RECRUITED_DEFAULTS,
  splitHospitalization: SPLIT_DEFAULTS,
  overTreatment: OVER_TREATMENT_DEFAULTS,
  traceCodeReuse: TRACE_REUSE_DEFAULTS,
  codeMismatch: CODE_MISMATCH_DEFAULTS,
};

export interface DetectorRun {
  candidates: RingCandidate[];
  /** seconds per detector */
  timings: Record<string, number>;
}

export function runDetectors(
  set: ClaimSet,
  params: DetectorParams = DEFAULT_DETECTOR_PARAMS,
  onDetector: (name: string, done: number, total: number) => void = () => {},
  knowledge: DetectionKnowledge = loadKnowledge(),
): DetectorRun {
  const timings: Record<string, number> = {};
  let started = performance.now();
  const k: CompiledKnowledge = compileKnowledge(set, knowledge);
  const kin: Kinship = buildKinship(set, k.compoundSurnames);
  timings.knowledge = (performance.now() - started) / 1000;
  const candidates: RingCandidate[] = [];
  const steps: [string, () => RingCandidate[]][] = [];
  let lendingCards = new Set<number>();
  steps.push([
    'card-lending',
    () => {
      const rings = detectCardLending(set, params.cardLending, k, kin);
      lendingCards = new Set(rings.flatMap((r) => r.members.filter((m) => m.type === 'card').map((m) => m.index)));
      return rings;
    },
  ]);
  let farmedCards = new Set<number>();
  steps.push([
    'card-farming',
    () => {
      const rings = detectCardFarming(set, params.cardFarming, k, kin);
      farmedCards = new Set(rings.flatMap((r) => r.members.filter((m) => m.type === 'card').map((m) => m.index)));
      return rings;
    },
  ]);
  // Patients another detector's ring already explains at an institution: over-treatment leaves their
  // package to that ring (a steering doctor's cover visits, a recruiter's trips).
  const brought = new Set<string>();
  steps.push([
    'kickback',
    () => {
      const rings = detectKickback(set, params.kickback, k);
      for (const r of rings) {
        const at = r.members.filter((m) => m.type === 'doctor').map((m) => set.doctors.institution[m.index]!);
        for (const m of r.members) if (m.type === 'person') for (const g of at) brought.add(`${m.index}|${g}`);
      }
      return rings;
    },
  ]);
  steps.push([
    'recruited-patients',
    () => {
      const rings = detectRecruitedPatients(set, params.recruitedPatients, k, kin, farmedCards);
      // Patients brought together, per institution: over-treatment leaves their package to this ring.
      for (const r of rings) {
        if (r.family !== 'recruited-patients') continue;
        const at = r.members.filter((m) => m.type === 'institution').map((m) => m.index);
        for (const m of r.members) if (m.type === 'person') for (const g of at) brought.add(`${m.index}|${g}`);
      }
      return rings;
    },
  ]);
  steps.push(['split-hospitalization', () => detectSplitHospitalization(set, k, params.splitHospitalization)]);
  steps.push(['over-treatment', () => detectOverTreatment(set, k, params.overTreatment, brought)]);
  steps.push(['trace-code-reuse', () => detectTraceCodeReuse(set, params.traceCodeReuse)]);
  // Items that contradict the patient on a lent card are the lending ring's evidence, not miscoding.
  steps.push(['code-mismatch', () => detectCodeMismatch(set, { ...params.codeMismatch, excludeCards: lendingCards })]);
  steps.forEach(([name, run], n) => {
    started = performance.now();
    candidates.push(...run());
    timings[name] = (performance.now() - started) / 1000;
    onDetector(name, n + 1, steps.length);
  });
  return { candidates, timings };
}
