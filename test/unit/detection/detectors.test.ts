import { describe, expect, it } from 'vitest';
import type { ClaimSet } from '../../../algorithms/claim-set.ts';
import { detectCardFarming } from '../../../algorithms/detectors/card-farming.ts';
import { detectCardLending } from '../../../algorithms/detectors/card-lending.ts';
import { detectKickback } from '../../../algorithms/detectors/kickback.ts';
import { detectRecruitedPatients } from '../../../algorithms/detectors/recruited-patients.ts';
import { detectTraceCodeReuse } from '../../../algorithms/detectors/trace-code-reuse.ts';
import type { RingCandidate } from '../../../algorithms/detectors/types.ts';
import { world } from './world.ts';

const ids = (set: ClaimSet, r: RingCandidate, type: string) =>
  r.members
    .filter((m) => m.type === type)
    .map((m) => (type === 'person' ? set.persons.id : type === 'card' ? set.cards.id : type === 'doctor' ? set.doctors.id : set.institutions.id)[m.index])
    .sort();

describe('recruited patients (co-visit communities)', () => {
  it('finds a group brought together repeatedly with identical items and amounts, and not a nursing home', () => {
    const w = world();
    // Ring: persons 0,3,6,9,12 (different households) at C1 with DC1, 5 trips, same items, same amount.
    for (let trip = 0; trip < 5; trip++) for (const [k, p] of [0, 3, 6, 9, 12].entries()) w.claim({ at: w.day(trip * 10, 9, k * 5), inst: 'C1', card: w.card(p), doctor: 'DC1', served: w.person(p), items: ['REG', 'DRUG', 'PHYSIO'], total: 388 });
    // Hard negative: nursing-home residents (same address) seen together weekly, each with their own items.
    const residents = [30, 31, 32, 33, 34, 35];
    for (const r of residents) w.b.person({ id: w.person(r), address: '颐养院' });
    for (let week = 0; week < 10; week++) for (const [k, p] of residents.entries()) w.claim({ at: w.day(week * 7, 9, k * 5), inst: 'C2', card: w.card(p), doctor: 'DC3', served: w.person(p), items: k % 2 ? ['REG', 'DRUG'] : ['REG', 'DRUG2', 'HBA1C'], total: 50 + k * 17 });
    const set = w.b.build();
    const rings = detectRecruitedPatients(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'person')).toEqual([0, 3, 6, 9, 12].map(w.person).sort());
    expect(ids(set, rings[0]!, 'institution')).toEqual(['C1']);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['DC1']);
    expect(rings[0]!.evidence.find((e) => e.key === 'recruited.same-items')!.facts.percent).toBe(100);
  });
});

describe('card farming (bursts of recurring cards)', () => {
  it('finds the same cards swiped seconds apart session after session, and not a family shopping together', () => {
    const w = world();
    const farmed = [1, 4, 7, 10, 13, 16];
    for (let s = 0; s < 6; s++) farmed.forEach((p, k) => w.claim({ at: w.day(s * 5, 21, k), kind: 'pharmacy', inst: 'P2', card: w.card(p), items: ['DRUG'] }));
    // Hard negative: a household (persons 45, 46, 47) buying together at P1 every week.
    for (let s = 0; s < 8; s++) [45, 46, 47].forEach((p, k) => w.claim({ at: w.day(s * 7, 10, k), kind: 'pharmacy', inst: 'P1', card: w.card(p), items: ['DRUG'] }));
    const set = w.b.build();
    const rings = detectCardFarming(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'card')).toEqual(farmed.map(w.card).sort());
    expect(ids(set, rings[0]!, 'institution')).toEqual(['P2']);
  });
});

describe('card lending (cards used by strangers)', () => {
  it('groups lent cards through their recorded users, and ignores a parent buying for a child', () => {
    const w = world();
    const lent = [2, 5, 8, 11];
    lent.forEach((p, k) => {
      for (let u = 0; u < 3; u++) w.claim({ at: w.day(k * 3 + u, 14), kind: 'pharmacy', inst: 'P3', card: w.card(p), served: w.person(u % 2 ? 20 : 23), items: ['DRUG'] });
    });
    // Hard negative: served by a household member (same household HH14: persons 42, 43, 44).
    for (let k = 0; k < 4; k++) w.claim({ at: w.day(k, 10), kind: 'pharmacy', inst: 'P1', card: w.card(42), served: w.person(43), items: ['DRUG'] });
    // Hard negative: one outsider (a neighbour, a carer) recorded once on each of two cards.
    w.claim({ at: w.day(20, 10), kind: 'pharmacy', inst: 'P2', card: w.card(24), served: w.person(50), items: ['DRUG'] });
    w.claim({ at: w.day(22, 10), kind: 'pharmacy', inst: 'P2', card: w.card(27), served: w.person(50), items: ['DRUG'] });
    const set = w.b.build();
    const rings = detectCardLending(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'card')).toEqual(lent.map(w.card).sort());
    expect(ids(set, rings[0]!, 'person')).toEqual([...lent, 20, 23].map(w.person).sort());
    expect(ids(set, rings[0]!, 'institution')).toEqual(['P3']);
  });
});

describe('kickback (prescription flow against the hospital baseline)', () => {
  it('flags a doctor sending paper prescriptions to one pharmacy, not the pharmacy across the street every doctor feeds', () => {
    const w = world();
    // Baseline: doctors D1..D6 at H1 see patients and send 75% of fills to P1 (across the street), the rest to P2.
    let patient = 0;
    for (const d of ['D1', 'D2', 'D3', 'D4', 'D5', 'D6']) {
      for (let k = 0; k < 12; k++) {
        const p = patient++ % 30;
        w.claim({ at: w.day(k * 2, 9), inst: 'H1', card: w.card(p), doctor: d });
        w.claim({ at: w.day(k * 2, 11), kind: 'pharmacy', inst: k % 4 === 3 ? 'P2' : 'P1', card: w.card(p), rx: d, items: ['DRUG'] });
      }
    }
    // Scheme: D1 prescriptions for patients 40..49 filled at P3, mostly without a visit.
    for (let k = 0; k < 30; k++) w.claim({ at: w.day(k, 15), kind: 'pharmacy', inst: 'P3', card: w.card(40 + (k % 10)), rx: 'D1', items: ['DRUG2'] });
    // Hard negative: D2's own patients 50..59, each seen that morning, happen to fill at P3 — far
    // above what H1's doctors send there (lift ≈ 6, p ≈ 1e-5), but every prescription followed a visit.
    for (let p = 50; p < 60; p++) {
      w.claim({ at: w.day(p - 20, 9), inst: 'H1', card: w.card(p), doctor: 'D2' });
      w.claim({ at: w.day(p - 20, 11), kind: 'pharmacy', inst: 'P3', card: w.card(p), rx: 'D2', items: ['DRUG'] });
    }
    const set = w.b.build();
    const rings = detectKickback(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['D1']);
    expect(ids(set, rings[0]!, 'institution')).toEqual(['P3']);
    expect(ids(set, rings[0]!, 'person')).toEqual(Array.from({ length: 10 }, (_, k) => w.person(40 + k)).sort());
  });
});

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
  });
});
