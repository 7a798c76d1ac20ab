import type { ClaimSet } from '../../../algorithms/claim-set.ts';
import type { RingCandidate } from '../../../algorithms/detectors/types.ts';
import { compileKnowledge } from '../../../algorithms/knowledge.ts';
import { seededRandom } from '../../../algorithms/stats.ts';
import { loadKnowledge } from '../../../detection/knowledge.ts';
import { world } from './world.ts';

/**
 * The small test world (world.ts) with a background of ordinary patients, so the institution-pattern
 * detectors have peers to measure "normal" against: 240 more persons (Q000…), a second department at
 * the hospital (心内科: D7, D8) and a few more items. Helpers add visits and stays by day of 2024.
 */
export function institutionWorld() {
  const w = world();
  const b = w.b;
  b.doctor({ id: 'D7', name: '医生D7', institutionId: 'H1', department: '心内科' });
  b.doctor({ id: 'D8', name: '医生D8', institutionId: 'H1', department: '心内科' });
  b.item({ id: 'ACU', name: '普通针刺', category: 'treatment' });
  b.item({ id: 'CHEMO', name: '注射用顺铂', category: 'drug' });
  b.item({ id: 'ECG', name: '常规心电图检查', category: 'exam' });
  const persons: string[] = [];
  for (let k = 0; k < 240; k++) {
    const id = `Q${String(k).padStart(3, '0')}`;
    b.person({ id, name: `背景${k}`, gender: k % 2 ? 'F' : 'M', birthDate: `${1945 + (k % 40)}-03-01`, householdId: `QH${k}`, address: `背景地址${k}`, region: '330100' });
    b.card({ id: `A${id}`, holderId: id });
    persons.push(id);
  }
  const card = (k: number) => `AQ${String(k).padStart(3, '0')}`;
  const date = (day: number) => w.day(day).slice(0, 10);
  const visit = (o: { day: number; hour?: number; minute?: number; inst: string; doctor: string; card: string; items: string[]; dx?: string }) =>
    w.claim({ at: w.day(o.day, o.hour ?? 9, o.minute ?? 0), inst: o.inst, card: o.card, doctor: o.doctor, items: o.items, dx: o.dx ?? 'E11.9' });
  const stay = (o: { admit: number; days: number; inst?: string; doctor: string; card: string; dx: string; items?: string[] }) =>
    w.claim({ at: w.day(o.admit + o.days, 10), kind: 'inpatient', inst: o.inst ?? 'H1', card: o.card, doctor: o.doctor, dx: o.dx, admit: date(o.admit), discharge: date(o.admit + o.days), items: o.items ?? ['BED'] });
  const random = seededRandom(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  /**
   * Ordinary outpatient care: each background patient visits one clinic 4–12 times a year, for diabetes
   * or hypertension, with the registration fee, a drug and sometimes an exam (HbA1c at about one visit
   * in four for diabetics, an ECG for hypertensives).
   */
  const outpatientBackground = (from = 0, to = 160) => {
    for (let k = from; k < to; k++) {
      const [inst, doctors] = pick([
        ['C1', ['DC1', 'DC2']],
        ['C2', ['DC3', 'DC4']],
      ] as const);
      const diabetic = k % 2 === 0;
      const visits = 4 + Math.floor(random() * 9);
      for (let v = 0; v < visits; v++) {
        const items = ['REG', diabetic ? 'DRUG' : 'DRUG2'];
        if (random() < 0.25) items.push(diabetic ? 'HBA1C' : 'ECG');
        visit({ day: Math.floor((v * 360) / visits + random() * 20), hour: 8 + Math.floor(random() * 8), minute: Math.floor(random() * 60), inst, doctor: pick(doctors), card: card(k), items, dx: diabetic ? 'E11.9' : 'I10' });
      }
    }
  };
  /** Ordinary inpatient care: one stay each for background patients, 4–8 days, pneumonia or stroke, at the hospital's doctors. */
  const inpatientBackground = (from = 160, to = 240) => {
    for (let k = from; k < to; k++) {
      const days = 4 + Math.floor(random() * 5);
      stay({ admit: Math.floor(random() * 330), days, doctor: pick(['D1', 'D3', 'D5', 'D6', 'D7', 'D8']), card: card(k), dx: k % 2 ? 'J18.9' : 'I63.9' });
    }
  };
  const build = (): { set: ClaimSet; k: ReturnType<typeof compileKnowledge> } => {
    const set = b.build();
    return { set, k: compileKnowledge(set, loadKnowledge()) };
  };
  return { ...w, persons, card, date, visit, stay, outpatientBackground, inpatientBackground, build, random };
}

export const memberIds = (set: ClaimSet, r: RingCandidate, type: 'person' | 'doctor' | 'institution') =>
  r.members
    .filter((m) => m.type === type)
    .map((m) => (type === 'person' ? set.persons.id : type === 'doctor' ? set.doctors.id : set.institutions.id)[m.index]!)
    .sort();
