import { describe, expect, it } from 'vitest';
import { CARD_FARMING_DEFAULTS, detectCardFarming } from '../../../algorithms/detectors/card-farming.ts';
import { seededRandom } from '../../../algorithms/stats.ts';
import { evidenceText } from '../../../detection/evidence-text.ts';
import { context, memberIds } from './helpers.ts';
import { town } from './town.ts';

/**
 * Card farming: the same cards swiped in runs at one counter, session after session, at any pace; and
 * what must stay quiet — regulars on their clinic day, a family shopping together, a dialysis shift.
 */

const farm = (t: ReturnType<typeof town>, cards: number[], inst: string, sessions: number[], hh: number, gapSeconds: number, shuffle = true) => {
  const rng = seededRandom(sessions[0]!);
  for (const d of sessions) {
    // A farm works through its stack of cards, shuffled or in the same order every time.
    const order = shuffle ? [...cards].map((k) => [rng(), k] as const).sort((a, b) => a[0] - b[0]).map(([, k]) => k) : cards;
    order.forEach((k, j) => t.claim({ at: t.at(d, hh, 0, j * gapSeconds), kind: 'pharmacy', inst, card: t.card(k), items: ['DRUG', 'DRUG2'], total: 198 }));
  }
};

/** The town's detections when they must be one ring of lent cards and no farm. */
const onlyLent = (t: ReturnType<typeof town>) => {
  const set = t.b.build();
  const { k, kin } = context(set);
  const rings = detectCardFarming(set, CARD_FARMING_DEFAULTS, k, kin);
  expect(rings.filter((r) => r.family === 'card-farming')).toEqual([]);
  const lent = rings.filter((r) => r.family === 'card-lending');
  expect(lent).toHaveLength(1);
  return { set, lent };
};

describe('card farming', () => {
  it('finds a slow farm — a card every five minutes in business hours, weekly — with exactly its cards', () => {
    const t = town(1);
    t.background();
    const cards = Array.from({ length: 18 }, (_, j) => 10 + j * 17);
    farm(t, cards, 'P1', [14, 21, 28, 35, 42, 49, 56, 63], 10, 300);
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectCardFarming(set, CARD_FARMING_DEFAULTS, k, kin);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'card')).toEqual(cards.map(t.card).sort());
    expect(memberIds(set, rings[0]!, 'institution')).toEqual(['P1']);
    expect(rings[0]!.surprise).toBeGreaterThan(10);
    // The investigator reads the chance as 1e-N, never "1e--N".
    const sessions = evidenceText(rings[0]!.evidence.find((e) => e.key === 'farming.sessions')!);
    expect(sessions.en).toMatch(/\(p≈1e-\d+\)/);
    expect(sessions.zh).toMatch(/（p≈1e-\d+）/);
  });

  it('finds a farm that swipes its stack in the same order every session as one farm', () => {
    const t = town(5);
    t.background();
    const cards = Array.from({ length: 24 }, (_, j) => 30 + j * 19);
    farm(t, cards, 'P4', [7, 19, 33, 47, 60, 72, 88, 99], 14, 120, false);
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectCardFarming(set, CARD_FARMING_DEFAULTS, k, kin);
    expect(rings.map((r) => memberIds(set, r, 'card'))).toEqual([cards.map(t.card).sort()]);
  });

  it('reports cards that come a few at a time, visit after visit, as lent cards: only on some days do the visits coincide', () => {
    const t = town(3);
    t.background();
    const pool = Array.from({ length: 12 }, (_, j) => 7 + j * 29);
    const rng = seededRandom(11);
    // A busy pharmacy: twenty walk-in customers a day, each once, at any hour of business.
    for (let j = 0; j < 2400; j++) {
      const id = `W${String(j).padStart(5, '0')}`;
      t.b.person({ id, name: `路人${j}`, gender: j % 2 ? 'F' : 'M', birthDate: '1970-01-01', householdId: `HW${j}`, address: `城西路${j}号`, region: '330100' });
      t.b.card({ id: `C${id}`, holderId: id });
      t.claim({ at: t.at(10 + Math.floor(rng() * 120), 8 + Math.floor(rng() * 12), Math.floor(rng() * 60)), kind: 'pharmacy', inst: 'P1', card: `C${id}`, items: ['DRUG'], total: 60 });
    }
    // Three people with lent cards, each on about a third of the days at their usual hour, presenting two or
    // three of the cards per visit at a pharmacy that records nobody; every tenth day the three come
    // together.
    for (let d = 10; d < 130; d++)
      for (let u = 0; u < 3; u++) {
        const together = d % 10 === 0;
        if (!together && rng() >= 0.35) continue;
        const n = 2 + Math.floor(rng() * 2);
        const cards = [...pool].sort(() => rng() - 0.5).slice(0, n);
        cards.forEach((k, j) => t.claim({ at: t.at(d, together ? 9 : 9 + u * 3, u * 4, j * 90), kind: 'pharmacy', inst: 'P1', card: t.card(k), items: ['DRUG3'], total: 120 }));
      }
    const { set, lent } = onlyLent(t);
    // one pool, though Louvain cuts it where its cards are shuffled between the three
    expect(memberIds(set, lent[0]!, 'card')).toEqual(pool.map(t.card).sort());
    expect(memberIds(set, lent[0]!, 'institution')).toEqual(['P1']);
    const text = evidenceText(lent[0]!.evidence[0]!);
    expect(text.en).toMatch(/cards were used a few at a time at/);
  });

  it('reports cards presented together at several counters as lent cards, even when every visit is a tight run: a farm keeps its stack at its counter', () => {
    const t = town(4);
    t.background();
    const pocket = Array.from({ length: 9 }, (_, j) => 11 + j * 37);
    const rng = seededRandom(5);
    // Two people carry nine lent cards and present four to seven of them per visit, one after the other,
    // at their usual morning and afternoon hours, at three pharmacies that record nobody.
    const visits: [number, string, number][] = [];
    for (let d = 14; d < 130; d += 7) visits.push([d, 'P1', 16], [d + 2, rng() < 0.5 ? 'P2' : 'P4', 8]);
    for (const [d, inst, hh] of visits) {
      const n = 4 + Math.floor(rng() * 4);
      const cards = [...pocket].sort(() => rng() - 0.5).slice(0, n);
      cards.forEach((k, j) => t.claim({ at: t.at(d, hh, 5, j * 150), kind: 'pharmacy', inst, card: t.card(k), items: ['DRUG3'], total: 120 }));
    }
    const { set, lent } = onlyLent(t);
    expect(memberIds(set, lent[0]!, 'card')).toEqual(pocket.map(t.card).sort());
    expect(memberIds(set, lent[0]!, 'institution')).toEqual(['P1', 'P2', 'P4']);
    const travelling = lent[0]!.evidence.find((e) => e.key === 'lending.travelling-cards')!;
    expect(evidenceText(travelling).en).toMatch(/^the same cards were also settled one right after the other at 2 other counters \(药店P2、药店P4\) on \d+ days/);
    // the sentence opens the visits at the other counters, each a run of the pocket's cards
    const away = travelling.claims!.map((i) => set.claims.institution[i]!);
    expect(new Set(away.map((g) => set.institutions.id[g]))).toEqual(new Set(['P2', 'P4']));
  });

  it('finds a night burst of swipes seconds apart', () => {
    const t = town(2);
    t.background();
    const cards = Array.from({ length: 12 }, (_, j) => 5 + j * 41);
    farm(t, cards, 'P2', [30, 44, 61, 75, 90, 101], 23, 25);
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectCardFarming(set, CARD_FARMING_DEFAULTS, k, kin);
    expect(rings.map((r) => memberIds(set, r, 'card'))).toEqual([cards.map(t.card).sort()]);
  });

  it('stays quiet for regulars on their clinic day, a family that shops together, and a dialysis shift', () => {
    const t = town(3);
    t.background();
    // Twenty chronic patients every Tuesday at C2, each at their habitual hour, checked in as often as
    // the clinic checks anybody.
    const regulars = Array.from({ length: 20 }, (_, j) => 100 + j * 13);
    for (let week = 0; week < 30; week++) {
      regulars.forEach((k, j) => t.claim({ at: t.at(1 + week * 7, 8 + ((j * 5 + week) % 9), (j * 17 + week * 7) % 60), inst: 'C2', card: t.card(k), doctor: 'DC2', served: (j + week) % 10 < 7 ? t.person(k) : undefined, items: ['REG', 'DRUG'], total: 80 }));
    }
    // A household buying together at P3 every week, one card after the other.
    for (let week = 0; week < 20; week++) for (const k of [300, 301, 302]) t.claim({ at: t.at(week * 7 + 3, 18, k - 300), kind: 'pharmacy', inst: 'P3', card: t.card(k), items: ['DRUG3'], total: 40 });
    // Twelve dialysis patients settled one after another at the start of their shift, three times a week.
    const dialysis = Array.from({ length: 12 }, (_, j) => 400 + j * 7);
    for (let week = 0; week < 25; week++) for (const day of [0, 2, 4]) dialysis.forEach((k, j) => t.claim({ at: t.at(week * 7 + day, 7, 30, j * 40), inst: 'H1', card: t.card(k), doctor: 'D1', items: ['DIAL'], total: 420, dx: 'N18.5' }));
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectCardFarming(set, CARD_FARMING_DEFAULTS, k, kin)).toEqual([]);
  });

  it('leaves swipes whose holders passed a face check to the recruited-patients detector', () => {
    const t = town(4);
    t.background();
    const cards = Array.from({ length: 10 }, (_, j) => 20 + j * 23);
    for (const d of [10, 20, 30, 40, 50]) cards.forEach((k, j) => t.claim({ at: t.at(d, 9, j), inst: 'C1', card: t.card(k), doctor: 'DC1', served: t.person(k), check: 'face', items: ['REG', 'PHYSIO'], total: 120 }));
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectCardFarming(set, CARD_FARMING_DEFAULTS, k, kin)).toEqual([]);
  });

  it('judges presence by a face-check shortfall the counter could show: a group checked as rarely as everyone is a group visit, a stack never checked is a farm', () => {
    const t = town(6);
    t.background();
    // A clinic that face-checks about one visit in ten and records the rest by real name.
    const rng = seededRandom(66);
    for (let v = 0; v < 900; v++) {
      const k = Math.floor(rng() * t.N);
      t.claim({ at: t.at(Math.floor(rng() * 360), 8 + Math.floor(rng() * 9), Math.floor(rng() * 60)), inst: 'CF', card: t.card(k), doctor: 'DCF', served: t.person(k), check: rng() < 0.1 ? 'face' : 'real_name', items: ['REG', 'DRUG'], total: 90 });
    }
    // Twenty villagers brought in together five times, five of their hundred visits face-checked: fewer
    // than the clinic's one in ten, but not so few that the holders must have been absent.
    const villagers = Array.from({ length: 20 }, (_, j) => 3 + j * 29);
    for (const d of [40, 95, 150, 210, 270]) villagers.forEach((k, j) => t.claim({ at: t.at(d, 9, Math.floor(rng() * 80)), inst: 'CF', card: t.card(k), doctor: 'DCF', served: t.person(k), check: (j * 7 + d) % 24 === 0 ? 'face' : 'real_name', items: ['REG', 'HBA1C', 'DRUG2'], total: 260 }));
    // A stack of sixteen cards swiped through by the clinic eight times, never once face-checked.
    const stack = Array.from({ length: 16 }, (_, j) => 11 + j * 31);
    for (const d of [20, 61, 102, 143, 184, 225, 266, 307]) stack.forEach((k, j) => t.claim({ at: t.at(d, 15, j * 3), inst: 'CF', card: t.card(k), doctor: 'DCF', served: t.person(k), check: 'real_name', items: ['REG', 'PHYSIO'], total: 150 }));
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectCardFarming(set, CARD_FARMING_DEFAULTS, k, kin);
    expect(rings.map((r) => memberIds(set, r, 'card'))).toEqual([stack.map(t.card).sort()]);
  });
});
