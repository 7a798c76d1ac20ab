import { describe, expect, it } from 'vitest';
import { SPLIT_DEFAULTS, detectSplitHospitalization } from '../../../algorithms/detectors/split-hospitalization.ts';
import { MIN_SURPRISE } from '../../../algorithms/detectors/types.ts';
import { evidenceText } from '../../../detection/evidence-text.ts';
import { institutionWorld, memberIds } from './institution-world.ts';

const q = (k: number) => `Q${String(k).padStart(3, '0')}`;

describe('split hospitalization (readmissions concentrated per doctor and department)', () => {
  it('finds a doctor discharging and readmitting many patients within days; one readmission elsewhere is medicine', () => {
    const w = institutionWorld();
    w.inpatientBackground();
    // D2 cuts the stays of 10 patients in three, 2–5 days apart.
    for (let j = 0; j < 10; j++) for (let part = 0; part < 3; part++) w.stay({ admit: 10 + j * 30 + part * 9, days: 5, doctor: 'D2', card: w.card(j), dx: 'I63.9' });
    // One patient of D3 readmitted once (medicine).
    for (const admit of [100, 110]) w.stay({ admit, days: 5, doctor: 'D3', card: w.card(20), dx: 'J18.9' });
    // A colleague with one patient whose stay was cut in three: part of the scheme once D2 stands out.
    for (const admit of [120, 126, 132]) w.stay({ admit, days: 5, doctor: 'D4', card: w.card(21), dx: 'I63.9' });
    const { set, k } = w.build();
    const rings = detectSplitHospitalization(set, k);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'doctor')).toEqual(['D2', 'D4']);
    expect(memberIds(set, rings[0]!, 'person')).toEqual([...Array.from({ length: 10 }, (_, j) => q(j)), q(21)]);
    expect(rings[0]!.surprise).toBeGreaterThanOrEqual(MIN_SURPRISE);
    expect(rings[0]!.evidence.find((e) => e.key === 'split.readmissions')!.facts).toMatchObject({ patients: 11, readmissions: 22 });
    // every evidence item reads in both languages, with the concentration's numbers
    for (const e of rings[0]!.evidence) expect(evidenceText(e).zh.length).toBeGreaterThan(0);
    expect(evidenceText(rings[0]!.evidence.find((e) => e.key === 'split.concentration')!).en).toMatch(/^\d+ of \d+ patients of .+ readmitted for the same condition within 15 days, against [\d.]+% among peers/);
  });

  it('counts a readmission by a colleague of the same department, and a recoded diagnosis of the same chapter there', () => {
    const w = institutionWorld();
    w.inpatientBackground();
    // Cardiology: D7 discharges, D8 readmits within a week, the second stay recoded (I25.1 → I20.0).
    for (let j = 0; j < 10; j++) {
      w.stay({ admit: 10 + j * 30, days: 6, doctor: 'D7', card: w.card(j), dx: 'I25.1' });
      w.stay({ admit: 10 + j * 30 + 9, days: 6, doctor: 'D8', card: w.card(j), dx: 'I20.0' });
    }
    const { set, k } = w.build();
    const rings = detectSplitHospitalization(set, k);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'doctor')).toEqual(['D7', 'D8']);
    expect(memberIds(set, rings[0]!, 'person')).toEqual(Array.from({ length: 10 }, (_, j) => q(j)));
  });

  it('finds two doctors of one department who both split stays, though each is the other’s peer', () => {
    const w = institutionWorld();
    // Cardiologists at three secondary hospitals: H1's D7 and D8 each cut 8 of their ~45 patients' stays
    // in two; D9 (H2), D10 and D11 (H3) are honest, one ordinary readmission among them. Tested at the
    // doctor level, D8 in D7's baseline (and D7 in D8's) made each look ordinary.
    for (const [id, name] of [['H2', '杭州市第五医院'], ['H3', '杭州市第七医院']] as const) w.b.institution({ id, name, kind: 'hospital', level: 'secondary', region: '330100', lat: 30.3, lon: 120.2 });
    for (const [id, inst] of [['D9', 'H2'], ['D10', 'H3'], ['D11', 'H3']] as const) w.b.doctor({ id, name: `医生${id}`, institutionId: inst, department: '心内科' });
    const doctors: [string, string][] = [['D7', 'H1'], ['D8', 'H1'], ['D9', 'H2'], ['D10', 'H3'], ['D11', 'H3']];
    for (let j = 0; j < 225; j++) {
      const [doctor, inst] = doctors[j % doctors.length]!;
      const admit = 10 + ((j * 37) % 300);
      w.stay({ admit, days: 4, inst, doctor, card: w.card(j), dx: 'I25.1' });
      // the ring doctors' split stays: 8 patients each
      if ((doctor === 'D7' || doctor === 'D8') && j < 40) w.stay({ admit: admit + 7, days: 4, inst, doctor, card: w.card(j), dx: 'I25.1' });
    }
    // one ordinary readmission at H3
    w.stay({ admit: 330, days: 4, inst: 'H3', doctor: 'D10', card: w.card(3), dx: 'I25.1' });
    const { set, k } = w.build();
    const rings = detectSplitHospitalization(set, k, { ...SPLIT_DEFAULTS, concentration: { ...SPLIT_DEFAULTS.concentration, levels: ['doctor'] } });
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'doctor')).toEqual(['D7', 'D8']);
  });

  it('does not count chemotherapy cycles every 21 days as split stays', () => {
    const w = institutionWorld();
    w.inpatientBackground();
    // 10 breast-cancer patients of D2, a week in hospital every 21 days (readmitted 14 days after discharge).
    for (let j = 0; j < 10; j++) for (let cycle = 0; cycle < 6; cycle++) w.stay({ admit: 10 + j * 5 + cycle * 21, days: 7, doctor: 'D2', card: w.card(j), dx: 'C50.9', items: ['BED', 'CHEMO'] });
    const { set, k } = w.build();
    expect(detectSplitHospitalization(set, k)).toEqual([]);
    // Without the planned-care knowledge the same stays would be a ring.
    const unplanned = { ...k, plannedCare: new Uint32Array(k.plannedCare.length) };
    expect(detectSplitHospitalization(set, unplanned).map((r) => memberIds(set, r, 'doctor'))).toEqual([['D2']]);
  });

  it('leaves out a group admitted and discharged together (recruited patients’ bed-hanging)', () => {
    const w = institutionWorld();
    w.inpatientBackground();
    for (const admit of [140, 150, 160]) for (let j = 0; j < 6; j++) w.stay({ admit, days: 4, doctor: 'D5', card: w.card(j), dx: 'I63.9' });
    const { set, k } = w.build();
    expect(detectSplitHospitalization(set, k)).toEqual([]);
  });
});
