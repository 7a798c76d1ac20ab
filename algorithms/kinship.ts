import { UNKNOWN_DAY, type ClaimSet } from './claim-set.ts';

/**
 * Who may plausibly be family, from what the claims data holds. 家庭共济 lets a card pay for a spouse,
 * parent or child — also one registered in another household — so a recorded recipient who is family is
 * not a stranger using a lent card. The registry knows households and addresses; beyond them we infer:
 *
 * - same household or same registered address: family (or a shared home such as a nursing home);
 * - a parent–child link: same surname (compound surnames read whole), same pooling region, and an age
 *   gap of a generation (`generationGap` years);
 * - siblings: same surname, same birthplace county (the ID number's first six digits) and a small age gap;
 * - and through a household: a relative of anyone in your household is your relative (a daughter who
 *   shares her father's surname is family of her mother too).
 *
 * Surname matches alone are weak evidence (王 and 李 are each ~7 % of the population), which is why callers
 * bound what kinship may explain: a person can be family to a handful of households, never to ten
 * (card lending uses that bound). Pure; built once per ClaimSet.
 */

export type KinRelation = 'self' | 'household' | 'relative';

export interface KinshipParams {
  /** parent–child age gap in years (domain fact: Chinese mothers' age at birth is almost always 16–50) */
  generationGap: [number, number];
  /** siblings' age gap at most this many years */
  siblingGap: number;
  /** households larger than this (collective households, care homes) do not extend kinship */
  maxHouseholdForExtension: number;
}

export const KINSHIP_DEFAULTS: KinshipParams = { generationGap: [16, 50], siblingGap: 15, maxHouseholdForExtension: 8 };

const YEAR_DAYS = 365.25;

export interface Kinship {
  /** self, household (or shared address), an inferred relative, or null for strangers */
  relation(a: number, b: number): KinRelation | null;
  /** the registry's facts only: same person, household or address (no inference from names) */
  sameHome(a: number, b: number): boolean;
  surname(person: number): string;
}

export function surnameOf(name: string, compound: ReadonlySet<string>): string {
  if (!name) return '';
  const two = name.slice(0, 2);
  return compound.has(two) ? two : name.slice(0, 1);
}

export function buildKinship(set: ClaimSet, compoundSurnames: ReadonlySet<string>, p: KinshipParams = KINSHIP_DEFAULTS): Kinship {
  const persons = set.persons;
  const n = persons.id.length;
  const surnames: string[] = new Array(n);
  for (let i = 0; i < n; i++) surnames[i] = surnameOf(persons.name[i] ?? '', compoundSurnames);
  const byHousehold = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const h = persons.household[i]!;
    if (h >= 0) (byHousehold.get(h) ?? byHousehold.set(h, []).get(h)!).push(i);
  }
  const birthCounty = (i: number) => (persons.id[i] ?? '').slice(0, 6);
  const sameHome = (a: number, b: number) =>
    (persons.household[a]! >= 0 && persons.household[a] === persons.household[b]) || (persons.address[a]! >= 0 && persons.address[a] === persons.address[b]);
  const direct = (a: number, b: number): boolean => {
    if (!surnames[a] || surnames[a] !== surnames[b]) return false;
    const ba = persons.birthDay[a]!;
    const bb = persons.birthDay[b]!;
    if (ba === UNKNOWN_DAY || bb === UNKNOWN_DAY) return false;
    const gap = Math.abs(ba - bb) / YEAR_DAYS;
    if (gap >= p.generationGap[0] && gap <= p.generationGap[1] && persons.region[a] === persons.region[b]) return true;
    return gap <= p.siblingGap && birthCounty(a) !== '' && birthCounty(a) === birthCounty(b);
  };
  const circle = (x: number): number[] => {
    const h = persons.household[x]!;
    const list = h >= 0 ? byHousehold.get(h) : undefined;
    return list && list.length <= p.maxHouseholdForExtension ? list : [x];
  };
  return {
    surname: (i) => surnames[i] ?? '',
    sameHome: (a, b) => a >= 0 && b >= 0 && (a === b || sameHome(a, b)),
    relation(a, b) {
      if (a < 0 || b < 0) return null;
      if (a === b) return 'self';
      if (sameHome(a, b)) return 'household';
      for (const x of circle(a)) for (const y of circle(b)) if (direct(x, y)) return 'relative';
      return null;
    },
  };
}
