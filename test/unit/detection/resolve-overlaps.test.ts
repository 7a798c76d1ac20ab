import { describe, expect, it } from 'vitest';
import { calibratedConfidence, type CandidateMember, type Family, type RingCandidate } from '../../../algorithms/detectors/types.ts';
import { resolveOverlaps } from '../../../detection/resolve-overlaps.ts';

/**
 * Overlap resolution: one group seen by several detectors is one ring; rings of one family stay apart
 * unless one is nothing but the other's claims counted a second time.
 */

const cards = (from: number, to: number): CandidateMember[] => Array.from({ length: to - from }, (_, j) => ({ type: 'card', index: from + j, role: 'lent-card' }));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => from + j);
const ring = (family: Family, members: CandidateMember[], claims: number[], surprise: number, key = `${family}.x`): RingCandidate => ({
  family,
  members,
  claims,
  evidence: [{ key, facts: {}, entities: [], claims, weight: 1 }],
  confidence: calibratedConfidence(surprise),
  surprise,
});

describe('resolveOverlaps', () => {
  it('folds a same-family candidate whose claims are nearly all another ring’s into that ring, with nothing added to its evidence', () => {
    // A lending ring of 15 cards and 100 claims; a second community caught 5 of its cards and 10 bystanders:
    // 28 of its 32 claims are the ring's own.
    const strong = ring('card-lending', cards(0, 15), range(0, 100), 60);
    const echo = ring('card-lending', [...cards(10, 15), ...cards(100, 110)], [...range(60, 88), ...range(500, 504)], 12, 'lending.contradicting-items');
    const out = resolveOverlaps([strong, echo]);
    expect(out).toHaveLength(1);
    expect(out[0]!.members).toEqual(strong.members);
    expect(out[0]!.evidence.map((e) => e.key)).toEqual(['card-lending.x']);
    expect(out[0]!.supportingFamilies).toEqual([]);
  });

  it('keeps two schemes of one family apart when they share members but not claims', () => {
    // One pharmacy, two kickback rings: the hub is a member of both, their fills are their own.
    const hub: CandidateMember = { type: 'institution', index: 1, role: 'pharmacy' };
    const a = ring('kickback', [hub, ...cards(0, 5)], range(0, 40), 20);
    const b = ring('kickback', [hub, ...cards(5, 9)], range(40, 70), 15);
    expect(resolveOverlaps([a, b])).toHaveLength(2);
    // and a candidate with just under the share of another's claims is its own ring
    const c = ring('kickback', [hub, ...cards(20, 24)], [...range(0, 15), ...range(200, 205)], 10);
    expect(resolveOverlaps([a, c])).toHaveLength(2);
  });

  it('still lets one family stand for a group another family also saw, with the other as supporting evidence', () => {
    const farm = ring('card-farming', cards(0, 12), range(0, 60), 40);
    const visits = ring('recruited-patients', cards(0, 10), range(0, 30), 8);
    const out = resolveOverlaps([farm, visits]);
    expect(out).toHaveLength(1);
    expect(out[0]!.family).toBe('card-farming');
    expect(out[0]!.supportingFamilies).toEqual(['recruited-patients']);
  });
});
