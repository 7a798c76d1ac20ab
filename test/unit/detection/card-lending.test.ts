import { describe, expect, it } from 'vitest';
import { CARD_LENDING_DEFAULTS, detectCardLending } from '../../../algorithms/detectors/card-lending.ts';
import { context, memberIds } from './helpers.ts';
import { town } from './town.ts';

/**
 * Card lending: users recorded on the cards of unrelated households; one holder's two cards as one
 * holder; cards presented together at a counter that records nobody, with items that contradict their
 * holders; and what must stay quiet — 家庭共济 for relatives in another household, a parent buying a
 * child's syrup.
 */

describe('card lending', () => {
  it('groups the cards of unrelated households through the users recorded on them', () => {
    const t = town(21);
    t.background();
    const users = [500, 503];
    const lent = [10, 40, 70, 100, 130, 160, 190, 220];
    lent.forEach((k, j) => {
      for (let v = 0; v < 4; v++) t.claim({ at: t.at(20 + v * 15 + j, 15, j), kind: 'pharmacy', inst: 'P3', card: t.card(k), served: t.person(users[(j + v) % 2]!), items: ['DRUG2'], total: 150 });
    });
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'card')).toEqual(lent.map(t.card).sort());
    expect(memberIds(set, rings[0]!, 'person')).toEqual([...lent, ...users].map(t.person).sort());
    expect(memberIds(set, rings[0]!, 'institution')).toEqual(['P3']);
  });

  it('keeps two rings apart that share one lent holder, and joins users of one counter who share none', () => {
    const t = town(26);
    t.background();
    // Two brokers' rings at two counters; holder 10 sold their card to both.
    const ringA = { users: [500, 503], lent: [10, 40, 70, 100], inst: 'P3' };
    const ringB = { users: [506, 509], lent: [10, 130, 160, 190], inst: 'P4' };
    // A third ring's three users each work two holders of their own, all at one clinic counter.
    const ringC = { users: [513, 516, 519], lent: [[400, 430], [280, 310], [370, 490]], inst: 'C2' };
    for (const r of [ringA, ringB])
      r.lent.forEach((k, j) => {
        for (let v = 0; v < 4; v++) t.claim({ at: t.at(20 + v * 15 + j, 15, j), kind: 'pharmacy', inst: r.inst, card: t.card(k), served: t.person(r.users[(j + v) % 2]!), items: ['DRUG2'], total: 150 });
      });
    ringC.users.forEach((u, x) =>
      ringC.lent[x]!.forEach((k, j) => {
        for (let v = 0; v < 4; v++) t.claim({ at: t.at(25 + v * 20 + x * 3 + j, 9, j), inst: ringC.inst, card: t.card(k), served: t.person(u), items: ['REG', 'DRUG2'], total: 160 });
      }),
    );
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin).map((r) => memberIds(set, r, 'card'));
    expect(rings).toHaveLength(3);
    expect(rings).toContainEqual(ringA.lent.map(t.card).sort());
    expect(rings).toContainEqual(ringB.lent.map(t.card).sort());
    expect(rings).toContainEqual(ringC.lent.flat().map(t.card).sort());
  });

  it('keeps two rings apart that each stand on their own and share one counter', () => {
    const t = town(28);
    t.background();
    const ringA = { users: [500, 503], lent: [10, 40, 70, 100], inst: 'P3' };
    const ringB = { users: [506, 509], lent: [130, 160, 190, 220], inst: 'P4' };
    for (const r of [ringA, ringB])
      r.lent.forEach((k, j) => {
        for (let v = 0; v < 4; v++) t.claim({ at: t.at(20 + v * 15 + j, 15, j), kind: 'pharmacy', inst: r.inst, card: t.card(k), served: t.person(r.users[(j + v) % 2]!), items: ['DRUG2'], total: 150 });
        // both rings also see the doctor at the same clinic now and then
        t.claim({ at: t.at(90 + j, 9, j), inst: 'C1', card: t.card(k), doctor: 'DC1', served: t.person(r.users[j % 2]!), items: ['REG', 'DRUG2'], total: 160 });
      });
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin).map((r) => memberIds(set, r, 'card'));
    expect(rings).toHaveLength(2);
    expect(rings).toContainEqual(ringA.lent.map(t.card).sort());
    expect(rings).toContainEqual(ringB.lent.map(t.card).sort());
  });

  it("counts one holder's card and e-voucher, lent to two users, as one ring", () => {
    const t = town(22);
    t.background();
    const holders = [12, 42, 72, 102, 132, 162];
    // Two users from out of town, with surnames nobody in town has: no holder passes for their relative.
    const users = ['U1', 'U2'];
    users.forEach((id, j) => t.b.person({ id, name: j ? '司马亮' : '欧阳明', gender: 'M', birthDate: '1980-05-05', householdId: `HHU${j}`, address: `外地${j}`, region: '440100' }));
    holders.forEach((k, j) => {
      for (let v = 0; v < 3; v++) {
        t.claim({ at: t.at(30 + v * 20 + j, 10, j), kind: 'pharmacy', inst: 'P4', card: t.card(k), served: 'U1', items: ['DRUG'], total: 90 });
        t.claim({ at: t.at(31 + v * 20 + j, 16, j), kind: 'pharmacy', inst: 'P4', card: t.ev(k), served: 'U2', items: ['DRUG'], total: 90 });
      }
    });
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'card')).toEqual([...holders.map(t.card), ...holders.map(t.ev)].sort());
  });

  it('takes in cards whose holders pass for a ring user’s relatives by surname and age only', () => {
    const t = town(24);
    t.background();
    const users = ['U1', 'U2'];
    users.forEach((id, j) => t.b.person({ id, name: j ? '司马亮' : '欧阳明', gender: 'M', birthDate: '1980-05-05', householdId: `HHU${j}`, address: `外地${j}`, region: '440100' }));
    // Holders from another household of the users' city who share the first user's compound surname and
    // are a generation older: by name and age his parents, by the registry nobody of his.
    const namesakes = ['K0', 'K1'];
    namesakes.forEach((id, j) => {
      t.b.person({ id, name: j ? '欧阳华' : '欧阳英', gender: j ? 'M' : 'F', birthDate: '1950-03-03', householdId: `HHK${j}`, address: `越秀路${j}号`, region: '440100' });
      t.b.card({ id: `CK${j}`, holderId: id });
    });
    const holders = [12, 42, 72, 102, 132];
    const lent = [...holders.map(t.card), 'CK0', 'CK1'];
    // the namesakes' cards are used by their supposed son only
    lent.forEach((card, j) => {
      for (let v = 0; v < 3; v++) t.claim({ at: t.at(30 + v * 20 + j, 10, j), kind: 'pharmacy', inst: 'P4', card, served: card.startsWith('CK') ? 'U1' : users[(j + v) % 2]!, items: ['DRUG'], total: 90 });
    });
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(kin.relation(set.persons.id.indexOf('K0'), set.persons.id.indexOf('U1'))).toBe('relative');
    const rings = detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'card')).toEqual([...lent].sort());
    expect(rings[0]!.evidence.map((e) => e.key)).toContain('lending.kin-by-name-only');
  });

  it('takes in the other card of a lending holder when it carries a signal of its own', () => {
    const t = town(27);
    t.background();
    const users = ['U1', 'U2'];
    users.forEach((id, j) => t.b.person({ id, name: j ? '司马亮' : '欧阳明', gender: 'M', birthDate: '1980-05-05', householdId: `HHU${j}`, address: `外地${j}`, region: '440100' }));
    // Fathers of households whose children are grown: a child's syrup on their card fits nobody at home.
    const holders = [0, 12, 15, 36, 39].map((hh) => hh * 3);
    holders.forEach((k, j) => {
      for (let v = 0; v < 3; v++) t.claim({ at: t.at(30 + v * 20 + j, 10, j), kind: 'pharmacy', inst: 'P4', card: t.card(k), served: users[(j + v) % 2]!, items: ['DRUG'], total: 90 });
    });
    // The first holder's e-voucher is used at the same counter, nobody recorded, for the syrup.
    for (let v = 0; v < 2; v++) t.claim({ at: t.at(40 + v * 30, 15, v), kind: 'pharmacy', inst: 'P4', card: t.ev(holders[0]!), items: ['KID'], total: 30 });
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'card')).toEqual([...holders.map(t.card), t.ev(holders[0]!)].sort());
  });

  it('finds cards presented together at a counter that records nobody, billed for someone else', () => {
    const t = town(23);
    t.background();
    // Fathers' cards of unrelated households whose children are teenagers, used by one person a few per
    // visit at P1, for a child's syrup nobody in those households can take.
    const lent = [0, 3, 4, 5, 12, 15, 36, 39, 42].map((hh) => hh * 3);
    for (let visit = 0; visit < 30; visit++) {
      const picks = [lent[visit % 9]!, lent[(visit + 4) % 9]!, lent[(visit + 7) % 9]!];
      picks.forEach((k, j) => t.claim({ at: t.at(15 + visit * 7, 11, 0, j * 90), kind: 'pharmacy', inst: 'P1', card: t.card(k), items: ['KID'], total: 120 }));
    }
    const set = t.b.build();
    const { k, kin } = context(set);
    // The users' habits may cut the cards into two rings at the counter; together they hold every lent
    // card and at most a few of the counter's honest regulars.
    const found = detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin).flatMap((r) => memberIds(set, r, 'card'));
    expect(found).toEqual(expect.arrayContaining(lent.map(t.card)));
    expect(found.length).toBeLessThanOrEqual(lent.length + 3);
  });

  it('reads a pregnancy on a man’s card as someone else’s care, unless a woman of his household can be pregnant', () => {
    // Fathers' cards presented a few per visit at P1 (which records nobody) for ordinary drugs under a
    // pregnancy diagnosis (Z34.9, 正常妊娠监督). Nothing billed is restricted by sex or age: only the
    // diagnosis says whose care it was.
    const plant = (households: number[]) => {
      const t = town(23);
      t.background();
      // The town's pregnant women (mothers of 39–45) buy their drugs under the same diagnosis all year.
      const expecting = Array.from({ length: 200 }, (_, hh) => hh).filter((hh) => hh % 30 >= 24).map((hh) => hh * 3 + 1);
      expecting.forEach((k, j) => {
        for (let v = 0; v < 3; v++) t.claim({ at: t.at((j * 11 + v * 70) % 360, 16, j % 60), kind: 'pharmacy', inst: ['P1', 'P2', 'P3', 'P4'][(j + v) % 4]!, card: t.card(k), dx: 'Z34.9', items: ['DRUG3'], total: 60 });
      });
      const lent = households.map((hh) => hh * 3);
      for (let visit = 0; visit < 30; visit++) {
        const picks = [lent[visit % 9]!, lent[(visit + 4) % 9]!, lent[(visit + 7) % 9]!];
        picks.forEach((k, j) => t.claim({ at: t.at(15 + visit * 7, 11, 0, j * 90), kind: 'pharmacy', inst: 'P1', card: t.card(k), dx: 'Z34.9', items: ['DRUG3'], total: 120 }));
      }
      const set = t.b.build();
      const { k, kin } = context(set);
      return { lent: lent.map(t.card), found: detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin).flatMap((r) => memberIds(set, r, 'card')) };
    };
    // Households whose mother is over 64 and whose child is a boy: nobody at home fits the diagnosis.
    const strangers = plant([0, 2, 30, 32, 60, 62, 90, 92, 120]);
    expect(strangers.found).toEqual(expect.arrayContaining(strangers.lent));
    expect(strangers.found.length).toBeLessThanOrEqual(strangers.lent.length + 3);
    // Households whose mother is 40–50: the pregnancy may be hers (家庭共济), so it says nothing.
    expect(plant([16, 18, 20, 46, 48, 50, 76, 78, 80]).found).toEqual([]);
  });

  it('leaves a doctor who bills a child’s syrup once to each of 20 adults to code mismatch, where the clinic records nobody', () => {
    const t = town(25);
    t.background();
    // Fathers of households without a young child (2005 + hh % 12 < 2012), each once at C2 with DC2, who
    // writes the child's syrup on every one of them: the doctor's coding, not 20 lent cards.
    const adults = Array.from({ length: 200 }, (_, hh) => hh).filter((hh) => hh % 12 < 7 && hh % 3 === 1).slice(0, 20).map((hh) => hh * 3);
    expect(adults).toHaveLength(20);
    adults.forEach((k, j) => t.claim({ at: t.at(10 + j * 15, 10, j), inst: 'C2', card: t.card(k), doctor: 'DC2', items: ['REG', 'KID'], total: 45 }));
    // The syrup is common: parents of young children buy it all year (so it rarely contradicts its card).
    const parents = Array.from({ length: 200 }, (_, hh) => hh).filter((hh) => hh % 12 >= 7).map((hh) => hh * 3);
    for (let v = 0; v < 400; v++) t.claim({ at: t.at(v % 360, 18, v % 60), kind: 'pharmacy', inst: ['P1', 'P2'][v % 2]!, card: t.card(parents[v % parents.length]!), items: ['KID'], total: 25 });
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin)).toEqual([]);
  });

  it('stays quiet for 家庭共济 across households and for parents buying their children medicine', () => {
    const t = town(24);
    t.background();
    // A daughter who lives elsewhere (her own household) buys for her father and his wife on their cards,
    // recorded at the pharmacy; she shares her father's surname and is a generation younger.
    for (const [daughter, parents] of [[520, [9, 10]], [523, [39, 40]], [526, [69, 70]]] as const) {
      t.b.person({ id: t.person(daughter), name: t.b.build().persons.name[t.b.build().persons.id.indexOf(t.person(parents[0]))]!.slice(0, 1) + '女', birthDate: '1988-03-03', householdId: `HHD${daughter}`, address: `新村${daughter}号` });
      for (let v = 0; v < 6; v++) for (const p of parents) t.claim({ at: t.at(10 + v * 30, 17, p % 60), kind: 'pharmacy', inst: 'P3', card: t.card(p), served: t.person(daughter), items: ['DRUG2'], total: 80 });
    }
    // Parents of young children buying the children's syrup on their own cards at a counter that records
    // nobody (households whose child was born in 2012 or later).
    const parents = Array.from({ length: 200 }, (_, hh) => hh).filter((hh) => 2005 + (hh % 12) >= 2012).slice(0, 30).map((hh) => hh * 3);
    parents.forEach((k, j) => t.claim({ at: t.at(5 + j * 7, 18, 0), kind: 'pharmacy', inst: 'P2', card: t.card(k), items: ['KID'], total: 25 }));
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectCardLending(set, CARD_LENDING_DEFAULTS, k, kin)).toEqual([]);
  });
});
