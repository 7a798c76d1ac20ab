import { HARD_NEGATIVE_KINDS, type HardNegativeKind, type HardNegativePlan } from './hard-negatives.ts';
import type { Profile } from './profile.ts';
import { SCENARIO_FAMILIES, VARIANTS, type ScenarioFamily } from './scenarios/index.ts';
import type { ScenarioParams } from './scenarios/context.ts';

/**
 * What to plant. `--scenarios card-lending=5,card-farming=3:size=3-60:strength=0.9:spread=60:overlap=0.2`
 * plants exactly the listed families; without the option every family is planted at a count scaled to --claims.
 */

export type ScenarioPlan = Partial<Record<ScenarioFamily, ScenarioParams>>;

export class PlanError extends Error {}

export const DEFAULT_PARAMS: Omit<ScenarioParams, 'count'> = { minSize: 5, maxSize: 20, strength: 0.8, spreadDays: 120, overlap: 0.1 };

/**
 * Every family, `max(1, round(N / 150,000))` rings each. `varied` plants at least 3 rings of each family and
 * at least one per variant, so a 300k-claim dataset holds every variant.
 */
export function defaultScenarioPlan(claims: number, profile: Profile = 'classic'): ScenarioPlan {
  const count = Math.max(1, Math.round(claims / 150_000));
  if (profile === 'classic') return Object.fromEntries(SCENARIO_FAMILIES.map((f) => [f, { ...DEFAULT_PARAMS, count }]));
  return Object.fromEntries(SCENARIO_FAMILIES.map((f) => [f, { ...DEFAULT_PARAMS, count: Math.max(3, VARIANTS[f].length, count) }]));
}

export function defaultHardNegativePlan(claims: number, regions: number, profile: Profile = 'classic'): HardNegativePlan {
  // Look-alikes (varied only): one or two of each at 300k claims, family groups a few more.
  const scaled = (per: number, min = 1) => (profile === 'varied' ? Math.max(min, Math.round(claims / per)) : 0);
  return {
    'giant-hospital': Math.min(regions, 2),
    'pharmacy-beside-hospital': Math.max(1, Math.min(regions * 2, Math.round(claims / 300_000))),
    'family-pharmacy': Math.max(2, Math.round(claims / 50_000)),
    'nursing-home': Math.max(1, Math.round(claims / 400_000)),
    'weekly-chronic': Math.max(1, Math.round(claims / 200_000)),
    'rehab-course': scaled(200_000),
    'chemo-cycles': scaled(300_000),
    dialysis: scaled(400_000),
    'family-mutual-aid': scaled(75_000, 2),
    // one specialty pharmacy per region at most: it is the only one there stocking its drug
    'dtp-pharmacy': Math.min(regions, scaled(400_000)),
    'school-outbreak': scaled(300_000),
    'health-check': scaled(300_000),
    'chronic-refill': scaled(200_000),
  };
}

function number(text: string, what: string, min: number, max: number, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new PlanError(`${what} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

export function parseScenarioPlan(spec: string): ScenarioPlan {
  const plan: ScenarioPlan = {};
  if (spec.trim() === 'none') return plan;
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [head, ...options] = part.split(':');
    const [name, countText] = (head ?? '').split('=');
    if (!SCENARIO_FAMILIES.includes(name as ScenarioFamily)) {
      throw new PlanError(`unknown scenario family "${name}" (known: ${SCENARIO_FAMILIES.join(', ')})`);
    }
    const family = name as ScenarioFamily;
    if (plan[family]) throw new PlanError(`scenario family "${family}" is listed twice`);
    if (countText === undefined) throw new PlanError(`"${part}" needs a count, like ${family}=5`);
    const params: ScenarioParams = { ...DEFAULT_PARAMS, count: number(countText, `${family} count`, 0, 10_000, true) };
    for (const opt of options) {
      const [key, value = ''] = opt.split('=');
      if (key === 'size') {
        const [lo, hi = lo] = value.split('-');
        params.minSize = number(lo ?? '', `${family} size`, 3, 60, true);
        params.maxSize = number(hi ?? '', `${family} size`, 3, 60, true);
        if (params.maxSize < params.minSize) throw new PlanError(`${family} size range "${value}" is reversed`);
      } else if (key === 'strength') params.strength = number(value, `${family} strength`, 0, 1, false);
      else if (key === 'spread') params.spreadDays = number(value, `${family} spread (days)`, 1, 3660, true);
      else if (key === 'overlap') params.overlap = number(value, `${family} overlap`, 0, 1, false);
      else if (key === 'variant') {
        if (!VARIANTS[family].includes(value)) throw new PlanError(`unknown ${family} variant "${value}" (known: ${VARIANTS[family].join(', ')})`);
        params.variant = value;
      } else throw new PlanError(`unknown scenario option "${key}" in "${part}" (known: size, strength, spread, overlap, variant)`);
    }
    plan[family] = params;
  }
  return plan;
}

export function parseHardNegativePlan(spec: string, base: HardNegativePlan): HardNegativePlan {
  const plan = { ...base };
  if (spec.trim() === 'none') return Object.fromEntries(HARD_NEGATIVE_KINDS.map((k) => [k, 0])) as HardNegativePlan;
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, countText = ''] = part.split('=');
    if (!HARD_NEGATIVE_KINDS.includes(name as HardNegativeKind)) throw new PlanError(`unknown hard-negative kind "${name}" (known: ${HARD_NEGATIVE_KINDS.join(', ')})`);
    plan[name as HardNegativeKind] = number(countText, `${name} count`, 0, 10_000, true);
  }
  return plan;
}
