import type { ClaimSet } from '../../../algorithms/claim-set.ts';
import type { RingCandidate } from '../../../algorithms/detectors/types.ts';
import { compileKnowledge, type CompiledKnowledge } from '../../../algorithms/knowledge.ts';
import { buildKinship, type Kinship } from '../../../algorithms/kinship.ts';
import { loadKnowledge } from '../../../detection/knowledge.ts';

/** The shipped knowledge file compiled against a test set, and kinship over its persons. */
export function context(set: ClaimSet): { k: CompiledKnowledge; kin: Kinship } {
  const k = compileKnowledge(set, loadKnowledge());
  return { k, kin: buildKinship(set, k.compoundSurnames) };
}

/** Natural keys of a candidate's members of one type, sorted. */
export function memberIds(set: ClaimSet, r: RingCandidate, type: 'person' | 'card' | 'doctor' | 'institution'): string[] {
  const table = type === 'person' ? set.persons.id : type === 'card' ? set.cards.id : type === 'doctor' ? set.doctors.id : set.institutions.id;
  return r.members
    .filter((m) => m.type === type)
    .map((m) => table[m.index]!)
    .sort();
}
