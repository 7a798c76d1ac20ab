import { describe, expect, it } from 'vitest';
import { ClaimSetBuilder } from '../../../algorithms/claim-set-builder.ts';

describe('ClaimSetBuilder.presetKeys', () => {
  it("encodes a claim against a set's person and card rows, and shows a key it did not look up as a new row", () => {
    const b = new ClaimSetBuilder(4, { uniqueClaims: true });
    b.institution({ id: 'H1' });
    b.presetKeys('persons', ['P0', 'P1', 'P2'], new Set(['P2']));
    b.presetKeys('cards', ['C0', 'C1'], new Set(['C1']));
    const sizes = b.tableSizes();
    expect(sizes).toBe('3,2,1,0,0');
    b.claim({ id: 'X', settledAt: 1_700_000_000, kind: 'outpatient', institutionId: 'H1', cardId: 'C1', servedId: 'P2', total: 1, fund: 1 });
    expect(b.tableSizes()).toBe(sizes);
    const set = b.build();
    expect(set.claims.card[0]).toBe(1);
    expect(set.claims.served[0]).toBe(2);
    expect(set.persons.id).toEqual(['P0', 'P1', 'P2']);
    // P1 exists but was not wanted: a new row, so the caller sees the encoding is not against the set's rows.
    b.claim({ id: 'Y', settledAt: 1_700_000_000, kind: 'outpatient', institutionId: 'H1', cardId: 'C1', servedId: 'P1', total: 1, fund: 1 });
    expect(b.tableSizes()).not.toBe(sizes);
    expect(() => b.presetKeys('cards', ['C9'], new Set())).toThrow(/has rows/);
  });
});
