import { describe, expect, it } from 'vitest';
import { claimId, type ClaimSet } from '../../../algorithms/claim-set.ts';
import { detectTraceCodeReuse } from '../../../algorithms/detectors/trace-code-reuse.ts';
import type { RingCandidate } from '../../../algorithms/detectors/types.ts';
import { world } from './world.ts';

const ids = (set: ClaimSet, r: RingCandidate, type: string) =>
  r.members
    .filter((m) => m.type === type)
    .map((m) => (type === 'person' ? set.persons.id : type === 'card' ? set.cards.id : type === 'doctor' ? set.doctors.id : set.institutions.id)[m.index])
    .sort();


// Split hospitalization, over-treatment and code mismatch: split-hospitalization.test.ts, over-treatment.test.ts, code-mismatch.test.ts.

describe('trace-code reuse', () => {
  it('links pharmacies that settled the same package codes, and ignores codes sold once', () => {
    const w = world();
    const claims: string[][] = [[], [], []];
    for (let k = 0; k < 3; k++) {
      w.claim({ at: w.day(k * 5, 10), kind: 'pharmacy', inst: 'P1', card: w.card(k), items: ['DRUG'] });
      w.claim({ at: w.day(k * 5 + 2, 10), kind: 'pharmacy', inst: 'P2', card: w.card(k + 10), items: ['DRUG'] });
      claims[k] = [`CL${String(k * 2).padStart(6, '0')}`, `CL${String(k * 2 + 1).padStart(6, '0')}`];
    }
    claims.forEach((c, k) => w.b.traceCode(`8100000000000000000${k}`, c));
    w.b.traceCode('81999999999999999999', ['CL000000']);
    const set = w.b.build();
    const rings = detectTraceCodeReuse(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'institution')).toEqual(['P1', 'P2']);
    expect(ids(set, rings[0]!, 'person')).toHaveLength(6);
    // both sentences open the six settlements of the reused codes
    for (const e of rings[0]!.evidence) expect(e.claims!.map((i) => claimId(set.claims.id, i))).toEqual(claims.flat().sort());
  });
});
