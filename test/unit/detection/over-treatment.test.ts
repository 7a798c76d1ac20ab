import { describe, expect, it } from 'vitest';
import { OVER_TREATMENT_DEFAULTS, detectOverTreatment } from '../../../algorithms/detectors/over-treatment.ts';
import { MIN_SURPRISE, calibratedConfidence } from '../../../algorithms/detectors/types.ts';
import { evidenceText } from '../../../detection/evidence-text.ts';
import { institutionWorld, memberIds } from './institution-world.ts';

describe('over-treatment (per-item counts against guideline and peers, concentrated per doctor)', () => {
  it('finds HbA1c at every monthly visit for one doctor’s diabetics, by the item’s name on any catalog', () => {
    const w = institutionWorld();
    // An HbA1c item under a code no rule knows: only its name says what it is.
    w.b.item({ id: 'LAB-7731', name: '糖化血红蛋白(HbA1c)测定', category: 'exam' });
    w.outpatientBackground();
    // DC1 at C1 orders HbA1c at each monthly visit of 12 diabetics (12 a year; guideline 4).
    for (let k = 0; k < 12; k++) for (let m = 0; m < 12; m++) w.visit({ day: m * 30 + k, hour: 9 + (k % 6), inst: 'C1', doctor: 'DC1', card: w.card(160 + k), items: ['REG', 'DRUG', 'LAB-7731'] });
    const { set, k } = w.build();
    const rings = detectOverTreatment(set, k);
    expect(rings).toHaveLength(1);
    const ring = rings[0]!;
    expect(memberIds(set, ring, 'institution')).toEqual(['C1']);
    expect(memberIds(set, ring, 'doctor')).toEqual(['DC1']);
    expect(memberIds(set, ring, 'person')).toEqual(Array.from({ length: 12 }, (_, j) => `Q${160 + j}`).sort());
    expect(ring.surprise).toBeGreaterThanOrEqual(MIN_SURPRISE);
    expect(ring.confidence).toBeCloseTo(calibratedConfidence(ring.surprise!), 10);
    const item = ring.evidence.find((e) => e.key === 'over-treatment.item-guideline')!;
    expect(item.facts).toMatchObject({ item: '糖化血红蛋白(HbA1c)测定', patients: 12, guideline: 4 });
    // 12 tests in the 348 days the data covers: 12.6 a year.
    expect(item.facts.perYear).toBeCloseTo((12 * 365) / 348, 1);
    expect(evidenceText(item).en).toMatch(/12\.6 times a year on average for 12 patients; guideline 4/);
    // the sentence opens the 144 visits that billed it
    expect(item.claims).toHaveLength(144);
  });

  it('finds a busy doctor’s HbA1c over-testing of a few diabetics among the patients the doctor tests for it, not among all their patients', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    // DC1 and DC3 (the peer clinic) each also see 700 walk-in patients once or twice for a cold.
    for (let k = 0; k < 1400; k++) {
      w.b.person({ id: `W${k}`, name: `门诊${k}`, gender: k % 2 ? 'F' : 'M', birthDate: `${1950 + (k % 50)}-07-01`, householdId: `WH${k}`, address: `门诊地址${k}`, region: '330100' });
      w.b.card({ id: `AW${k}`, holderId: `W${k}` });
      for (let v = 0; v <= k % 2; v++) w.visit({ day: (k * 7 + v * 40) % 360, hour: 8 + (k % 9), inst: k < 700 ? 'C1' : 'C2', doctor: k < 700 ? 'DC1' : 'DC3', card: `AW${k}`, items: ['REG', 'DRUG2'], dx: 'J06.9' });
    }
    // DC1 orders HbA1c at every monthly visit of 5 diabetics (12 a year; guideline 4): 5 of ~780 patients.
    for (let j = 0; j < 5; j++) for (let m = 0; m < 12; m++) w.visit({ day: m * 30 + j, hour: 9 + j, inst: 'C1', doctor: 'DC1', card: w.card(200 + j), items: ['REG', 'DRUG', 'HBA1C'], dx: 'E11.9' });
    const { set, k } = w.build();
    const rings = detectOverTreatment(set, k);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'doctor')).toEqual(['DC1']);
    expect(memberIds(set, rings[0]!, 'person')).toEqual(Array.from({ length: 5 }, (_, j) => `Q${200 + j}`));
    // the sentence counts those billed HbA1c as at risk, not every patient of the doctor
    const concentration = rings[0]!.evidence.find((e) => e.key === 'over-treatment.concentration')!;
    expect(concentration.facts).toMatchObject({ unit: expect.stringContaining('DC1'), flagged: 5, atRiskItem: '糖化血红蛋白测定' });
    expect(Number(concentration.facts.atRisk)).toBeLessThan(100);
    expect(evidenceText(concentration).en).toMatch(/^5 of \d+ patients billed 糖化血红蛋白测定 by /);
    expect(evidenceText(concentration).zh).toMatch(/名做过糖化血红蛋白测定的患者中 5 名/);
  });

  it('does not flag a rehabilitation course of 15 acupuncture sessions; the same counts above one course would be', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    // Peers: 100 patients with a session of acupuncture (back pain), one in five with two.
    for (const j of [...Array.from({ length: 60 }, (_, x) => x), ...Array.from({ length: 40 }, (_, x) => 160 + x)]) for (let s = 0; s <= (j % 5 === 0 ? 1 : 0); s++) w.visit({ day: 20 + (j % 40) * 8 + s * 3, inst: 'C1', doctor: 'DC2', card: w.card(j), items: ['REG', 'ACU'], dx: 'M54.5' });
    // DC3 at C2: 12 stroke patients each on a course of 15 sessions, three a week.
    for (let j = 0; j < 12; j++) for (let s = 0; s < 15; s++) w.visit({ day: j * 20 + Math.floor(s * 7 / 3), hour: 9 + (j % 6), inst: 'C2', doctor: 'DC3', card: w.card(200 + j), items: ['REG', 'ACU'], dx: 'I63.9' });
    const { set, k } = w.build();
    expect(detectOverTreatment(set, k)).toEqual([]);
    // What protects the course is its length being one course: with no course allowance it would be flagged.
    const flagged = detectOverTreatment(set, k, { ...OVER_TREATMENT_DEFAULTS, courseSessions: [1, 1] });
    expect(flagged.map((r) => memberIds(set, r, 'doctor'))).toEqual([['DC3']]);
  });

  it('does not flag weekly chronic visitors with ordinary items, nor a nursing home’s weekly round', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    // 10 chronic patients at C2 every week on their own weekday, each visit a refill and sometimes an exam.
    for (let j = 0; j < 10; j++) for (let wk = 0; wk < 50; wk++) {
      const items = ['REG', j % 2 ? 'DRUG2' : 'DRUG'];
      if (w.random() < 0.25) items.push(j % 2 ? 'ECG' : 'HBA1C');
      w.visit({ day: wk * 7 + (j % 5), hour: 10, minute: j * 3, inst: 'C2', doctor: j % 2 ? 'DC3' : 'DC4', card: w.card(160 + j), items, dx: j % 2 ? 'I10' : 'E11.9' });
    }
    // 12 nursing-home residents seen the same morning every week by DC1, an exam now and then.
    for (let j = 0; j < 12; j++) for (let wk = 0; wk < 50; wk++) {
      const items = ['REG', 'DRUG2'];
      if (w.random() < 0.3) items.push('ECG');
      w.visit({ day: wk * 7 + 2, hour: 9, minute: j * 4, inst: 'C1', doctor: 'DC1', card: w.card(180 + j), items, dx: 'I10' });
    }
    const { set, k } = w.build();
    expect(detectOverTreatment(set, k)).toEqual([]);
  });

  it('leaves a group brought in together (recruited patients) to the co-visit detector', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    // 10 villagers brought to DC2 on the same mornings, 8 trips, the same exam package each time.
    for (let trip = 0; trip < 8; trip++) for (let j = 0; j < 10; j++) w.visit({ day: 15 + trip * 40, hour: 9, minute: j * 4, inst: 'C1', doctor: 'DC2', card: w.card(170 + j), items: ['REG', 'ECG', 'HBA1C'], dx: 'I10' });
    const { set, k } = w.build();
    expect(detectOverTreatment(set, k)).toEqual([]);
    // They are over-tested all the same: without the group rule (a window of 0 s) the doctor would be flagged.
    expect(detectOverTreatment(set, k, { ...OVER_TREATMENT_DEFAULTS, groupWindowSeconds: 0 }).map((r) => memberIds(set, r, 'doctor'))).toEqual([['DC2']]);
  });

  it('leaves patients the co-visit detector found brought together to it, whatever their package looks like per patient', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    // 12 patients billed HbA1c monthly at C1 (a recruiter's package, spread over the days of each trip).
    for (let k = 0; k < 12; k++) for (let m = 0; m < 12; m++) w.visit({ day: m * 30 + (k % 3), hour: 9 + (k % 6), inst: 'C1', doctor: 'DC1', card: w.card(160 + k), items: ['REG', 'DRUG', 'HBA1C'] });
    const { set, k } = w.build();
    expect(detectOverTreatment(set, k)).toHaveLength(1);
    const c1 = set.institutions.id.indexOf('C1');
    const brought = new Set(Array.from({ length: 12 }, (_, j) => `${set.persons.id.indexOf(`Q${160 + j}`)}|${c1}`));
    expect(detectOverTreatment(set, k, OVER_TREATMENT_DEFAULTS, brought)).toEqual([]);
  });

  it('leaves residents of one address (a nursing home) to the co-visit detector, even when they come one by one', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    // 10 residents of one home, each on their own weekday, an ECG at every visit by DC2.
    for (let j = 0; j < 10; j++) {
      w.b.person({ id: `R${j}`, name: `住户${j}`, gender: 'F', birthDate: '1938-06-01', householdId: `RH${j}`, address: '颐养院', region: '330100' });
      w.b.card({ id: `AR${j}`, holderId: `R${j}` });
      for (let wk = 0; wk < 24; wk++) w.visit({ day: wk * 14 + (j % 10), hour: 8 + (j % 8), inst: 'C1', doctor: 'DC2', card: `AR${j}`, items: ['REG', 'DRUG2', 'ECG'], dx: 'I10' });
    }
    const { set, k } = w.build();
    expect(detectOverTreatment(set, k)).toEqual([]);
  });

  it('finds a doctor keeping patients in hospital far longer than the same diagnosis’s stays', () => {
    const w = institutionWorld();
    w.inpatientBackground();
    // D4 keeps 10 pneumonia patients 18–24 days; the 80 background stays are 4–8 days.
    for (let j = 0; j < 10; j++) w.stay({ admit: 10 + j * 30, days: 18 + (j % 7), doctor: 'D4', card: w.card(j), dx: 'J18.9' });
    const { set, k } = w.build();
    const rings = detectOverTreatment(set, k);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'doctor')).toEqual(['D4']);
    expect(memberIds(set, rings[0]!, 'person')).toEqual(Array.from({ length: 10 }, (_, j) => `Q${String(j).padStart(3, '0')}`));
    const stays = rings[0]!.evidence.find((e) => e.key === 'over-treatment.long-stays')!;
    expect(stays.facts).toMatchObject({ stays: 10, patients: 10 });
  });

  it('finds a ward doctor’s prolonged stays however many outpatients the doctor also sees, and leaves a split stay’s parts to split hospitalization', () => {
    /** Pneumonia stays of H1's doctors vary widely (log-normal around 6 days); D4 also sees 200 outpatients. */
    const ward = () => {
      const w = institutionWorld();
      const normal = () => Math.sqrt(-2 * Math.log(1 - w.random())) * Math.cos(2 * Math.PI * w.random());
      for (let k = 0; k < 200; k++) w.visit({ day: Math.floor(w.random() * 360), inst: 'H1', doctor: 'D4', card: w.card(k), items: ['REG'], dx: 'J18.9' });
      for (let k = 20; k < 240; k++) w.stay({ admit: Math.floor(w.random() * 330), days: Math.max(1, Math.round(Math.exp(Math.log(7) + 0.5 * normal())) - 1), doctor: ['D1', 'D3', 'D4', 'D5', 'D6'][k % 5]!, card: w.card(k), dx: 'J18.9' });
      return w;
    };
    // D4 keeps 12 pneumonia patients 20–23 days (about p = 0.01 each against the ward's spread) …
    const w = ward();
    for (let j = 0; j < 12; j++) w.stay({ admit: 100 + j * 8, days: 20 + (j % 4), doctor: 'D4', card: w.card(j), dx: 'J18.9' });
    const { set, k } = w.build();
    const rings = detectOverTreatment(set, k);
    expect(rings.map((r) => memberIds(set, r, 'doctor'))).toEqual([['D4']]);
    const long = Array.from({ length: 12 }, (_, j) => `Q${String(j).padStart(3, '0')}`);
    expect(memberIds(set, rings[0]!, 'person')).toEqual(expect.arrayContaining(long));
    // … but a long stay with a readmission for the same diagnosis within 15 days is one part of a split stay
    const w2 = ward();
    for (let j = 0; j < 12; j++) {
      w2.stay({ admit: 100 + j * 8, days: 20 + (j % 4), doctor: 'D4', card: w2.card(j), dx: 'J18.9' });
      w2.stay({ admit: 100 + j * 8 + 20 + (j % 4) + 3, days: 20, doctor: 'D4', card: w2.card(j), dx: 'J18.9' });
    }
    const split = w2.build();
    expect(detectOverTreatment(split.set, split.k).filter((r) => r.evidence.some((e) => e.key === 'over-treatment.long-stays' && Number(e.facts.stays) >= 12))).toEqual([]);
  });

  it('finds long stays for one diagnosis among the patients the doctor admitted with it, however widely the diagnosis’s stays vary', () => {
    const w = institutionWorld();
    const normal = () => Math.sqrt(-2 * Math.log(1 - w.random())) * Math.cos(2 * Math.PI * w.random());
    // Back-pain stays at H1 vary widely (log-normal around 6 days, from day cases to three weeks) …
    for (let k = 40; k < 240; k++) w.stay({ admit: Math.floor(w.random() * 330), days: Math.max(1, Math.round(Math.exp(Math.log(7) + 0.5 * normal())) - 1), doctor: ['D1', 'D3', 'D5', 'D6'][k % 4]!, card: w.card(k), dx: k % 3 ? 'J18.9' : 'M54.5' });
    // … and D4 admits 30 pneumonia patients twice for ordinary stays, and 10 back-pain patients for 26–29
    // days: about p = 0.02 each against the wide spread, but 10 of D4's 10 back-pain admissions.
    for (let j = 0; j < 30; j++) for (const admit of [5 * j, 5 * j + 180]) w.stay({ admit, days: 4 + (j % 5), doctor: 'D4', card: w.card(10 + j), dx: 'J18.9' });
    for (let j = 0; j < 10; j++) w.stay({ admit: 20 + j * 30, days: 26 + (j % 4), doctor: 'D4', card: w.card(j), dx: 'M54.5' });
    const { set, k } = w.build();
    const rings = detectOverTreatment(set, k);
    expect(rings.map((r) => memberIds(set, r, 'doctor'))).toEqual([['D4']]);
    expect(memberIds(set, rings[0]!, 'person')).toEqual(expect.arrayContaining(Array.from({ length: 10 }, (_, j) => `Q${String(j).padStart(3, '0')}`)));
    const concentration = rings[0]!.evidence.find((e) => e.key === 'over-treatment.concentration')!;
    expect(concentration.facts).toMatchObject({ atRiskDiagnosis: expect.any(String), atRiskInpatients: 1 });
    expect(evidenceText(concentration).en).toMatch(/patients admitted for .+ by /);
  });

  it('does not carry a ring doctor’s ordinary long stays of other diagnoses along with the ring', () => {
    const w = institutionWorld();
    const normal = () => Math.sqrt(-2 * Math.log(1 - w.random())) * Math.cos(2 * Math.PI * w.random());
    const ordinary = () => Math.max(1, Math.round(Math.exp(Math.log(7) + 0.5 * normal())) - 1);
    // Stays at H1 vary widely (log-normal around 6 days) for every doctor, D4 included: a few of anyone's
    // stays are long by chance.
    for (let k = 40; k < 400; k++) w.stay({ admit: Math.floor(w.random() * 330), days: ordinary(), doctor: ['D1', 'D3', 'D4', 'D5', 'D6'][k % 5]!, card: w.card(k), dx: ['J18.9', 'M54.5', 'I63.9'][k % 3]! });
    // D4 keeps 12 heart patients 30–35 days: the ring.
    for (let j = 0; j < 12; j++) w.stay({ admit: 20 + j * 25, days: 30 + (j % 6), doctor: 'D4', card: w.card(j), dx: 'I63.9' });
    const { set, k } = w.build();
    const rings = detectOverTreatment(set, k);
    expect(rings.map((r) => memberIds(set, r, 'doctor'))).toEqual([['D4']]);
    // D4's long stays of other diagnoses are no more frequent than the other doctors': they stay out.
    expect(memberIds(set, rings[0]!, 'person')).toEqual(Array.from({ length: 12 }, (_, j) => `Q${String(j).padStart(3, '0')}`));
  });

  it('finds visits far above a weekly routine, but not the planned sessions of dialysis', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    w.b.item({ id: 'HD', name: '血液透析', category: 'treatment' });
    // DC4 at C2 sees 8 patients every other day all year (registration and a drug only).
    for (let j = 0; j < 8; j++) for (let d = j % 2; d < 360; d += 2) w.visit({ day: d, hour: 8 + j, inst: 'C2', doctor: 'DC4', card: w.card(160 + j), items: ['REG', 'DRUG2'], dx: 'I10' });
    // Dialysis three times a week at the hospital for 8 patients: planned care.
    for (let j = 0; j < 8; j++) for (let d = 0; d < 360; d += d % 7 === 4 ? 3 : 2) w.visit({ day: d, hour: 13 + (j % 4), inst: 'H1', doctor: 'D6', card: w.card(200 + j), items: ['REG', 'HD'], dx: 'N18.5' });
    const { set, k } = w.build();
    const rings = detectOverTreatment(set, k);
    expect(rings.map((r) => memberIds(set, r, 'doctor'))).toEqual([['DC4']]);
    expect(rings[0]!.evidence.some((e) => e.key === 'over-treatment.visits')).toBe(true);
    // the sentence opens the 8 patients' 180 visits each, not the dialysis sessions
    const visits = rings[0]!.evidence.find((e) => e.key === 'over-treatment.visits')!;
    expect(visits.claims).toHaveLength(8 * 180);
  });

  it('finds a doctor ordering CT at nearly every stroke follow-up of a few patients, against peers who order it at one visit in six', () => {
    const w = institutionWorld();
    w.outpatientBackground();
    w.b.item({ id: 'CT', name: 'CT平扫', category: 'exam' });
    // Stroke follow-ups at both clinics: 60 patients, 4 visits each, CT at one visit in six — three CTs in a
    // year is then not rare for one patient (a typical CT patient has one, the 95th percentile two).
    const followUp = (k: number, inst: string, doctor: string, ctEvery: number) => {
      for (let v = 0; v < 4; v++) w.visit({ day: (k * 5 + v * 80) % 360, hour: 8 + (k % 8), inst, doctor, card: w.card(k), items: (k * 4 + v) % ctEvery === 0 ? ['REG', 'DRUG2', 'CT'] : ['REG', 'DRUG2'], dx: 'I63.9' });
    };
    // DC2 sees few of them: five.
    for (let k = 160; k < 220; k++) followUp(k, k % 2 ? 'C1' : 'C2', k % 12 === 1 ? 'DC2' : k % 2 ? 'DC1' : ['DC3', 'DC4'][k % 4 === 0 ? 0 : 1]!, 6);
    // DC2 orders CT at 3 of the 4 follow-ups of six more stroke patients.
    for (let j = 0; j < 6; j++) for (let v = 0; v < 4; v++) w.visit({ day: 30 + j * 7 + v * 38, hour: 9 + j, inst: 'C1', doctor: 'DC2', card: w.card(220 + j), items: v === 1 ? ['REG', 'DRUG2'] : ['REG', 'DRUG2', 'CT'], dx: 'I63.9' });
    const { set, k } = w.build();
    const rings = detectOverTreatment(set, k);
    expect(rings.map((r) => memberIds(set, r, 'doctor'))).toEqual([['DC2']]);
    expect(memberIds(set, rings[0]!, 'person')).toEqual(Array.from({ length: 6 }, (_, j) => `Q${220 + j}`));
    const habit = rings[0]!.evidence.find((e) => e.key === 'over-treatment.habit')!;
    expect(habit.facts).toMatchObject({ item: 'CT平扫', patients: 6 });
    expect(habit.claims).toHaveLength(18);
    expect(evidenceText(habit).zh).toMatch(/次开具CT平扫/);
    // A doctor who orders it somewhat more often than peers (one visit in three, for the same five patients) is a habit within the spread.
    const w2 = institutionWorld();
    w2.outpatientBackground();
    w2.b.item({ id: 'CT', name: 'CT平扫', category: 'exam' });
    for (let k2 = 160; k2 < 220; k2++) for (let v = 0; v < 4; v++) w2.visit({ day: (k2 * 5 + v * 80) % 360, hour: 8 + (k2 % 8), inst: k2 % 2 ? 'C1' : 'C2', doctor: k2 % 12 === 1 ? 'DC2' : k2 % 2 ? 'DC1' : ['DC3', 'DC4'][k2 % 4 === 0 ? 0 : 1]!, card: w2.card(k2), items: (k2 * 4 + v) % (k2 % 12 === 1 ? 3 : 6) === 0 ? ['REG', 'DRUG2', 'CT'] : ['REG', 'DRUG2'], dx: 'I63.9' });
    const built = w2.build();
    expect(detectOverTreatment(built.set, built.k)).toEqual([]);
  });
});
