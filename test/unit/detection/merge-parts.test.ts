import { describe, expect, it } from 'vitest';
import { mergeParts, type PartResult } from '../../../detection/partitioned.ts';
import type { RingRecord } from '../../../detection/ring-record.ts';

const ring = (id: string, family: RingRecord['family'], members: string[], score = 50, fundPaid = 100): RingRecord => ({
  ringId: id,
  family,
  supportingFamilies: [],
  score,
  members: members.map((m) => ({ type: 'card' as const, id: m, role: 'card' })),
  institutions: [],
  region: null,
  period: null,
  claimCount: 1,
  claimIds: [`${id}-c`],
  totalAmount: fundPaid,
  fundPaid,
  keyPersons: [],
  evidence: [],
});

describe('merging the parts of a partitioned run', () => {
  it('keeps region rings, adds cross-region rings, and drops a region ring a cross-region ring contains', () => {
    const parts: PartResult[] = [
      { partition: { kind: 'region', region: '330100' }, claims: 100, seconds: 1, rings: [ring('a', 'card-lending', ['1', '2', '3']), ring('b', 'kickback', ['7', '8'], 90)] },
      { partition: { kind: 'region', region: '320500' }, claims: 50, seconds: 1, rings: [ring('c', 'card-farming', ['20', '21', '22'])] },
      { partition: { kind: 'cross-region' }, claims: 0, seconds: 1, rings: [ring('x', 'card-lending', ['1', '2', '3', '4', '5'], 70)] },
    ];
    const m = mergeParts(parts);
    expect(m.rings.map((r) => r.ringId)).toEqual(['b', 'x', 'c']);
    expect(m.replaced).toBe(1);
    expect(m.claims).toBe(150);
  });
});
