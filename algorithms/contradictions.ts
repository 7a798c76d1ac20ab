import { GENDER, UNKNOWN_DAY, ageOnDay, type ClaimSet } from './claim-set.ts';
import type { CompiledKnowledge } from './knowledge.ts';

/**
 * Items that contradict a person: restricted to the other gender (限制性别类) or to ages they are not
 * (paediatric, geriatric items). Used by card lending (billed on whose card?) and code mismatch (billed
 * for whom?). Birth days before 1970 are negative day numbers; only UNKNOWN_DAY means unknown.
 */

/** Does this item contradict a person of this gender (GENDER code) and age (−1 when unknown)? */
export function itemContradicts(set: ClaimSet, item: number, gender: number, age: number): boolean {
  const ig = set.items.gender[item]!;
  if (ig !== GENDER.unknown && gender !== GENDER.unknown && ig !== gender) return true;
  if (age >= 0) {
    const lo = set.items.minAge[item]!;
    const hi = set.items.maxAge[item]!;
    if ((lo >= 0 && age < lo) || (hi >= 0 && age > hi)) return true;
  }
  return false;
}

/** The first item line of the claim that contradicts the person, or −1. Age is worked out only when needed. */
export function contradictingItem(set: ClaimSet, claim: number, person: number): number {
  const g = set.persons.gender[person]!;
  const birth = set.persons.birthDay[person]!;
  let age = Number.NaN;
  for (let l = set.claims.lineStart[claim]!; l < set.claims.lineStart[claim + 1]!; l++) {
    const item = set.lines.item[l]!;
    const aged = set.items.minAge[item]! >= 0 || set.items.maxAge[item]! >= 0;
    if (aged && Number.isNaN(age)) age = birth === UNKNOWN_DAY ? -1 : ageOnDay(birth, set.claims.day[claim]!);
    if (itemContradicts(set, item, g, aged ? age : -1)) return item;
  }
  return -1;
}

/**
 * Does the claim's diagnosis contradict the person — a pregnancy on a man's or a child's card, a prostate
 * disease on a woman's? Restrictions come from the knowledge file (`diagnosisRestrictions`).
 */
export function diagnosisContradicts(set: ClaimSet, k: CompiledKnowledge, claim: number, person: number): boolean {
  const dx = set.claims.diagnosis[claim]!;
  if (dx < 0) return false;
  const only = k.diagnosisGender[dx]!;
  const g = set.persons.gender[person]!;
  if (only !== GENDER.unknown && g !== GENDER.unknown && only !== g) return true;
  const lo = k.diagnosisMinAge[dx]!;
  const hi = k.diagnosisMaxAge[dx]!;
  if (lo < 0 && hi < 0) return false;
  const age = ageOf(set, person, set.claims.day[claim]!);
  return age >= 0 && ((lo >= 0 && age < lo) || (hi >= 0 && age > hi));
}

/** A person's age on a day, −1 when the birth day is unknown. */
export function ageOf(set: ClaimSet, person: number, day: number): number {
  const birth = set.persons.birthDay[person]!;
  return birth === UNKNOWN_DAY ? -1 : ageOnDay(birth, day);
}
