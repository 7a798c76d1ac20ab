import { describe, expect, it } from 'vitest';
import { RECRUITED_DEFAULTS, arrivedTogether, detectRecruitedPatients } from '../../../algorithms/detectors/recruited-patients.ts';
import { seededRandom } from '../../../algorithms/stats.ts';
import { evidenceText } from '../../../detection/evidence-text.ts';
import { context, memberIds } from './helpers.ts';
import { town } from './town.ts';

/**
 * Recruited patients: a group brought to one institution trip after trip, billed alike — arriving within
 * the hour, or spread over two days at a quiet clinic; and what must stay quiet — a school outbreak (one
 * trip), a nursing home (one address), a farm's cards already explained by card farming.
 */

const recruits = Array.from({ length: 14 }, (_, j) => 6 + j * 37);
const visit = (t: ReturnType<typeof town>, k: number, d: number, hh: number, mm: number, inst = 'C3', doctor = 'DC3') =>
  t.claim({ at: t.at(d, hh, mm), inst, card: t.card(k), doctor, served: t.person(k), items: ['REG', 'HBA1C', 'PHYSIO', 'DRUG2'], total: 388 + (k % 3) });

/** 挂床住院: each batch of `bus` admitted to H1 over five consecutive days from each trip day, five-day stays billed alike. */
const admitInBatches = (t: ReturnType<typeof town>, bus: number[], trips: number[], seed: number) => {
  const date = (d: number) => t.at(d).slice(0, 10);
  const rng = seededRandom(seed);
  for (const d of trips) {
    bus.forEach((k, j) => {
      const admit = d + Math.floor(rng() * 5);
      t.claim({ at: t.at(admit + 5, 10, j), kind: 'inpatient', inst: 'H1', card: t.card(k), doctor: 'D2', served: t.person(k), admit: date(admit), discharge: date(admit + 5), items: ['BED', 'HBA1C', 'DRUG2'], total: 2400 + (k % 3), dx: 'I63.9' });
    });
  }
};

/** One ring: every member of the group, and at most one honest patient who happened to come with them twice. */
const expectOneGroup = (t: ReturnType<typeof town>, group: number[]) => {
  const set = t.b.build();
  const { k, kin } = context(set);
  const rings = detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin);
  expect(rings).toHaveLength(1);
  const persons = memberIds(set, rings[0]!, 'person');
  expect(persons).toEqual(expect.arrayContaining(group.map(t.person)));
  expect(persons.length).toBeLessThanOrEqual(group.length + 1);
  return rings[0]!;
};

describe('recruited patients', () => {
  it('finds a group brought within the hour on five trips, with its members and doctor', () => {
    const t = town(11);
    t.background();
    for (const d of [20, 55, 90, 130, 170]) recruits.forEach((k, j) => visit(t, k, d, 9, j * 3));
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin);
    expect(rings).toHaveLength(1);
    // Every recruit, and at most one honest patient who happened to queue with them twice.
    const persons = memberIds(set, rings[0]!, 'person');
    expect(persons).toEqual(expect.arrayContaining(recruits.map(t.person)));
    expect(persons.length).toBeLessThanOrEqual(recruits.length + 1);
    expect(memberIds(set, rings[0]!, 'institution')).toEqual(['C3']);
    expect(memberIds(set, rings[0]!, 'doctor')).toEqual(['DC3']);
    expect(rings[0]!.evidence[0]!.key).toBe('recruited.trips');
    expect(evidenceText(rings[0]!.evidence[0]!).en).toMatch(/settled within \d+ minutes each time/);
    // Each sentence opens the claims it counts: the members' claims on the trips' days (the 70 trip visits among
    // them), and the group's claims for the package, the amounts and the identity checks.
    const ev = (key: string) => rings[0]!.evidence.find((e) => e.key === key)!;
    const holderOf = (i: number) => set.persons.id[set.cards.holder[set.claims.card[i]!]!]!;
    const tripClaims = ev('recruited.trips').claims!;
    expect(tripClaims.filter((i) => recruits.map(t.person).includes(holderOf(i))).length).toBeGreaterThanOrEqual(70);
    expect(tripClaims.every((i) => persons.includes(holderOf(i)))).toBe(true);
    const items = ev('recruited.similar-items');
    expect(items.claims).toHaveLength(Number(items.facts.claims));
    expect(rings[0]!.claims).toEqual(expect.arrayContaining(items.claims!));
    for (const key of ['recruited.similar-amounts', 'recruited.identity-checked']) expect(ev(key).claims).toEqual(items.claims);
  });

  it('finds a group whose trips are spread over two days, half the bus each day', () => {
    const t = town(12);
    t.background();
    for (const d of [30, 80, 140, 200]) recruits.forEach((k, j) => visit(t, k, d + (j % 2), 9, (j * 7 + d) % 40));
    expectOneGroup(t, recruits);
  });

  it('finds a group admitted over a working week, a few of them each day', () => {
    const t = town(13);
    t.background();
    // 挂床住院: 30 villagers, each batch admitted over five consecutive days, five-day stays billed alike.
    const bus = Array.from({ length: 30 }, (_, j) => 3 + j * 19);
    admitInBatches(t, bus, [30, 90, 150, 210, 270], 13);
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'institution')).toEqual(['H1']);
    // The whole bus: the admission sequence runs on across the days, so the staggered days still link them.
    expect(memberIds(set, rings[0]!, 'person')).toEqual(bus.map(t.person).sort());
    // Seen by how many were admitted, not by how tightly: the evidence quotes no minutes.
    const trips = rings[0]!.evidence[0]!;
    expect(trips.key).toBe('recruited.swamp');
    expect(evidenceText(trips).en).toMatch(/far more visits or admissions than the institution sees/);
    expect(evidenceText(trips).en).not.toMatch(/minutes/);
  });

  it('finds every member of a small group admitted three times to a ward over staggered days, however the days fall', () => {
    const t = town(17);
    t.background();
    // 挂床住院: 12 patients per batch admitted over five consecutive days, three batches: two patients share an
    // admission day in about one batch in five, so a day-by-day sequence links few pairs twice.
    const bus = Array.from({ length: 12 }, (_, j) => 5 + j * 41);
    admitInBatches(t, bus, [40, 120, 230], 17);
    expectOneGroup(t, bus);
  });

  it('finds the stragglers of a busload who came on the other days of each trip’s week, one by one', () => {
    const t = town(19);
    t.background();
    const rng = seededRandom(19);
    // Eight arrive together within the hour on each trip day; six more of the recruiter's come on the
    // next four days of that week, one or two a day (alone, or with one other), billed the same package.
    const bus = Array.from({ length: 8 }, (_, j) => 7 + j * 43);
    const stragglers = Array.from({ length: 6 }, (_, j) => 11 + j * 59);
    for (const d of [30, 100, 170, 240]) {
      bus.forEach((k, j) => visit(t, k, d, 9, j * 4));
      const days = [1, 2, 3, 4].sort(() => rng() - 0.5);
      stragglers.forEach((k, j) => visit(t, k, d + days[j % 4]!, 8 + j, Math.floor(rng() * 60)));
    }
    expectOneGroup(t, [...bus, ...stragglers]);
  });

  it('finds villagers brought in waves to a quiet clinic, each wave spread over four days, two or three a day', () => {
    const t = town(18);
    t.background();
    const rng = seededRandom(18);
    // Nine villagers, five waves: on any one day two or three of them, never the same ones together twice
    // running, so the pairs that meet on a day are few and the co-visit graph cuts the group apart.
    const villagers = Array.from({ length: 9 }, (_, j) => 5 + j * 61);
    for (const d of [40, 95, 150, 205, 260]) {
      for (const k of villagers) {
        t.claim({ at: t.at(d + Math.floor(rng() * 4), 8 + Math.floor(rng() * 3), Math.floor(rng() * 60)), inst: 'C3', card: t.card(k), doctor: 'DC3', served: t.person(k), items: ['REG', 'HBA1C', 'PHYSIO', 'DRUG2'], total: 430 + Math.round(rng() * 60), dx: 'E11.9' });
      }
    }
    const ring = expectOneGroup(t, villagers);
    // Seen by coinciding over days, the evidence says so; it quotes no minutes of a tight arrival.
    const trips = ring.evidence[0]!;
    expect(trips.key).toBe('recruited.coinciding');
    expect(evidenceText(trips).en).toMatch(/^9 patients came to .* on 5 trips .*same few days.*p≈1e-\d+\)$/);
    expect(evidenceText(trips).en).not.toMatch(/minutes/);
    expect(evidenceText(trips).zh).toContain('同几天');
  });

  it('stays quiet for chronic patients of several doctors on their quarterly follow-ups in the same weeks', () => {
    const t = town(19);
    t.background();
    const rng = busyHospital(t, 190, 2000);
    // Prescriptions renewed every three months, so the hospital's chronic patients come back in the same
    // weeks of the year, each to their own doctor for their own condition, billed the registration fee.
    const chronic = Array.from({ length: 12 }, (_, j) => 7 + j * 47);
    const dx = ['I10', 'E11.9', 'J45.9', 'N40', 'M17.9', 'K21.9'];
    chronic.forEach((k, j) => {
      for (const d of [60, 150, 240, 330]) t.claim({ at: t.at(d + Math.floor(rng() * 4), 8 + Math.floor(rng() * 8), Math.floor(rng() * 60)), inst: 'H1', card: t.card(k), doctor: ['D1', 'D2', 'D3'][j % 3], served: t.person(k), items: ['REG'], total: 13.2, dx: dx[j % dx.length] });
    });
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin)).toEqual([]);
  });

  it('stays quiet for a specialist’s patients who meet because the specialist sits one day a week', () => {
    const t = town(23);
    t.b.doctor({ id: 'D4', name: '医生D4', institutionId: 'H1', department: '内分泌科' });
    t.background();
    const rng = busyHospital(t, 230, 3000);
    // The endocrinologist holds clinic on Wednesdays only; each session sees five of sixty diabetics,
    // every one billed the check-up (registration, HbA1c). Three of them are booked back every thirteen
    // weeks, so they meet on the same Wednesday each quarter: a hospital open every day would make that
    // rare, the doctor's one day a week makes it what booking does.
    const pool = Array.from({ length: 60 }, (_, j) => 5 + j * 9);
    const checkUp = (k: number, d: number, slot: number) => t.claim({ at: t.at(d, 8 + Math.floor(slot / 4), (slot % 4) * 15), inst: 'H1', card: t.card(k), doctor: 'D4', served: t.person(k), items: ['REG', 'HBA1C'], total: 93.5, dx: 'E11.9' });
    const booked = [pool[0]!, pool[1]!, pool[2]!];
    for (let d = 3; d < 360; d += 7) {
      const week = (d - 3) / 7;
      const today = week % 13 === 4 ? [...booked] : [];
      while (today.length < 5) {
        const k = pool[3 + Math.floor(rng() * (pool.length - 3))]!;
        if (!today.includes(k)) today.push(k);
      }
      // booked patients are seen first, one after another
      today.forEach((k, slot) => checkUp(k, d, slot));
    }
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin)).toEqual([]);
  });

  it('stays quiet for a clinic’s diabetics on their monthly clinic morning, each billed their own prescription', () => {
    const t = town(20);
    t.background();
    const rng = seededRandom(20);
    // Fifteen diabetics queue at C1 on the same morning every four weeks; the doctor checks HbA1c for some
    // of them each time (about two in five), the others get a refill of their own drug.
    const own = ['阿卡波糖片', '格列齐特缓释片', '西格列汀片', '达格列净片', '吡格列酮片'];
    own.forEach((name, j) => t.b.item({ id: `OWN${j}`, name, category: 'drug' }));
    const diabetics = Array.from({ length: 15 }, (_, j) => 9 + j * 39);
    for (let m = 0; m < 10; m++) {
      diabetics.forEach((k, j) => {
        const items = rng() < 0.4 ? ['REG', 'HBA1C'] : ['REG', `OWN${j % own.length}`];
        t.claim({ at: t.at(10 + m * 28, 9, j * 4), inst: 'C1', card: t.card(k), doctor: 'DC1', served: t.person(k), items, total: 40 + Math.round(rng() * 200), dx: 'E11.9' });
      });
    }
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin)).toEqual([]);
  });

  it('stays quiet for a school outbreak, a nursing home and a farm already explained', () => {
    const t = town(13);
    t.background();
    // A class with flu at the hospital within two days: one trip.
    const pupils = Array.from({ length: 25 }, (_, j) => 2 + j * 3);
    pupils.forEach((k, j) => t.claim({ at: t.at(40 + (j % 2), 9 + (j % 3), j * 2), inst: 'H1', card: t.card(k), doctor: 'D2', served: t.person(k), items: ['REG', 'DRUG3'], total: 60, dx: 'J11.1' }));
    // Nursing-home residents (one address) seen together every week.
    const residents = Array.from({ length: 10 }, (_, j) => 200 + j * 9);
    for (const r of residents) t.b.person({ id: t.person(r), address: '颐养院' });
    for (let week = 0; week < 20; week++) residents.forEach((k, j) => t.claim({ at: t.at(week * 7 + 2, 9, j * 4), inst: 'C1', card: t.card(k), doctor: 'DC1', served: t.person(k), items: ['REG', 'DRUG'], total: 70 }));
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin)).toEqual([]);

    // The same trips on cards a farm explains, settled with real-name records only, are the farm's; the
    // same trips face-checked are a recruited group whatever card farming thinks of the cards.
    for (const check of ['real_name', 'face'] as const) {
      const f = town(11);
      f.background();
      for (const d of [20, 55, 90, 130, 170]) recruits.forEach((k, j) => f.claim({ at: f.at(d, 9, j * 3), inst: 'C3', card: f.card(k), doctor: 'DC3', served: f.person(k), check, items: ['REG', 'HBA1C', 'PHYSIO', 'DRUG2'], total: 388 }));
      const farmSet = f.b.build();
      const fc = context(farmSet);
      const farmed = new Set(recruits.map((k) => farmSet.cards.id.indexOf(f.card(k))));
      expect(detectRecruitedPatients(farmSet, RECRUITED_DEFAULTS, fc.k, fc.kin, farmed)).toHaveLength(check === 'face' ? 1 : 0);
      expect(detectRecruitedPatients(farmSet, RECRUITED_DEFAULTS, fc.k, fc.kin)).toHaveLength(1);
    }
  });

  it('reports a group whose visits pass no identity check where the clinic checks most others as card farming: the holders were not there', () => {
    const t = town(11);
    t.background();
    // The same five trips, but none of the 70 settlements checked — the clinic face-checks about 70 % of the rest.
    for (const d of [20, 55, 90, 130, 170]) recruits.forEach((k, j) => t.claim({ at: t.at(d, 9, j * 3), inst: 'C3', card: t.card(k), doctor: 'DC3', check: 'none', items: ['REG', 'HBA1C', 'PHYSIO', 'DRUG2'], total: 388 + (k % 3) }));
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin);
    expect(rings.map((r) => r.family)).toEqual(['card-farming']);
    const ring = rings[0]!;
    expect(memberIds(set, ring, 'institution')).toEqual(['C3']);
    expect(ring.members.filter((m) => m.type === 'card').map((m) => set.cards.id[m.index]).sort()).toEqual(recruits.map(t.card).sort());
    expect(memberIds(set, ring, 'person')).toEqual(recruits.map(t.person).sort());
    expect(new Set(ring.members.map((m) => m.role))).toEqual(new Set(['farming-institution', 'farmed-card', 'card-holder']));
    const absent = ring.evidence.find((e) => e.key === 'farming.absent-holders')!;
    // the trips' settlements (and a member's own visit that fell on a trip day)
    expect(Number(absent.facts.claims)).toBeGreaterThanOrEqual(70);
    expect(Number(absent.facts.checkedPercent)).toBeLessThanOrEqual(10);
    expect(Number(absent.facts.institutionFacePercent)).toBeGreaterThan(50);
    expect(evidenceText(absent).en).toMatch(/the holders were not there/);
    // Checked as often as the clinic's other patients, the same trips are a recruited group.
    const u = town(11);
    u.background();
    for (const d of [20, 55, 90, 130, 170]) recruits.forEach((k, j) => visit(u, k, d, 9, j * 3));
    const honest = u.b.build();
    const hc = context(honest);
    expect(detectRecruitedPatients(honest, RECRUITED_DEFAULTS, hc.k, hc.kin).map((r) => r.family)).toEqual(['recruited-patients']);
  });

  /** The hospital on a busier year: `visits` more from everybody, at random days and hours. */
  const busyHospital = (t: ReturnType<typeof town>, seed: number, visits: number) => {
    const rng = seededRandom(seed);
    for (let v = 0; v < visits; v++) {
      const k = Math.floor(rng() * t.N);
      const items = rng() < 0.5 ? ['REG', 'DRUG'] : rng() < 0.5 ? ['REG', 'DRUG3', 'HBA1C'] : ['REG', 'DRUG2'];
      t.claim({ at: t.at(Math.floor(rng() * 360), 8 + Math.floor(rng() * 9), Math.floor(rng() * 60)), inst: 'H1', card: t.card(k), doctor: ['D1', 'D2', 'D3'][v % 3], served: t.person(k), items, total: 60 + Math.round(rng() * 200) });
    }
    return rng;
  };

  /** A busy ward at H1: `stays` ordinary stays over the year, of every length and price. */
  const busyWard = (t: ReturnType<typeof town>, seed: number, stays: number) => {
    const rng = seededRandom(seed);
    const date = (d: number) => t.at(d).slice(0, 10);
    for (let v = 0; v < stays; v++) {
      const k = Math.floor(rng() * t.N);
      const admit = Math.floor(rng() * 350);
      const los = 2 + Math.floor(rng() * 9);
      t.claim({ at: t.at(admit + los, 10, v % 60), kind: 'inpatient', inst: 'H1', card: t.card(k), doctor: ['D1', 'D2', 'D3'][v % 3], served: t.person(k), admit: date(admit), discharge: date(admit + los), items: rng() < 0.5 ? ['BED', 'DRUG'] : ['BED', 'DRUG3'], total: los * (200 + Math.round(rng() * 400)), dx: rng() < 0.5 ? 'I63.9' : 'J18.9' });
    }
    return rng;
  };

  it('finds a group spread over three days at a hospital with eight visits a day, every one of them billed one package', () => {
    const t = town(14);
    t.background();
    const rng = busyHospital(t, 140, 2000);
    const bus = Array.from({ length: 20 }, (_, j) => 4 + j * 29);
    // Five trips; each recruit comes on one of three days, at any hour: no day is tight or crowded.
    for (const d of [25, 90, 150, 215, 290]) bus.forEach((k) => visit(t, k, d + Math.floor(rng() * 3), 8 + Math.floor(rng() * 8), Math.floor(rng() * 60), 'H1', 'D1'));
    expectOneGroup(t, bus);
  });

  it('finds a group admitted over three days to a busy ward, stays of three to six days billed at one price per day', () => {
    const t = town(16);
    t.background();
    // A busy ward: 1,500 ordinary stays over the year, of every length and price.
    const rng = busyWard(t, 160, 1500);
    const date = (d: number) => t.at(d).slice(0, 10);
    // 挂床住院 in five waves, each member admitted on one of three days and kept three to six days: the
    // package's price is per day, so the bills differ by the length of stay.
    const bus = Array.from({ length: 20 }, (_, j) => 4 + j * 29);
    for (const d of [25, 90, 150, 215, 290])
      bus.forEach((k, j) => {
        const admit = d + Math.floor(rng() * 3);
        const los = 3 + Math.floor(rng() * 4);
        t.claim({ at: t.at(admit + los, 10, j), kind: 'inpatient', inst: 'H1', card: t.card(k), doctor: 'D2', served: t.person(k), admit: date(admit), discharge: date(admit + los), items: ['BED', 'HBA1C', 'DRUG2'], total: 480 * los, dx: 'I63.9' });
      });
    expectOneGroup(t, bus);
  });

  it('finds a group admitted in waves over four days to a busy ward, whose community’s regulars come just after each wave', () => {
    const t = town(24);
    t.background();
    busyWard(t, 240, 2000);
    const date = (d: number) => t.at(d).slice(0, 10);
    // 挂床住院: eight patients, four waves, two admitted on each of four days, six-day stays billed alike.
    // Three neighbours of theirs come to the outpatient clinic two days after each wave's last admission,
    // so the community's busiest five days may start a day late and cut the wave's first day off.
    const bus = Array.from({ length: 8 }, (_, j) => 4 + j * 29);
    const neighbours = [13, 71, 131];
    for (const d of [40, 120, 200, 280]) {
      bus.forEach((k, j) => {
        const admit = d + (j % 4);
        t.claim({ at: t.at(admit + 6, 10, j), kind: 'inpatient', inst: 'H1', card: t.card(k), doctor: 'D2', served: t.person(k), admit: date(admit), discharge: date(admit + 6), items: ['BED', 'HBA1C', 'DRUG2'], total: 2880 + (k % 3), dx: 'I63.9' });
      });
      neighbours.forEach((k, j) => t.claim({ at: t.at(d + 5, 9, 10 * j), inst: 'H1', card: t.card(k), doctor: 'D1', served: t.person(k), items: ['REG', 'DRUG'], total: 60 + j }));
    }
    const set = t.b.build();
    const { k, kin } = context(set);
    const rings = detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin);
    expect(rings).toHaveLength(1);
    expect(memberIds(set, rings[0]!, 'person')).toEqual(expect.arrayContaining(bus.map(t.person)));
  });

  it('finds a group admitted together to a township clinic that bills every inpatient its one package: nothing can stand out but the arrivals', () => {
    const t = town(21);
    t.background();
    const rng = seededRandom(210);
    const date = (d: number) => t.at(d).slice(0, 10);
    // A township clinic's ward: 300 ordinary stays over the year, every one billed the clinic's package.
    for (let v = 0; v < 300; v++) {
      const k = Math.floor(rng() * t.N);
      const admit = Math.floor(rng() * 350);
      const los = 3 + Math.floor(rng() * 3);
      t.claim({ at: t.at(admit + los, 10, v % 60), kind: 'inpatient', inst: 'C1', card: t.card(k), doctor: 'DC1', served: t.person(k), admit: date(admit), discharge: date(admit + los), items: ['BED', 'DRUG'], total: 300 * los, dx: 'I63.9' });
    }
    // 挂床住院: eight patients admitted over two days, three times, billed the same package.
    const bus = Array.from({ length: 8 }, (_, j) => 9 + j * 53);
    for (const d of [60, 140, 250])
      bus.forEach((k, j) => {
        const admit = d + (j % 2);
        t.claim({ at: t.at(admit + 4, 10, j), kind: 'inpatient', inst: 'C1', card: t.card(k), doctor: 'DC1', served: t.person(k), admit: date(admit), discharge: date(admit + 4), items: ['BED', 'DRUG'], total: 1200, dx: 'I63.9' });
      });
    const set = t.b.build();
    const { k, kin } = context(set);
    const atClinic = detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin).filter((r) => memberIds(set, r, 'institution').includes('C1'));
    // the group, and none of the ward's ordinary patients (they are billed the same package)
    expect(atClinic.map((r) => memberIds(set, r, 'person'))).toEqual([bus.map(t.person).sort()]);
    const items = evidenceText(atClinic[0]!.evidence.find((e) => e.key === 'recruited.similar-items')!);
    expect(items.en).toMatch(/against 9\d\.\d% of the institution's other patients/);
  });

  it('stays quiet for women due in the same weeks, back for the same antenatal tests together', () => {
    const t = town(15);
    t.background();
    const rng = busyHospital(t, 150, 2000);
    const women = Array.from({ length: 14 }, (_, j) => 1 + j * 42).filter((k) => k % 3 === 1);
    for (const k of women) {
      for (const d of [20, 48, 76, 104, 132, 146, 160]) t.claim({ at: t.at(d + Math.floor(rng() * 3), 8 + Math.floor(rng() * 8), Math.floor(rng() * 60)), inst: 'H1', card: t.card(k), doctor: 'D3', served: t.person(k), items: ['REG', 'HBA1C'], total: 52, dx: 'Z34.9' });
    }
    expect(women.length).toBeGreaterThanOrEqual(4);
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin)).toEqual([]);
  });

  it('stays quiet for one doctor’s patients on the same three-month course, each coming every third day on their own', () => {
    const t = town(17);
    t.background();
    const rng = seededRandom(17);
    // 14 patients start within a week of each other and come every 3 days for three months, at any hour,
    // for what their visit needs: any three days hold all of them, which a whole year's pace would call a
    // swamp of the clinic.
    recruits.forEach((k) => {
      for (let d = 100 + Math.floor(rng() * 6); d < 190; d += 3) {
        const items = [['REG', 'PHYSIO'], ['REG', 'DRUG2'], ['REG', 'HBA1C', 'DRUG2'], ['REG', 'PHYSIO', 'DRUG2']][Math.floor(rng() * 4)]!;
        t.claim({ at: t.at(d, 8 + Math.floor(rng() * 9), Math.floor(rng() * 60)), inst: 'C3', card: t.card(k), doctor: 'DC3', served: t.person(k), items, total: 60 + Math.floor(rng() * 200) });
      }
    });
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin)).toEqual([]);
  });

  it('counts trips that arrived together only beyond chance among all the trips looked at', () => {
    // each trip is compact by chance at most 1 % of the time: two of two (or of five) are a pattern, two of
    // twenty are what a group of patients on overlapping multi-day courses shows anyway
    expect(arrivedTogether(2, 2, RECRUITED_DEFAULTS)).toBe(true);
    expect(arrivedTogether(2, 5, RECRUITED_DEFAULTS)).toBe(true);
    expect(arrivedTogether(2, 20, RECRUITED_DEFAULTS)).toBe(false);
    expect(arrivedTogether(3, 20, RECRUITED_DEFAULTS)).toBe(true);
    expect(arrivedTogether(1, 1, RECRUITED_DEFAULTS)).toBe(false);
  });

  it('stays quiet for one doctor’s patients billed one package every few days for three months: over-treatment, not a group', () => {
    const t = town(19);
    t.background();
    const rng = seededRandom(19);
    // 14 patients of DC3, each coming every 4–5 days from about day 100 to 200 on their own, every visit
    // billed the same package: any five days hold nearly all of them because of their pace, not a trip.
    recruits.forEach((k) => {
      for (let d = 100 + Math.floor(rng() * 4); d < 200; d += 4 + Math.floor(rng() * 2)) visit(t, k, d, 8 + Math.floor(rng() * 9), Math.floor(rng() * 60));
    });
    const set = t.b.build();
    const { k, kin } = context(set);
    expect(detectRecruitedPatients(set, RECRUITED_DEFAULTS, k, kin)).toEqual([]);
  });
});
