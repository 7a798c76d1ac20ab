import { describe, expect, it } from 'vitest';
import { detectCodeMismatch } from '../../../algorithms/detectors/code-mismatch.ts';
import { MIN_SURPRISE } from '../../../algorithms/detectors/types.ts';
import { evidenceText } from '../../../detection/evidence-text.ts';
import { institutionWorld, memberIds } from './institution-world.ts';

const q = (k: number) => `Q${String(k).padStart(3, '0')}`;

describe('code mismatch (one mismatched claim per patient, concentrated per doctor)', () => {
  it('finds a doctor who mis-codes once for each of 15 patients; a single slip elsewhere is not a ring', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    // DC1 at primary clinic C1 bills a CT (secondary level and up) once for each of 15 patients.
    for (let j = 0; j < 15; j++) w.visit({ day: 20 + j * 20, inst: 'C1', doctor: 'DC1', card: w.card(160 + j), items: ['REG', 'CT'] });
    // DC3 at C2 bills one CT for one patient.
    w.visit({ day: 50, inst: 'C2', doctor: 'DC3', card: w.card(200), items: ['REG', 'CT'] });
    const { set } = w.build();
    const rings = detectCodeMismatch(set);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'institution')).toEqual(['C1']);
    expect(memberIds(set, rings[0]!, 'doctor')).toEqual(['DC1']);
    expect(memberIds(set, rings[0]!, 'person')).toEqual(Array.from({ length: 15 }, (_, j) => q(160 + j)));
    expect(rings[0]!.surprise).toBeGreaterThanOrEqual(MIN_SURPRISE);
    expect(rings[0]!.evidence[0]!.facts).toMatchObject({ claims: 15, patients: 15, aboveLevel: 15, contradicting: 0 });
    for (const e of rings[0]!.evidence) expect(evidenceText(e).zh.length).toBeGreaterThan(0);
    expect(evidenceText(rings[0]!.evidence.find((e) => e.key === 'code-mismatch.concentration')!).en).toMatch(/^15 of \d+ patients of 医生DC1/);
  });

  it('a primary clinic billing CT again and again is found; patients billed against their age count too, a family member’s record does not', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    w.b.item({ id: 'KID', name: '小儿氨酚黄那敏颗粒', category: 'drug', maxAge: 14 });
    // Old intent: DC1 bills CT three times each for four patients …
    for (const p of [2, 5, 8, 11]) for (let v = 0; v < 3; v++) w.visit({ day: v * 5 + p, inst: 'C1', doctor: 'DC1', card: w.card(160 + p), items: ['REG', 'CT'] });
    // … and DC2 a children's medicine once to each of 8 adults.
    for (let j = 0; j < 8; j++) w.visit({ day: 30 + j * 11, inst: 'C1', doctor: 'DC2', card: w.card(180 + j), items: ['REG', 'KID'] });
    // Women's own visits recorded as served to a man of another household (a family-linked record): the
    // item fits the card's holder, so it is not billed against the patient.
    for (let j = 0; j < 8; j++) w.claim({ at: w.day(40 + j), inst: 'C2', card: w.card(201 + 2 * j), served: `P0${String(2 * j).padStart(2, '0')}`, doctor: 'DC3', items: ['REG', 'PROG'] });
    const { set } = w.build();
    const rings = detectCodeMismatch(set);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'doctor')).toEqual(['DC1', 'DC2']);
    expect(memberIds(set, rings[0]!, 'person')).toEqual([...[2, 5, 8, 11].map((p) => q(160 + p)), ...Array.from({ length: 8 }, (_, j) => q(180 + j))].sort());
    expect(rings[0]!.evidence[0]!.facts).toMatchObject({ aboveLevel: 12, contradicting: 8 });
  });
});
