/** Command-line arguments and the per-profile plan: how many rings and look-alike groups of each kind. */

export type Profile = 'default' | 'hard';

export const FAMILIES = [
  'card-lending',
  'card-farming',
  'kickback',
  'recruited-patients',
  'split-hospitalization',
  'over-treatment',
  'trace-code-reuse',
  'code-mismatch',
] as const;
export type Family = (typeof FAMILIES)[number];

export const HN_KINDS = [
  'giant-hospital',
  'pharmacy-beside-hospital',
  'family-pharmacy',
  'family-mutual-aid',
  'nursing-home',
  'weekly-chronic',
  'pharmacy-member-day',
  'dtp-pharmacy',
  'dialysis',
  'chemotherapy-cycles',
  'rehab-course',
  'school-outbreak',
  'pharmacy-morning-rush',
  'company-health-check',
] as const;
export type HnKind = (typeof HN_KINDS)[number];

export interface Config {
  seed: number;
  claims: number;
  regions: number;
  profile: Profile;
  hard: boolean;
  /** claims / 300 000 */
  scale: number;
  rings: Record<Family, number>;
  hn: Record<HnKind, number>;
}

const BASE_RINGS: Record<Profile, Record<Family, number>> = {
  default: {
    'card-lending': 4,
    'card-farming': 5,
    kickback: 4,
    'recruited-patients': 4,
    'split-hospitalization': 3,
    'over-treatment': 5,
    'trace-code-reuse': 3,
    'code-mismatch': 3,
  },
  hard: {
    'card-lending': 4,
    'card-farming': 5,
    kickback: 4,
    'recruited-patients': 4,
    'split-hospitalization': 3,
    'over-treatment': 5,
    'trace-code-reuse': 3,
    'code-mismatch': 3,
  },
};

const BASE_HN: Record<Profile, Record<HnKind, number>> = {
  default: {
    'giant-hospital': 2,
    'pharmacy-beside-hospital': 2,
    'family-pharmacy': 5,
    'family-mutual-aid': 3,
    'nursing-home': 2,
    'weekly-chronic': 2,
    'pharmacy-member-day': 1,
    'dtp-pharmacy': 1,
    dialysis: 1,
    'chemotherapy-cycles': 2,
    'rehab-course': 2,
    'school-outbreak': 1,
    'pharmacy-morning-rush': 1,
    'company-health-check': 1,
  },
  hard: {
    'giant-hospital': 3,
    'pharmacy-beside-hospital': 3,
    'family-pharmacy': 7,
    'family-mutual-aid': 5,
    'nursing-home': 3,
    'weekly-chronic': 3,
    'pharmacy-member-day': 2,
    'dtp-pharmacy': 1,
    dialysis: 2,
    'chemotherapy-cycles': 2,
    'rehab-course': 3,
    'school-outbreak': 2,
    'pharmacy-morning-rush': 2,
    'company-health-check': 2,
  },
};

export function makeConfig(seed: number, claims: number, regions: number, profile: Profile): Config {
  const scale = claims / 300000;
  const rings = {} as Record<Family, number>;
  for (const f of FAMILIES) rings[f] = Math.max(1, Math.round(BASE_RINGS[profile][f] * scale));
  const hn = {} as Record<HnKind, number>;
  for (const k of HN_KINDS) {
    let n = Math.max(1, Math.round(BASE_HN[profile][k] * scale));
    if (k === 'giant-hospital') n = Math.min(n, regions);
    if (k === 'dtp-pharmacy' || k === 'dialysis') n = Math.min(n, regions);
    hn[k] = n;
  }
  return { seed, claims, regions, profile, hard: profile === 'hard', scale, rings, hn };
}
