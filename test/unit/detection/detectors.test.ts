import { describe, expect, it } from 'vitest';
import type { ClaimSet } from '../../../algorithms/claim-set.ts';
import { detectCodeMismatch, detectOverTreatment, detectSplitHospitalization } from '../../../algorithms/detectors/institution-patterns.ts';
import { detectTraceCodeReuse } from '../../../algorithms/detectors/trace-code-reuse.ts';
import type { RingCandidate } from '../../../algorithms/detectors/types.ts';
import { world } from './world.ts';

const ids = (set: ClaimSet, r: RingCandidate, type: string) =>
  r.members
    .filter((m) => m.type === type)
    .map((m) => (type === 'person' ? set.persons.id : type === 'card' ? set.cards.id : type === 'doctor' ? set.doctors.id : set.institutions.id)[m.index])
    .sort();


describe('institution patterns', () => {
  it('split hospitalization: one doctor readmitting patients for the same condition within days; a single readmission elsewhere is medicine', () => {
    const w = world();
    for (const [k, p] of [0, 3, 6, 9].entries()) {
      for (let part = 0; part < 3; part++) {
        const admit = 10 + k * 11 + part * 9;
        w.claim({ at: w.day(admit + 5, 10), kind: 'inpatient', inst: 'H1', card: w.card(p), doctor: 'D2', dx: 'I63.9', admit: w.day(admit).slice(0, 10), discharge: w.day(admit + 5).slice(0, 10), items: ['BED'] });
      }
    }
    // Hard negative: one patient readmitted once by another doctor.
    for (const admit of [100, 110]) w.claim({ at: w.day(admit + 5, 10), kind: 'inpatient', inst: 'H1', card: w.card(30), doctor: 'D3', dx: 'J18.9', admit: w.day(admit).slice(0, 10), discharge: w.day(admit + 5).slice(0, 10), items: ['BED'] });
    // Hard negative for this detector: a group of four admitted and discharged together, twice (recruited
    // patients' bed-hanging is the co-visit detector's to find), under D5.
    for (const admit of [140, 150]) for (const p of [39, 40, 41, 42]) w.claim({ at: w.day(admit + 4, 10), kind: 'inpatient', inst: 'H1', card: w.card(p), doctor: 'D5', dx: 'I63.9', admit: w.day(admit).slice(0, 10), discharge: w.day(admit + 4).slice(0, 10), items: ['BED'] });
    // A colleague with one patient whose stay was cut in three: part of the scheme once D2 qualifies.
    for (const admit of [120, 126, 132]) w.claim({ at: w.day(admit + 5, 10), kind: 'inpatient', inst: 'H1', card: w.card(33), doctor: 'D4', dx: 'I63.9', admit: w.day(admit).slice(0, 10), discharge: w.day(admit + 5).slice(0, 10), items: ['BED'] });
    const set = w.b.build();
    const rings = detectSplitHospitalization(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['D2', 'D4']);
    expect(ids(set, rings[0]!, 'person')).toEqual([0, 3, 6, 9, 33].map(w.person).sort());
  });

  it('over-treatment: patients every few days with the same exams each time; weekly chronic visitors are not', () => {
    const w = world();
    for (const p of [1, 4, 7]) for (let v = 0; v < 12; v++) w.claim({ at: w.day(v * 3, 9, p), inst: 'C2', card: w.card(p), doctor: 'DC3', items: ['REG', 'HBA1C', 'PHYSIO'] });
    for (const p of [21, 24, 27]) for (let v = 0; v < 12; v++) w.claim({ at: w.day(v * 7, 10, p), inst: 'C1', card: w.card(p), doctor: v % 2 ? 'DC1' : 'DC2', items: ['REG', 'HBA1C', 'PHYSIO'] });
    // A colleague at C2 with one patient seen 20 times, every 3 days, same exams: joins the ring.
    for (let v = 0; v < 20; v++) w.claim({ at: w.day(v * 3, 14), inst: 'C2', card: w.card(10), doctor: 'DC4', items: ['REG', 'HBA1C', 'PHYSIO'] });
    // …but a colleague at C1, where no doctor qualifies, with one such patient is not a ring.
    for (let v = 0; v < 20; v++) w.claim({ at: w.day(v * 3, 15), inst: 'C1', card: w.card(13), doctor: 'DC1', items: ['REG', 'HBA1C', 'PHYSIO'] });
    const set = w.b.build();
    const rings = detectOverTreatment(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'institution')).toEqual(['C2']);
    expect(ids(set, rings[0]!, 'doctor')).toEqual(['DC3', 'DC4']);
    expect(ids(set, rings[0]!, 'person')).toEqual([1, 4, 7, 10].map(w.person).sort());
  });

  it('code mismatch: a primary clinic billing CT again and again; one odd claim elsewhere is a slip', () => {
    const w = world();
    for (const p of [2, 5, 8, 11]) for (let v = 0; v < 3; v++) w.claim({ at: w.day(v * 5, 9, p), inst: 'C1', card: w.card(p), doctor: 'DC1', items: ['REG', 'CT'] });
    w.claim({ at: w.day(3, 9), inst: 'C2', card: w.card(30), doctor: 'DC3', items: ['REG', 'CT'] });
    w.claim({ at: w.day(4, 9), inst: 'C2', card: w.card(33), doctor: 'DC3', items: ['REG', 'CT'] });
    w.claim({ at: w.day(5, 9), inst: 'C2', card: w.card(36), doctor: 'DC3', items: ['REG', 'CT'] });
    const set = w.b.build();
    const rings = detectCodeMismatch(set);
    expect(rings).toHaveLength(1);
    expect(ids(set, rings[0]!, 'institution')).toEqual(['C1']);
    expect(rings[0]!.evidence[0]!.facts.aboveLevel).toBe(12);
  });
});

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
