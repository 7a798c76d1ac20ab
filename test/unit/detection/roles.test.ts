import { describe, expect, it } from 'vitest';
import type { ClaimSet } from '../../../algorithms/claim-set.ts';
import type { CandidateMember } from '../../../algorithms/detectors/types.ts';
import { assembleRings } from '../../../detection/assemble.ts';
import type { ResolvedCandidate } from '../../../detection/resolve-overlaps.ts';
import { world } from './world.ts';

/**
 * Issue 23, defect 1: a ring's roles and key persons go into the police package, so each must be
 * earned by numbers stated beside it — never picked by index when members are alike.
 */

const VISITS = [10, 40, 70, 100, 130, 160, 190, 220];

/** A recruited ring at clinic C1: `regulars` attend all eight group visits, `occasional` three of them; plus an idle extra person. */
function recruited(regulars: number[], occasional: number[]) {
  const w = world();
  VISITS.forEach((d, v) => {
    for (const k of regulars) w.claim({ at: w.day(d, 9, k % 50), inst: 'C1', card: w.card(k), doctor: 'DC1', served: w.person(k), items: ['REG', 'HBA1C'], total: 300 });
    if (v < 3) for (const k of occasional) w.claim({ at: w.day(d, 10, k % 50), inst: 'C1', card: w.card(k), doctor: 'DC1', served: w.person(k), items: ['REG', 'HBA1C'], total: 300 });
  });
  const set: ClaimSet = w.b.build();
  const idx = (k: number) => set.persons.id.indexOf(w.person(k));
  const members: CandidateMember[] = [
    { type: 'institution', index: set.institutions.id.indexOf('C1'), role: 'institution' },
    { type: 'doctor', index: set.doctors.id.indexOf('DC1'), role: 'doctor' },
    ...[...regulars, ...occasional].map((k): CandidateMember => ({ type: 'person', index: idx(k), role: 'recruited-patient' })),
    // a member no evidence claim touches: it cannot have earned a role
    { type: 'person', index: idx(59), role: 'organizer' },
  ];
  const cand: ResolvedCandidate = {
    family: 'recruited-patients',
    supportingFamilies: [],
    members,
    claims: Array.from({ length: set.claims.count }, (_, i) => i),
    evidence: [],
    confidence: 0.9,
  };
  return { set, w, ring: assembleRings(set, [cand], 'r')[0]! };
}

describe('roles and key persons are earned by stated evidence', () => {
  it('names no key person when seven patients attended all eight group visits (no tie broken by position)', () => {
    const { ring } = recruited([1, 4, 7, 10, 13, 16, 19], []);
    expect(ring.keyPersons).toEqual([]);
    expect(ring.members.some((m) => m.role === 'organizer')).toBe(false);
  });

  it('names no one when the fifth and sixth reach equally far; names the ones who stand out otherwise', () => {
    // six alike at all visits, two at three: the six tie across the five-person cut, so none is named
    expect(recruited([1, 4, 7, 10, 13, 16], [22, 25]).ring.keyPersons).toEqual([]);
    // two at all visits, five at three: the two stand out, with the numbers that set them apart
    const { ring, w } = recruited([1, 4], [7, 10, 13, 16, 19]);
    expect(ring.keyPersons.map((k) => k.id).sort()).toEqual([w.person(1), w.person(4)]);
    for (const k of ring.keyPersons) expect(k.basis?.zh).toMatch(/连接 \d+ 个不同的机构、卡、医生和日期.*最多 \d+、最少 \d+/);
  });

  it('gives every member with a role the numbers behind it; a member no claim touches keeps no role', () => {
    const { ring, w } = recruited([1, 4, 7], [10]);
    const byId = new Map(ring.members.map((m) => [m.id, m]));
    expect(byId.get(w.person(1))).toMatchObject({ role: 'recruited-patient', basis: { facts: { days: 8, ringDays: 8, claims: 8 } } });
    expect(byId.get(w.person(1))!.basis!.zh).toContain('在团伙 8 个涉案日期中的 8 天出现');
    expect(byId.get(w.person(10))!.basis!.facts).toMatchObject({ days: 3, ringDays: 8 });
    expect(byId.get('C1')).toMatchObject({ role: 'institution', basis: { facts: { claims: 27, percent: 100 } } });
    expect(byId.get('DC1')!.basis!.en).toContain('handled 27 of the ring');
    expect(byId.get(w.person(59))).toMatchObject({ role: 'member' });
    expect(byId.get(w.person(59))!.basis).toBeUndefined();
    for (const m of ring.members) if (m.role !== 'member') expect(m.basis?.zh.length).toBeGreaterThan(5);
  });

  it('says a lent card was used where nobody was recorded, not that no one but the holder used it', () => {
    const w = world();
    for (const d of [5, 9, 14]) w.claim({ at: w.day(d, 9, 0), kind: 'pharmacy', inst: 'P1', card: w.card(3), items: ['DRUG'], total: 80 });
    w.claim({ at: w.day(20, 9, 0), kind: 'pharmacy', inst: 'P1', card: w.card(5), served: w.person(40), items: ['DRUG'], total: 80 });
    const set: ClaimSet = w.b.build();
    const card = (k: number) => set.cards.id.indexOf(w.card(k));
    const cand: ResolvedCandidate = {
      family: 'card-lending',
      supportingFamilies: [],
      members: [
        { type: 'card', index: card(3), role: 'lent-card' },
        { type: 'card', index: card(5), role: 'lent-card' },
      ],
      claims: Array.from({ length: set.claims.count }, (_, i) => i),
      evidence: [],
      confidence: 0.9,
    };
    const byId = new Map(assembleRings(set, [cand], 'r')[0]!.members.map((m) => [m.id, m]));
    expect(byId.get(w.card(3))!.basis!.en).toBe('swiped in 3 settlements of the ring on 3 days, 3 of them recording nobody as served');
    expect(byId.get(w.card(3))!.basis!.zh).not.toContain('非持卡人的有 0 人');
    expect(byId.get(w.card(5))!.basis!.en).toBe('swiped in 1 settlements of the ring, by 1 people other than the holder');
  });
});
