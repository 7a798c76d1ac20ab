import { describe, expect, it } from 'vitest';
import type { RingRecord } from '../../../detection/ring-record.ts';
import { trackRings } from '../../../detection/tracking.ts';

const ring = (people: string[]): RingRecord => ({
  ringId: 'provisional',
  family: 'card-lending',
  supportingFamilies: [],
  score: 50,
  members: people.map((id) => ({ type: 'person', id, role: 'user' })),
  institutions: [],
  region: null,
  period: null,
  claimCount: 0,
  claimIds: [],
  totalAmount: 0,
  fundPaid: 0,
  keyPersons: [],
  evidence: [],
});

describe('tracking rings across runs', () => {
  it('keeps ids of rings found again and says what changed; unmatched previous rings dissolve', () => {
    const previous = [
      { ringId: 'R1', family: 'card-lending', memberKeys: ['person:a', 'person:b', 'person:c', 'person:d'] },
      { ringId: 'R2', family: 'card-lending', memberKeys: ['person:e', 'person:f', 'person:g'] },
      { ringId: 'R3', family: 'card-lending', memberKeys: ['person:h', 'person:i', 'person:j'] },
      { ringId: 'R4', family: 'card-lending', memberKeys: ['person:x', 'person:y', 'person:z'] },
    ];
    const current = [ring(['a', 'b', 'c', 'd', 'k']), ring(['e', 'f']), ring(['h', 'i', 'j']), ring(['p', 'q', 'r'])];
    const t = trackRings(previous, current, (k) => `NEW${k}`);
    expect(t.rings.map((r) => [r.ring.ringId, r.change])).toEqual([
      ['R1', 'grown'],
      ['R2', 'shrunk'],
      ['R3', 'unchanged'],
      ['NEW0', 'new'],
    ]);
    expect(t.dissolved).toEqual(['R4']);
    expect(t.counts).toEqual({ new: 1, grown: 1, shrunk: 1, unchanged: 1, rescored: 0, dissolved: 1 });
  });

  it('gives a previous ring to at most one current ring, the closest', () => {
    const previous = [{ ringId: 'R1', family: 'kickback', memberKeys: ['person:a', 'person:b', 'person:c', 'person:d'] }];
    const t = trackRings(previous, [ring(['a', 'b', 'c']), ring(['a', 'b', 'c', 'd'])], (k) => `NEW${k}`);
    expect(t.rings.map((r) => r.ring.ringId)).toEqual(['NEW0', 'R1']);
  });
});

describe('a score that moved is a change (issue 23, defect 2)', () => {
  it('records a ring with the same members whose score moved as rescored, not unchanged', async () => {
    const { settleScoreChanges } = await import('../../../detection/tracking.ts');
    const previous = [
      { ringId: 'R1', family: 'card-lending', memberKeys: ['person:a', 'person:b'], score: 89 },
      { ringId: 'R2', family: 'card-lending', memberKeys: ['person:c', 'person:d'], score: 50 },
    ];
    const t = trackRings(previous, [ring(['a', 'b']), ring(['c', 'd'])], (k) => `NEW${k}`);
    const moved = { ...t, rings: t.rings.map((x) => (x.ring.ringId === 'R1' ? { ...x, ring: { ...x.ring, score: 94 } } : x)) };
    const s = settleScoreChanges(moved, previous);
    expect(s.rings.map((r) => [r.ring.ringId, r.change])).toEqual([
      ['R1', 'rescored'],
      ['R2', 'unchanged'],
    ]);
    expect(s.counts).toMatchObject({ unchanged: 1, rescored: 1 });
  });
});
