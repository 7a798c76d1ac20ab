import { describe, expect, it } from 'vitest';
import { ClaimSetBuilder } from '../../../algorithms/claim-set-builder.ts';
import { claimIndexOf } from '../../../algorithms/claim-set.ts';
import { diagnosisContradicts } from '../../../algorithms/contradictions.ts';
import { compileKnowledge, isExempt } from '../../../algorithms/knowledge.ts';
import { buildKinship } from '../../../algorithms/kinship.ts';
import { compactnessLog10, timeCompactnessLog10 } from '../../../algorithms/recurring-groups.ts';
import { binomialUpperTailLog10, fisherCombineLog10 } from '../../../algorithms/stats.ts';
import { ConfigError } from '../../../config/env.ts';
import { loadKnowledge, parseKnowledge } from '../../../detection/knowledge.ts';

/** The knowledge file, kinship inference and the statistics the detectors share. */

function smallSet() {
  const b = new ClaimSetBuilder();
  b.region('330100', '杭州市');
  b.institution({ id: 'H1', name: '医院', kind: 'hospital', level: 'secondary', region: '330100' });
  b.item({ id: 'X1', name: '糖化血红蛋白(HbA1c)测定', category: 'exam' });
  b.item({ id: 'X2', name: '血液透析', category: 'treatment' });
  b.item({ id: 'X3', name: '二甲双胍片', category: 'drug' });
  b.item({ id: 'X4', name: '奥希替尼片', category: 'drug' });
  b.item({ id: 'X5', name: '偏瘫肢体综合训练', category: 'treatment' });
  b.person({ id: 'F', name: '王建国', gender: 'M', birthDate: '1950-02-01', householdId: 'HH1', address: 'A', region: '330100' });
  b.person({ id: 'M', name: '李秀兰', gender: 'F', birthDate: '1952-03-01', householdId: 'HH1', address: 'A', region: '330100' });
  b.person({ id: 'D', name: '王丽', gender: 'F', birthDate: '1980-06-01', householdId: 'HH2', address: 'B', region: '330100' });
  b.person({ id: 'S', name: '王强', gender: 'M', birthDate: '1981-06-01', householdId: 'HH3', address: 'C', region: '330100' });
  b.person({ id: 'Y', name: '欧阳明', gender: 'M', birthDate: '1985-06-01', householdId: 'HH4', address: 'D', region: '330100' });
  b.person({ id: 'O', name: '欧阳华', gender: 'M', birthDate: '1955-06-01', householdId: 'HH5', address: 'E', region: '330100' });
  b.card({ id: 'CF', holderId: 'F' });
  const claim = (id: string, dx: string, items: string[]) =>
    b.claim({ id, settledAt: Date.parse('2024-03-01T09:00:00+08:00') / 1000, kind: 'outpatient', institutionId: 'H1', cardId: 'CF', diagnosisCode: dx, total: 10, fund: 7, lines: items.map((itemId) => ({ itemId, quantity: 1, amount: 10 / items.length })) });
  claim('C1', 'N18.5', ['X2']);
  claim('C2', 'Z51.1', ['X3']);
  claim('C3', 'E11.9', ['X3', 'X1']);
  claim('C4', 'I69.3', ['X5']);
  claim('C5', 'Z34.9', ['X3']);
  claim('C6', 'O26.9', ['X3']);
  claim('C7', 'N40', ['X3']);
  return b.build();
}

describe('detection knowledge', () => {
  it('ships a valid file, and matches items by name and diagnoses by prefix on any catalog', () => {
    const set = smallSet();
    const k = compileKnowledge(set, loadKnowledge());
    const idx = (id: string) => claimIndexOf(set.claims.id, id);
    expect(isExempt(k, idx('C1'), 'co-visit')).toBe(true); // a dialysis session
    expect(isExempt(k, idx('C2'), 'readmission')).toBe(true); // a chemotherapy cycle by its diagnosis
    expect(isExempt(k, idx('C3'), 'readmission')).toBe(false);
    // a session of the national catalog's rehabilitation training (康复 items are named …训练)
    expect(isExempt(k, idx('C4'), 'visit-frequency')).toBe(true);
    const hba1c = set.items.id.indexOf('X1');
    expect(k.guidelines[k.itemGuideline[hba1c]!]!.maxPerYear).toBe(4);
    expect(k.itemGuideline[set.items.id.indexOf('X3')]).toBe(-1);
    expect(k.specialtyItem[set.items.id.indexOf('X4')]).toBe(1);
    // diagnoses restricted by sex and age: a pregnancy on 王建国's card (a man of 74), an enlarged prostate
    // on his wife's or daughter's, never a diabetic's visit
    const person = (id: string) => set.persons.id.indexOf(id);
    expect(diagnosisContradicts(set, k, idx('C5'), person('F'))).toBe(true);
    expect(diagnosisContradicts(set, k, idx('C6'), person('D'))).toBe(false);
    expect(diagnosisContradicts(set, k, idx('C6'), person('M'))).toBe(true); // 72: beyond the maternity ages
    expect(diagnosisContradicts(set, k, idx('C7'), person('F'))).toBe(false);
    expect(diagnosisContradicts(set, k, idx('C7'), person('D'))).toBe(true);
    expect(diagnosisContradicts(set, k, idx('C3'), person('D'))).toBe(false);
  });

  it('rejects a bad file with the file and the path of every problem', () => {
    expect(() => parseKnowledge('version: 1\nplannedCare: [{kind: x}]\n', 'mine.yaml')).toThrow(ConfigError);
    try {
      parseKnowledge('version: 1\nplannedCare: []\nfrequencyGuidelines: [{name: a, items: [b], maxPerYear: -2, source: s}]\nspecialtyDrugs: {items: [], source: s}\ncompoundSurnames: []\n', 'mine.yaml');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain('mine.yaml');
      expect((err as Error).message).toContain('frequencyGuidelines.0.maxPerYear');
    }
    expect(() => parseKnowledge('version: 1\nversion: 1\n', 'dup.yaml')).toThrow(/dup.yaml: not valid YAML/);
    const restriction = (r: string) => `version: 1\nplannedCare: []\nfrequencyGuidelines: []\nspecialtyDrugs: {items: [], source: s}\ncompoundSurnames: []\ndiagnosisRestrictions: [${r}]\n`;
    expect(() => parseKnowledge(restriction('{label: x, diagnoses: [O], source: s}'), 'r.yaml')).toThrow(/diagnosisRestrictions.0: a restriction names a gender or an age bound/);
    expect(() => parseKnowledge(restriction('{label: x, diagnoses: [O], minAge: 60, maxAge: 9, source: s}'), 'r.yaml')).toThrow(/minAge is above maxAge/);
    // a file written before the list existed restricts nothing
    expect(parseKnowledge(restriction('').replace('diagnosisRestrictions: []\n', ''), 'old.yaml').diagnosisRestrictions).toEqual([]);
    expect(() => loadKnowledge('/nonexistent/knowledge.yaml')).toThrow(/cannot read/);
  });
});

describe('kinship', () => {
  it('knows households and infers parents and children beyond them, compound surnames read whole', () => {
    const set = smallSet();
    const kin = buildKinship(set, new Set(['欧阳']));
    const p = (id: string) => set.persons.id.indexOf(id);
    expect(kin.relation(p('F'), p('M'))).toBe('household');
    expect(kin.relation(p('F'), p('D'))).toBe('relative'); // his daughter, living elsewhere
    expect(kin.relation(p('M'), p('D'))).toBe('relative'); // through her husband's household
    expect(kin.relation(p('D'), p('S'))).toBeNull(); // same surname, same generation, different birthplace code
    expect(kin.relation(p('Y'), p('O'))).toBe('relative'); // 欧阳, thirty years apart
    expect(kin.relation(p('Y'), p('F'))).toBeNull();
    expect(kin.sameHome(p('F'), p('D'))).toBe(false);
    expect(kin.sameHome(p('F'), p('M'))).toBe(true);
  });
});

describe('shared statistics', () => {
  it('binomial tails, Fisher combination and the two compactness scans behave as their definitions say', () => {
    expect(binomialUpperTailLog10(10, 10, 0.5)).toBeCloseTo(Math.log10(0.5 ** 10), 6);
    expect(binomialUpperTailLog10(2, 10, 0.5)).toBe(0);
    expect(fisherCombineLog10([-2])).toBeCloseTo(-2, 6);
    expect(fisherCombineLog10([-3, -3])).toBeLessThan(-4);
    // Ten settlements in a row among a hundred are rare; ten spread over the day are not.
    expect(compactnessLog10([40, 41, 42, 43, 44, 45, 46, 47, 48, 49], 100, 10).log10P).toBeLessThan(-8);
    expect(compactnessLog10([3, 12, 25, 33, 47, 55, 68, 71, 85, 97], 100, 8).log10P).toBe(0);
    expect(timeCompactnessLog10([0.5, 0.501, 0.502, 0.503, 0.504, 0.505], 6).log10P).toBeLessThan(-8);
    expect(timeCompactnessLog10([0.05, 0.2, 0.35, 0.5, 0.65, 0.8], 5).log10P).toBe(0);
  });
});
