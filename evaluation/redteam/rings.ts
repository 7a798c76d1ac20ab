/**
 * Planted fraud rings: eight families, several variants each. Each ring lists only its fraudulent
 * settlements; its members keep making honest claims all year (camouflage).
 */
import { dx, item } from './catalog.ts';
import type { Config, Family } from './config.ts';
import type { LineSpec } from './ledger.ts';
import { Rng } from './rng.ts';
import { timeOfDay } from './sched.ts';
import { DAY, DAYS, HOUR, MIN, dow, mday, month } from './time.ts';
import type { Ctx } from './honest.ts';
import { DEPTS, addStay, at, consultItem, doctorsIn, hasDept, lines, losFor, otcBasket, pickDoctor, regimenOf, stayLines } from './honest.ts';
import type { Planted } from './lookalikes.ts';
import { Group, freePersons, pickInst } from './truth.ts';
import type { Institution, Person } from './world.ts';
import { C, km } from './world.ts';

export const PREFIX: Record<Family, string> = {
  'card-lending': 'CL',
  'card-farming': 'CF',
  kickback: 'KB',
  'recruited-patients': 'RP',
  'split-hospitalization': 'SH',
  'over-treatment': 'OT',
  'trace-code-reuse': 'TR',
  'code-mismatch': 'CM',
};

export const VARIANTS: Record<Family, { default: string[]; hard: string[] }> = {
  'card-farming': { default: ['slow-weekly', 'night-burst', 'irregular-days', 'month-end-sweep', 'clinic-slow'], hard: ['slow-weekly', 'slow-night', 'irregular-days', 'month-end-sweep', 'clinic-slow'] },
  'card-lending': { default: ['unrecorded-pharmacy+inpatient', 'clinic-recorded', 'dual-card+out-of-town', 'one-user-many-cards'], hard: ['unrecorded-pharmacy+inpatient', 'clinic-recorded', 'dual-card+out-of-town', 'one-user-many-cards'] },
  kickback: { default: ['seen-first', 'two-hospitals', 'ghost-patients', 'three-doctors'], hard: ['seen-first', 'two-hospitals', 'seen-first-sparse', 'three-doctors'] },
  'recruited-patients': { default: ['outpatient-same-day', 'bed-hanging', 'outpatient-spread', 'bed-hanging-spread'], hard: ['outpatient-spread', 'bed-hanging-spread', 'outpatient-spread', 'bed-hanging-spread'] },
  'split-hospitalization': { default: ['two-way', 'three-way', 'department-wide'], hard: ['two-way', 'three-way', 'department-wide'] },
  'over-treatment': { default: ['hba1c', 'imaging', 'infusion', 'physiotherapy', 'prolonged-stay'], hard: ['hba1c', 'imaging', 'infusion', 'physiotherapy', 'prolonged-stay'] },
  'trace-code-reuse': { default: ['pair', 'triangle', 'cross-region-chain'], hard: ['pair', 'triangle', 'cross-region-chain'] },
  'code-mismatch': { default: ['level', 'gender', 'age'], hard: ['level', 'gender', 'age'] },
};

export interface RingPlant extends Planted {
  family: Family;
  strength: number;
}

const FARM_PACKAGES: Array<{ dx: string; lines: Array<[string, number]> }> = [
  { dx: 'oa_knee', lines: [['glucosamine', 2], ['xuesaitong', 1]] },
  { dx: 'chd', lines: [['naoxintong', 2], ['calcium_d3', 1]] },
  { dx: 'cerebral_insuff', lines: [['danshen_pill', 3], ['ginkgo_tab', 2]] },
  { dx: 'oa_knee', lines: [['celecoxib', 2], ['glucosamine', 1], ['mecobalamin', 1]] },
  { dx: 'htn', lines: [['amlodipine', 2], ['atorvastatin', 2], ['danshen_pill', 1]] },
  { dx: 't2dm_neuro', lines: [['epalrestat', 2], ['mecobalamin', 2]] },
];

const KB_DEPTS: Array<{ dept: string; dx: string; hm: string[]; plain: string[] }> = [
  { dept: '心血管内科', dx: 'chd', hm: ['naoxintong', 'xuesaitong', 'danshen_pill', 'ginkgo_tab'], plain: ['aspirin', 'atorvastatin', 'amlodipine'] },
  { dept: '神经内科', dx: 'cerebral_insuff', hm: ['naoxintong', 'ginkgo_tab', 'xuesaitong', 'mecobalamin'], plain: ['aspirin', 'atorvastatin'] },
  { dept: '内分泌科', dx: 't2dm_neuro', hm: ['epalrestat', 'mecobalamin', 'calcitriol'], plain: ['metformin', 'acarbose'] },
  { dept: '骨科', dx: 'oa_knee', hm: ['glucosamine', 'calcitriol', 'xuesaitong'], plain: ['celecoxib', 'calcium_d3'] },
  { dept: '中医内科', dx: 'cerebral_insuff', hm: ['naoxintong', 'xuesaitong', 'danshen_pill'], plain: ['ginkgo_tab'] },
  { dept: '内科', dx: 'chd', hm: ['naoxintong', 'xuesaitong', 'ginkgo_tab'], plain: ['aspirin', 'amlodipine'] },
];

function windowOf(rng: Rng, minLen: number, maxLen: number): [number, number] {
  const len = rng.int(minLen, maxLen);
  const start = rng.int(0, Math.max(0, DAYS - 1 - len));
  return [start, Math.min(DAYS - 1, start + len)];
}

export function planRings(ctx: Ctx, cfg: Config, seed: number): RingPlant[] {
  const { w, L } = ctx;
  const rng = new Rng(seed, 'rings');
  const H = cfg.hard;
  const strength = H ? 0.5 : 0.8;
  const regions = w.regions.length;
  const out: RingPlant[] = [];
  const farmHolders = new Map<number, Person[]>();

  const use = (i: Institution) => {
    i.ringUsed = true;
    return i;
  };
  const take = (ps: Person[]) => {
    for (const p of ps) p.reserved = 1;
    return ps;
  };
  const local = (r: number) => (p: Person) => p.region === r && p.lives === r;

  // ================================================================ card farming
  for (let k = 0; k < cfg.rings['card-farming']; k++) {
    const variant = VARIANTS['card-farming'][cfg.profile][k % 5]!;
    const r = k % regions;
    const R = rng.fork('cf' + k);
    const clinic = variant === 'clinic-slow';
    const night = variant === 'night-burst' || variant === 'slow-night';
    const inst = use(clinic ? pickInst(w, R, r, (i) => i.kind === 'clinic' && i.tags.has('private-clinic')) : pickInst(w, R, r, (i) => i.tags.has('retail') && i.size < 6));
    if (!clinic) inst.idRate = 0;
    else {
      inst.idRate = R.chance(0.5) ? 0 : 0.6;
      inst.faceShare = 0;
    }
    if (night) {
      inst.h24 = true;
      inst.open = 0;
      inst.close = 86400;
    }
    const n = R.int(15, 40);
    const anchor = R.chance(0.6) ? inst.district.code : R.pick(w.regions[r]!.districts).code;
    const pool = freePersons(w, R, (p) => local(r)(p) && p.age >= 18 && w.households[p.household]!.district.code === anchor);
    pool.sort((a, b) => (b.age >= 50 ? 1 : 0) - (a.age >= 50 ? 1 : 0));
    const older = pool.filter((p) => p.age >= 50);
    const younger = pool.filter((p) => p.age < 50);
    let holders: Person[] = [...R.sample(older, Math.round(n * 0.72)), ...R.sample(younger, n)].slice(0, n);
    if (holders.length < n) holders.push(...freePersons(w, R, (p) => local(r)(p) && p.age >= 18).slice(0, n - holders.length));
    const prev = farmHolders.get(r);
    if (prev && prev.length) holders = [...R.sample(prev, Math.max(1, Math.round(n * R.float(0.1, 0.2)))), ...holders].slice(0, n);
    take(holders);
    farmHolders.set(r, [...(farmHolders.get(r) ?? []), ...holders]);
    const cards = holders.map((p) => (p.ev >= 0 && R.chance(H ? 0.2 : 0.12) ? p.ev : p.physical));
    const [start, end] = windowOf(R, H ? 150 : 110, H ? 240 : 200);
    const days: number[] = [];
    if (variant === 'slow-weekly') {
      const wd = R.int(1, 6);
      for (let d = start; d <= end; d++) if (dow[d] === wd && !R.chance(0.15)) days.push(d);
    } else if (variant === 'irregular-days') {
      for (let b = start; b <= end; b += 30) {
        const m = R.int(2, 5);
        for (let j = 0; j < m; j++) {
          const d = Math.min(end, b + R.int(0, 29));
          if (dow[d] !== 0 && !days.includes(d)) days.push(d);
        }
      }
      days.sort((a, b) => a - b);
    } else if (night) {
      for (let d = start; d <= end && d < DAYS - 1; d += R.int(5, 12)) days.push(d);
    } else if (variant === 'month-end-sweep') {
      let lastM = -1;
      let taken = 0;
      for (let d = start; d <= end; d++) {
        if (month[d] !== lastM) {
          lastM = month[d]!;
          taken = 0;
        }
        if (mday[d]! >= 26 && taken < 2 && R.chance(0.35)) {
          days.push(d);
          taken++;
        }
      }
    } else {
      for (let d = start; d <= end; d++) if ((dow[d] === 2 || dow[d] === 5) && !R.chance(0.3)) days.push(d);
    }
    const pkgs = R.sample(FARM_PACKAGES.filter((p) => (clinic ? true : p.dx !== 'htn')), H ? 2 : 1);
    const doc = clinic ? pickDoctor(w, inst.idx, ['全科', '中医科'], R) : -1;
    const g = new Group(w, 'card-farming');
    g.variant = variant;
    g.size = n;
    g.inst(inst.idx, 'farming-institution');
    holders.forEach((p, i) => {
      g.card(cards[i]!, 'farmed-card');
      g.person(p.idx, 'card-holder');
    });
    out.push({
      family: 'card-farming',
      strength,
      group: g,
      phase2: () => {
        for (const d of days) {
          const frac = H ? R.float(0.4, 0.7) : R.float(0.6, 0.95);
          const idxs = R.sample(holders.map((_, i) => i), Math.max(3, Math.round(frac * n)));
          let t: number;
          if (night) t = at(d, Math.round(R.float(22, 24.6) * HOUR));
          else if (variant === 'month-end-sweep') t = at(d, Math.round(R.float(10, 15) * HOUR));
          else t = at(d, Math.round(R.float(clinic ? 8.5 : 9, clinic ? 13.5 : 14.5) * HOUR));
          const closeT = night ? Infinity : d * DAY + inst.close - 600;
          for (const i of idxs) {
            if (t > closeT) break;
            const pkg = R.pick(pkgs);
            const ls: LineSpec[] = pkg.lines.map(([key, q]) => [item(key), q] as LineSpec);
            if (R.chance(H ? 0.5 : 0.2)) {
              const j = R.int(0, ls.length - 1);
              const l = ls[j]!;
              ls[j] = [l[0], Math.max(1, l[1] + (R.chance(0.5) ? 1 : -1))];
            }
            if (clinic) {
              const check = inst.idRate > 0 ? 'real_name' : 'none';
              g.claim(L.add({ t, kind: 'outpatient', inst: inst.idx, doctor: doc, holder: holders[i]!.idx, card: cards[i]!, served: holders[i]!.idx, check, dx: dx(pkg.dx), lines: [[item('consult_gp'), 1], ...ls] }));
            } else {
              g.claim(L.add({ t, kind: 'pharmacy', inst: inst.idx, holder: holders[i]!.idx, card: cards[i]!, check: 'none', dx: dx(pkg.dx), lines: ls }));
            }
            const gap = night
              ? variant === 'slow-night' ? R.int(2 * MIN, 6 * MIN) : R.int(20, 120)
              : variant === 'month-end-sweep' ? (H ? R.int(4 * MIN, 12 * MIN) : R.int(90, 5 * MIN)) : H ? R.int(5 * MIN, 15 * MIN) : R.int(3 * MIN, 10 * MIN);
            t += gap;
          }
        }
        // camouflage: the holders' honest purchases at the same institution
        if (!clinic) {
          for (const p of holders) {
            const m = H ? R.int(1, 3) : R.int(0, 1);
            for (let j = 0; j < m; j++) {
              const d = R.int(0, DAYS - 1);
              if (!L.inpatientOn(p.idx, d)) L.add({ t: at(d, timeOfDay(inst, R)), kind: 'pharmacy', inst: inst.idx, holder: p.idx, dx: dx('urti'), lines: otcBasket(p, R) });
            }
          }
        }
        g.description = `${inst.name} swipes a recurring set of ${n} cards (${variant}): ${days.length} sessions, ${night ? 'at night' : 'in business hours'}, ${pkgs.length} near-identical basket(s)`;
      },
    });
  }

  // ================================================================ card lending
  for (let k = 0; k < cfg.rings['card-lending']; k++) {
    const variant = VARIANTS['card-lending'][cfg.profile][k % 4]!;
    const r = k % regions;
    const R = rng.fork('cl' + k);
    const retail = (face: boolean) => (i: Institution) => i.tags.has('retail') && (face ? i.idRate > 0 : i.idRate === 0) && !i.h24;
    const pharmacies: Institution[] = [];
    if (variant === 'dual-card+out-of-town' || variant === 'one-user-many-cards') pharmacies.push(use(pickInst(w, R, r, retail(true))), use(pickInst(w, R, r, retail(false))));
    else pharmacies.push(use(pickInst(w, R, r, retail(false))), use(pickInst(w, R, r, retail(false))));
    const withClinic = variant !== 'dual-card+out-of-town';
    let clinic: Institution | null = null;
    if (withClinic) {
      clinic = use(pickInst(w, R, r, (i) => i.kind === 'clinic' && (i.tags.has('private-clinic') || i.tags.has('community'))));
      clinic.idRate = 0.92;
      clinic.faceShare = 0;
    }
    const clinicDoc = clinic ? pickDoctor(w, clinic.idx, ['全科', '中医科'], R) : -1;
    const organizer = take(freePersons(w, R, (p) => local(r)(p) && p.age >= 35 && p.age < 60).slice(0, 1))[0]!;
    const nUsers = variant === 'one-user-many-cards' ? 1 : R.int(1, 3);
    const mother = freePersons(w, R, (p) => local(r)(p) && p.gender === 'F' && p.age >= 26 && p.age < 40).slice(0, 1);
    const oldMan = freePersons(w, R, (p) => local(r)(p) && p.gender === 'M' && p.age >= 55 && p.age < 70).slice(0, 1);
    const users: Person[] = take([...(k % 2 === 0 ? mother : oldMan), ...freePersons(w, R, (p) => local(r)(p) && p.age >= 28 && p.age < 63)].slice(0, nUsers));
    const nCards = variant === 'one-user-many-cards' ? R.int(14, 22) : variant === 'unrecorded-pharmacy+inpatient' ? R.int(8, 15) : R.int(6, 13);
    const outShare = variant === 'dual-card+out-of-town' ? 0.4 : 0.1;
    const holders: Person[] = [];
    const lent: number[] = [];
    const nOut = regions > 1 ? Math.round(nCards * outShare) : 0;
    for (const p of freePersons(w, R, (p) => p.region !== r && p.lives === p.region && p.ev >= 0 && p.age >= 16).slice(0, nOut)) {
      holders.push(p);
      lent.push(p.ev);
    }
    const nDual = variant === 'dual-card+out-of-town' ? R.int(2, 3) : 0;
    const farFrom = (p: Person) => pharmacies.every((ph) => km(p.lat, p.lon, ph.lat, ph.lon) > 8);
    for (const p of freePersons(w, R, (p) => local(r)(p) && p.ev >= 0 && p.age >= 30 && p.age < 75 && p.homeClinic >= 0 && farFrom(p)).slice(0, nDual)) {
      holders.push(p);
      lent.push(p.physical);
    }
    const dualHolders = holders.slice(holders.length - nDual);
    while (holders.length < nCards) {
      const x = R.next();
      const f = x < 0.3 ? (p: Person) => p.age >= 2 && p.age < 13 : x < 0.68 ? (p: Person) => p.age >= 72 : (p: Person) => p.age >= 18 && p.age < 72;
      const cand = freePersons(w, R, (p) => local(r)(p) && f(p) && !holders.some((h) => h.household === p.household)).slice(0, 1);
      if (!cand.length) break;
      holders.push(cand[0]!);
      lent.push(cand[0]!.physical);
    }
    take(holders);
    const [start, end] = windowOf(R, 120, 230);
    const inpatientHolders = variant === 'unrecorded-pharmacy+inpatient' || (!H && k >= 4) ? holders.filter((p) => p.age >= 65 && p.region === r).slice(0, R.int(2, 3)) : [];
    const stayDays = new Map<number, [number, number]>();
    const shopping = (u: Person): string[] => {
      if (u.gender === 'F' && u.age < 42) return ['dydrogesterone', 'folic_preg', 'kids_cold', 'ibuprofen_susp', 'iron_oral', 'montelukast', 'oseltamivir_kid', 'progesterone'];
      if (u.gender === 'M' && u.age >= 52) return ['tamsulosin', 'finasteride', 'amlodipine', 'atorvastatin', 'glucosamine', 'xuesaitong', 'levofloxacin'];
      return ['glargine', 'dapagliflozin', 'salmeterol_flut', 'clopidogrel', 'rosuvastatin', 'glucosamine', 'naoxintong', 'levofloxacin'];
    };
    const restricted = new Set(['dydrogesterone', 'folic_preg', 'kids_cold', 'oseltamivir_kid', 'progesterone', 'tamsulosin', 'finasteride', 'levofloxacin']);
    const all = [organizer, ...users];
    const g = new Group(w, 'card-lending');
    g.variant = variant;
    g.size = lent.length;
    g.person(organizer.idx, 'organizer');
    for (const u of users) g.person(u.idx, 'user');
    holders.forEach((p, i) => {
      g.person(p.idx, 'card-holder');
      g.card(lent[i]!, 'lent-card');
    });
    for (const ph of pharmacies) g.inst(ph.idx, 'pharmacy');
    if (clinic) g.inst(clinic.idx, 'clinic');
    const mainUser = holders.map(() => R.pick(all));
    const sessionAt = (d: number, u: Person, cardIdx: number[], forcePharmacy = false, t0?: number): void => {
      const useClinic = !!clinic && !forcePharmacy && R.chance(variant === 'clinic-recorded' ? 0.55 : 0.22);
      const inst = useClinic ? clinic! : R.pick(pharmacies);
      let t = t0 ?? at(d, timeOfDay(inst, R));
      const list = shopping(u);
      for (const ci of cardIdx) {
        const holder = holders[ci]!;
        const nItems = R.weighted([1, 2, 3], [0.4, 0.4, 0.2]);
        const chosen = new Set<string>();
        for (let j = 0; j < nItems; j++) {
          const key = R.weighted(list, list.map((x) => (restricted.has(x) ? (H ? 0.35 : 1.2) : 1)));
          chosen.add(key);
        }
        const ls = lines(...[...chosen].map((x) => [x, R.int(1, 2)] as [string, number]));
        const diag = dx(chosen.has('dydrogesterone') || chosen.has('progesterone') || chosen.has('folic_preg') ? 'pregnancy' : chosen.has('tamsulosin') || chosen.has('finasteride') ? 'bph' : chosen.has('kids_cold') || chosen.has('oseltamivir_kid') ? 'urti' : 'htn');
        if (useClinic) g.claim(L.add({ t, kind: 'outpatient', inst: inst.idx, doctor: clinicDoc, holder: holder.idx, card: lent[ci]!, served: u.idx, dx: diag, lines: [[item('consult_gp'), 1], ...ls] }));
        else g.claim(L.add({ t, kind: 'pharmacy', inst: inst.idx, holder: holder.idx, card: lent[ci]!, served: u.idx, dx: diag, lines: ls }));
        t += R.int(50, 260);
      }
    };
    out.push({
      family: 'card-lending',
      strength,
      group: g,
      phase1: () => {
        // an honest inpatient stay of an elderly holder, during which the lent card keeps buying
        for (const p of inpatientHolders) {
          const hs = w.byRegion[p.lives]!.hospitals.map((i) => w.insts[i]!).filter((h) => h.tags.has('general') && h.beds > 0 && !h.ringUsed);
          const h = R.pick(hs);
          const los = R.int(8, 14);
          const adm = R.int(start, Math.max(start, end - los));
          if (L.staysOverlap(p.idx, adm, adm + los, 2)) continue;
          addStay(ctx, { person: p.idx, inst: h.idx, doctor: pickDoctor(w, h.idx, DEPTS.resp, R), dxKey: 'pneumonia', adm, los, lines: stayLines('pneumonia', los, h, p, R) });
          stayDays.set(p.idx, [adm, adm + los]);
        }
      },
      phase2: () => {
        const target = holders.map(() => (H ? R.int(3, 7) : R.int(5, 12)));
        const left = [...target];
        let guard = 0;
        while (left.some((x) => x > 0) && guard++ < 2000) {
          const u = R.pick(all);
          const mine = holders.map((_, i) => i).filter((i) => left[i]! > 0 && (mainUser[i] === u || R.chance(0.25)));
          if (!mine.length) continue;
          const size = Math.min(mine.length, H ? R.weighted([1, 2, 3], [0.6, 0.3, 0.1]) : R.weighted([1, 2, 3, 4], [0.3, 0.35, 0.25, 0.1]));
          const pickIdx = R.sample(mine, size);
          const d = R.int(start, end);
          if (L.inpatientOn(u.idx, d)) continue;
          sessionAt(d, u, pickIdx);
          for (const i of pickIdx) left[i]!--;
        }
        // purchases while the holder lies in hospital elsewhere
        for (const p of inpatientHolders) {
          const s = stayDays.get(p.idx);
          if (!s) continue;
          const ci = holders.indexOf(p);
          const m = R.int(1, 3);
          for (let j = 0; j < m; j++) sessionAt(R.int(s[0] + 1, s[1] - 1), mainUser[ci]!, [ci], true);
        }
        // the holder's own visit with the e-voucher, then minutes later the physical card across town
        for (const p of dualHolders) {
          const ci = holders.indexOf(p);
          const m = R.int(2, 4);
          for (let j = 0; j < m; j++) {
            const d = R.int(start, end);
            if (L.inpatientOn(p.idx, d)) continue;
            const hc = w.insts[p.homeClinic]!;
            const t = at(d, Math.round(R.float(8.5, 11) * HOUR));
            const doc = pickDoctor(w, hc.idx, ['全科'], R);
            L.add({ t, kind: 'outpatient', inst: hc.idx, doctor: doc, holder: p.idx, card: p.ev, dx: dx('htn'), lines: [[consultItem(w, doc), 1], ...lines(['blood_routine', R.chance(0.4) ? 1 : 0])] });
            const ph = pharmacies.reduce((a, b) => (km(p.lat, p.lon, a.lat, a.lon) > km(p.lat, p.lon, b.lat, b.lon) ? a : b));
            const u = mainUser[ci]!;
            const list = shopping(u);
            g.claim(L.add({ t: t + R.int(5 * MIN, 40 * MIN), kind: 'pharmacy', inst: ph.idx, holder: p.idx, card: lent[ci]!, served: u.idx, dx: dx('htn'), lines: lines([R.pick(list), R.int(1, 2)]) }));
          }
        }
        g.description = `${all.length} people (organizer ${organizer.name}) settle on ${lent.length} borrowed cards (${variant}) at ${pharmacies.map((p) => p.name).join(', ')}${clinic ? ' and ' + clinic.name : ''}`;
      },
    });
  }

  // ================================================================ kickback
  for (let k = 0; k < cfg.rings.kickback; k++) {
    const variant = VARIANTS.kickback[cfg.profile][k % 4]!;
    const r = k % regions;
    const R = rng.fork('kb' + k);
    const nDoc = variant === 'two-hospitals' ? 2 : variant === 'three-doctors' ? 3 : 1;
    const spec = R.pick(KB_DEPTS);
    const hospitals = w.byRegion[r]!.hospitals.map((i) => w.insts[i]!).filter((h) => !h.hnCore && !h.ringUsed && (h.tags.has('general') || h.tags.has('tcm')));
    const docs: number[] = [];
    const usedH = new Set<number>();
    for (let j = 0; j < nDoc; j++) {
      const hs = hospitals.filter((h) => (j === 0 || !usedH.has(h.idx) || hospitals.length <= j) && doctorsIn(w, h.idx, spec.dept).length + doctorsIn(w, h.idx, '内科').length > 0);
      const h = R.pick(hs.length ? hs : hospitals);
      usedH.add(h.idx);
      const cand = [...doctorsIn(w, h.idx, spec.dept), ...doctorsIn(w, h.idx, '内科')].filter((d) => !docs.includes(d));
      const sorted = [...cand].sort((a, b) => w.doctors[b]!.weight - w.doctors[a]!.weight);
      docs.push(sorted[Math.min(sorted.length - 1, R.int(0, Math.max(0, Math.floor(sorted.length / 2) - 1)))]!);
    }
    const docHosp = docs.map((d) => w.insts[w.doctors[d]!.inst]!);
    const ph = use(pickInst(w, R, r, (i) => i.tags.has('retail') && i.size < 4 && docHosp.every((h) => km(h.lat, h.lon, i.lat, i.lon) > 3 && !h.near.includes(i.idx))));
    const n = R.int(8, 35);
    const patients = take(freePersons(w, R, (p) => local(r)(p) && p.age >= 40 && p.age < 82).slice(0, n));
    const ghostShare = H ? 0 : variant === 'ghost-patients' ? 0.5 : variant === 'two-hospitals' ? 0.3 : variant === 'three-doctors' ? 0.2 : 0;
    const [start, end] = windowOf(R, 150, 300);
    const g = new Group(w, 'kickback');
    g.variant = variant;
    g.size = patients.length;
    for (const d of docs) g.doctor(d, 'prescriber');
    g.inst(ph.idx, 'pharmacy');
    for (const p of patients) g.person(p.idx, 'patient');
    out.push({
      family: 'kickback',
      strength,
      group: g,
      phase2: () => {
        for (const p of patients) {
          const doc = docs.length === 1 ? docs[0]! : R.weighted(docs, docs.map((_, i) => (i === 0 ? 2 : 1)));
          const h = w.insts[w.doctors[doc]!.inst]!;
          const ghost = R.chance(ghostShare);
          const fills = H ? (variant === 'seen-first-sparse' ? 1 : R.int(1, 2)) : variant === 'ghost-patients' ? R.int(2, 5) : R.int(2, 4);
          let d = R.int(start, Math.max(start, end - 60));
          for (let f = 0; f < fills && d < DAYS; f++) {
            if (L.inpatientOn(p.idx, d)) {
              d += 3;
              continue;
            }
            let ft: number;
            if (!ghost) {
              const t = at(d, timeOfDay(h, R));
              L.add({ t, kind: 'outpatient', inst: h.idx, doctor: doc, holder: p.idx, dx: dx(spec.dx), lines: [[consultItem(w, doc), 1], ...lines(['ecg', R.chance(0.3) ? 1 : 0], ['blood_routine', R.chance(0.3) ? 1 : 0])] });
              ft = t + R.int(60 * MIN, 5 * HOUR);
            } else ft = at(d, timeOfDay(ph, R));
            if (ft - Math.floor(ft / DAY) * DAY > ph.close - 300) ft = (Math.floor(ft / DAY) + 1) * DAY + ph.open + R.int(1800, 4 * HOUR);
            if (ft >= DAYS * DAY) break;
            const hm = R.sample(spec.hm, H ? R.int(1, 2) : R.int(2, 3));
            const ls: Array<[string, number]> = hm.map((x) => [x, H ? R.int(1, 3) : R.int(2, 4)]);
            if (H || R.chance(0.3)) ls.push([R.pick(spec.plain), 1]);
            g.claim(L.add({ t: ft, kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: dx(spec.dx), rx: L.newRxId(), rxDoctor: doc, lines: lines(...ls) }));
            d += R.int(20, 45);
          }
        }
        g.description = `${docs.length} ${spec.dept} doctor(s) at ${[...new Set(docHosp.map((h) => h.name))].join(', ')} steer ${patients.length} patients' external prescriptions of high-margin drugs to ${ph.name} (${variant})`;
      },
    });
  }

  // ================================================================ recruited patients
  for (let k = 0; k < cfg.rings['recruited-patients']; k++) {
    const variant = VARIANTS['recruited-patients'][cfg.profile][k % 4]!;
    const r = k % regions;
    const R = rng.fork('rp' + k);
    const bed = variant.startsWith('bed');
    const spread = variant.endsWith('spread');
    let inst: Institution;
    if (variant === 'bed-hanging') inst = pickInst(w, R, r, (i) => i.kind === 'clinic' && i.tags.has('township') && i.beds > 0);
    else if (variant === 'outpatient-spread') inst = pickInst(w, R, r, (i) => i.kind === 'clinic' && (i.tags.has('community') || i.tags.has('township')));
    else inst = pickInst(w, R, r, (i) => i.kind === 'hospital' && i.tags.has('private'));
    use(inst);
    if (inst.beds === 0 && bed) inst.beds = 40;
    const docs = [...['内科', '中医科', '全科', '康复医学科', '神经内科'].flatMap((d) => doctorsIn(w, inst.idx, d))].slice(0, R.int(1, 2));
    if (!docs.length) docs.push(inst.doctors[0]!);
    const rural = w.regions[r]!.districts.filter((d) => d.rural);
    const anchor = inst.district.rural ? inst.district : rural.length ? R.pick(rural) : inst.district;
    const n = R.int(8, 30);
    const pool = freePersons(w, R, (p) => local(r)(p) && p.age >= 60 && p.age < 88 && w.households[p.household]!.district.code === anchor.code);
    const recruits = take((pool.length >= n ? pool : [...pool, ...freePersons(w, R, (p) => local(r)(p) && p.age >= 60 && p.age < 88)]).slice(0, n));
    const recruiter = take(freePersons(w, R, (p) => local(r)(p) && p.age >= 45 && p.age < 66 && w.households[p.household]!.district.code === anchor.code).slice(0, 1).concat(freePersons(w, R, (p) => local(r)(p) && p.age >= 45 && p.age < 66).slice(0, 1)).slice(0, 1))[0]!;
    const group = [recruiter, ...recruits];
    const waves = H ? R.int(4, 5) : R.int(4, 7);
    const [start] = windowOf(R, 0, 0);
    let d0 = Math.min(start, DAYS - 1 - waves * 40);
    if (d0 < 0) d0 = 0;
    const waveDays: number[] = [];
    for (let j = 0; j < waves; j++) {
      let d = d0;
      while (dow[d] === 0) d++;
      if (d < DAYS - 10) waveDays.push(d);
      d0 += R.int(25, 55);
    }
    const dxKey = R.pick(bed ? ['cerebral_insuff', 'lumbar_disc', 'chd'] : ['cerebral_insuff', 'chd', 'oa_knee']);
    const lvl2 = inst.level === 'secondary' || inst.level === 'tertiary';
    const exams = ['blood_routine', 'liver_panel', 'renal_panel', 'lipid_panel', 'ecg', 'ultrasound', ...(lvl2 ? ['ct_plain'] : ['fasting_glucose'])];
    const drugs: Array<[string, number]> = dxKey === 'oa_knee' ? [['glucosamine', 2], ['xuesaitong', 2]] : [['xuesaitong', 2], ['mecobalamin', 2], ['naoxintong', 1]];
    const altDrugs = ['ginkgo_tab', 'danshen_pill', 'calcium_d3'];
    const g = new Group(w, 'recruited-patients');
    g.variant = variant;
    g.size = recruits.length;
    g.inst(inst.idx, 'institution');
    for (const d of docs) g.doctor(d, 'doctor');
    g.person(recruiter.idx, 'organizer');
    for (const p of recruits) g.person(p.idx, 'recruited-patient');
    const personal = (): { ex: string[]; dr: Array<[string, number]> } => {
      let ex = [...exams];
      let dr = drugs.map(([a, b]) => [a, b] as [string, number]);
      if (H) {
        if (R.chance(0.35)) ex.splice(R.int(0, ex.length - 1), 1);
        if (R.chance(0.3)) dr[R.int(0, dr.length - 1)] = [R.pick(altDrugs), 1];
        if (R.chance(0.25)) {
          const j = R.int(0, dr.length - 1);
          dr[j] = [dr[j]![0], Math.max(1, dr[j]![1] + (R.chance(0.5) ? 1 : -1))];
        }
      } else if (R.chance(0.15)) {
        const j = R.int(0, dr.length - 1);
        dr[j] = [dr[j]![0], dr[j]![1] + 1];
      }
      ex = ex.filter(Boolean);
      dr = dr.filter(Boolean);
      return { ex, dr };
    };
    const arrival = (wd: number): number => {
      const off = spread || H ? R.weighted([0, 1, 2], [0.5, 0.3, 0.2]) : 0;
      let d = wd + off;
      if (dow[d] === 0) d++;
      return Math.min(DAYS - 9, d);
    };
    out.push({
      family: 'recruited-patients',
      strength,
      group: g,
      phase1: () => {
        if (!bed) return;
        for (const wd of waveDays) {
          const los0 = R.int(3, 7);
          const part = R.float(H ? 0.65 : 0.75, H ? 0.9 : 1);
          for (const p of group) {
            if (p !== recruiter && !R.chance(part)) continue;
            const adm = arrival(wd);
            const los = H ? Math.max(2, los0 + R.int(-1, 1)) : los0;
            if (L.staysOverlap(p.idx, adm, adm + los, 1)) continue;
            const pe = personal();
            const doc = R.pick(docs);
            const ls = lines(['bed_general', los], ['ward_consult', los], ['nursing', los], ['salvianolate', los], ['saline', los], ['iv_drip', los], ['infusion_set', los], ['acupuncture', Math.max(1, los - 1)], ...pe.ex.map((x) => [x, 1] as [string, number]), ...pe.dr);
            g.claim(addStay(ctx, { person: p.idx, inst: inst.idx, doctor: doc, dxKey, adm, los, lines: ls }));
          }
        }
      },
      phase2: () => {
        if (!bed) {
          for (const wd of waveDays) {
            const part = R.float(H ? 0.65 : 0.75, H ? 0.9 : 1);
            const bus = R.float(7.6, 9);
            for (const p of group) {
              if (p !== recruiter && !R.chance(part)) continue;
              const d = arrival(wd);
              if (L.inpatientOn(p.idx, d)) continue;
              const pe = personal();
              const doc = R.pick(docs);
              const t = at(d, Math.round((bus + R.float(0.4, spread || H ? 3 : 1.8)) * HOUR));
              g.claim(L.add({ t, kind: 'outpatient', inst: inst.idx, doctor: doc, holder: p.idx, card: p.physical, dx: dx(dxKey), lines: [[consultItem(w, doc), 1], ...lines(...pe.ex.map((x) => [x, 1] as [string, number]), ...pe.dr)] }));
            }
          }
        }
        g.description = `recruiter ${recruiter.name} brings ${recruits.length} elderly villagers from ${anchor.name} to ${inst.name} in ${waveDays.length} waves (${variant}), near-identical ${bed ? 'short inpatient stays' : 'exam-and-drug packages'}`;
      },
    });
  }

  // ================================================================ split hospitalization
  const SH_SPECS: Array<{ dept: string; key: string; alt: string[] }> = [
    { dept: '神经内科', key: 'cerebral_insuff', alt: ['cerebral_insuff'] },
    { dept: '心血管内科', key: 'chd', alt: ['angina'] },
    { dept: '呼吸内科', key: 'copd', alt: ['copd_stable'] },
    { dept: '内分泌科', key: 't2dm', alt: ['t2dm_neuro', 't2dm_renal'] },
    { dept: '骨科', key: 'lumbar_disc', alt: ['lbp'] },
    { dept: '内科', key: 'copd', alt: ['copd_stable'] },
  ];
  for (let k = 0; k < cfg.rings['split-hospitalization']; k++) {
    const variant = VARIANTS['split-hospitalization'][cfg.profile][k % 3]!;
    const r = k % regions;
    const R = rng.fork('sh' + k);
    let spec = R.pick(SH_SPECS);
    let h: Institution;
    try {
      h = pickInst(w, R, r, (i) => i.kind === 'hospital' && i.beds > 0 && (i.tags.has('general') || i.tags.has('tcm')) && doctorsIn(w, i.idx, spec.dept).length >= (variant === 'department-wide' ? 2 : 1));
    } catch {
      spec = SH_SPECS[5]!;
      h = pickInst(w, R, r, (i) => i.kind === 'hospital' && i.beds > 0 && doctorsIn(w, i.idx, '内科').length >= 1);
    }
    use(h);
    const deptDocs = doctorsIn(w, h.idx, spec.dept);
    const docs = variant === 'department-wide' ? R.sample(deptDocs, Math.min(deptDocs.length, R.int(2, 3))) : [R.pick(deptDocs)];
    const n = R.int(8, 25);
    const patients = take(freePersons(w, R, (p) => local(r)(p) && p.age >= 50 && p.age < 86).slice(0, n));
    const g = new Group(w, 'split-hospitalization');
    g.variant = variant;
    g.size = patients.length;
    g.inst(h.idx, 'institution');
    for (const d of docs) g.doctor(d, 'doctor');
    for (const p of patients) g.person(p.idx, 'patient');
    out.push({
      family: 'split-hospitalization',
      strength,
      group: g,
      phase1: () => {
        let pairs = 0;
        for (const p of patients) {
          const episodes = variant === 'three-way' ? R.int(1, 2) : H ? R.int(1, 2) : R.int(2, 3);
          const doc = R.pick(docs);
          for (let e = 0; e < episodes; e++) {
            const parts = variant === 'three-way' ? 3 : 2;
            const total = R.int(12, 22);
            const gaps = Array.from({ length: parts - 1 }, () => (H ? R.int(2, 9) : R.int(0, 3)));
            const span = total + gaps.reduce((a, b) => a + b, 0) + parts;
            let adm = -1;
            for (let tries = 0; tries < 10; tries++) {
              const d = R.int(0, DAYS - 2 - span);
              if (!L.staysOverlap(p.idx, d, d + span, 3)) {
                adm = d;
                break;
              }
            }
            if (adm < 0) continue;
            let d = adm;
            for (let j = 0; j < parts; j++) {
              const los = Math.max(3, Math.round(total / parts) + R.int(-2, 2));
              const key = H && j > 0 && R.chance(0.4) ? R.pick(spec.alt) : spec.key;
              g.claim(addStay(ctx, { person: p.idx, inst: h.idx, doctor: doc, dxKey: key, adm: d, los, lines: stayLines(key, los, h, p, R) }));
              d += los + (gaps[j] ?? 0);
              if (j > 0) pairs++;
            }
          }
        }
        g.description = `${docs.length} ${spec.dept} doctor(s) at ${h.name} discharge and readmit ${patients.length} patients for the same condition within days (${variant}): ${pairs} split readmissions`;
      },
    });
  }

  // ================================================================ over-treatment
  for (let k = 0; k < cfg.rings['over-treatment']; k++) {
    const variant = VARIANTS['over-treatment'][cfg.profile][k % 5]!;
    const r = k % regions;
    const R = rng.fork('ot' + k);
    const g = new Group(w, 'over-treatment');
    g.variant = variant;
    let inst: Institution;
    let doc: number;
    let patients: Person[];
    let phase1: (() => void) | undefined;
    let phase2: (() => void) | undefined;
    if (variant === 'hba1c') {
      inst = use(R.chance(0.5) ? pickInst(w, R, r, (i) => i.kind === 'clinic' && i.tags.has('community')) : pickInst(w, R, r, (i) => i.kind === 'hospital' && i.level === 'secondary' && doctorsIn(w, i.idx, '内分泌科').length > 0));
      doc = pickDoctor(w, inst.idx, ['内分泌科', '全科'], R);
      const n = R.int(10, 28);
      const dm = freePersons(w, R, (p) => local(r)(p) && (p.conds & C.DM) !== 0 && p.age >= 45 && p.age < 82);
      patients = take([...dm, ...freePersons(w, R, (p) => local(r)(p) && p.age >= 50 && p.age < 80)].slice(0, n));
      for (const p of patients) {
        p.conds |= C.DM;
        p.chronicHandled = true;
      }
      phase2 = () => {
        let tests = 0;
        for (const p of patients) {
          const reg = regimenOf(p, R)!;
          let d = R.int(0, 60);
          while (d < DAYS) {
            if (!L.inpatientOn(p.idx, d)) {
              g.claim(L.add({ t: at(d, timeOfDay(inst, R)), kind: 'outpatient', inst: inst.idx, doctor: doc, holder: p.idx, dx: reg.main, lines: [[consultItem(w, doc), 1], ...lines(['hba1c', 1], ['fasting_glucose', 1], ['liver_panel', R.chance(0.5) ? 1 : 0], ['renal_panel', R.chance(0.5) ? 1 : 0], ['lipid_panel', R.chance(0.4) ? 1 : 0]), ...reg.lines.map(([key, q]) => [item(key), q] as LineSpec)] }));
              tests++;
            }
            d += H ? R.int(28, 40) : R.int(14, 24);
          }
        }
        g.description = `${w.doctors[doc]!.name} at ${inst.name} orders HbA1c (糖化血红蛋白) at every visit for ${patients.length} diabetics: ${tests} tests, ${(tests / patients.length).toFixed(1)} a year each against a guideline of 2-4`;
      };
    } else if (variant === 'imaging') {
      inst = use(pickInst(w, R, r, (i) => i.kind === 'hospital' && (i.level === 'secondary' || i.level === 'tertiary') && (i.tags.has('general') || i.tags.has('ortho')) && hasDept(w, i.idx, ['骨科', '神经内科'])));
      const neuro = !hasDept(w, inst.idx, ['骨科']) || R.chance(0.4);
      doc = pickDoctor(w, inst.idx, neuro ? ['神经内科', '内科'] : ['骨科'], R);
      patients = take(freePersons(w, R, (p) => local(r)(p) && p.age >= 35 && p.age < 78).slice(0, R.int(8, 20)));
      phase2 = () => {
        let exams = 0;
        for (const p of patients) {
          const [s, e] = windowOf(R, 200, 330);
          let d = s;
          let j = 0;
          while (d <= e) {
            if (!L.inpatientOn(p.idx, d)) {
              const both = !H && R.chance(0.2);
              const ls = lines([consultItem(w, doc).key, 1], [j % 2 === 0 || both ? 'ct_plain' : 'mri_plain', 1], ['mri_plain', both ? 1 : 0], ['dr_xray', R.chance(0.3) ? 1 : 0], [neuro ? 'ginkgo_tab' : 'celecoxib', 1]);
              g.claim(L.add({ t: at(d, timeOfDay(inst, R)), kind: 'outpatient', inst: inst.idx, doctor: doc, holder: p.idx, dx: dx(neuro ? R.pick(['headache', 'vertigo']) : R.pick(['lumbar_disc', 'lbp'])), lines: ls }));
              exams += both ? 2 : 1;
              j++;
            }
            d += H ? R.int(28, 45) : R.int(21, 35);
          }
        }
        g.description = `${w.doctors[doc]!.name} at ${inst.name} repeats CT/MRI for ${patients.length} patients with stable ${neuro ? 'headache/vertigo' : 'back pain'}: ${exams} large-equipment exams`;
      };
    } else if (variant === 'infusion') {
      inst = use(pickInst(w, R, r, (i) => i.kind === 'clinic' && (i.tags.has('township') || (i.tags.has('private-clinic') && i.tags.has('gp')))));
      doc = pickDoctor(w, inst.idx, ['全科', '内科'], R);
      patients = take(freePersons(w, R, (p) => local(r)(p) && p.age >= 18 && p.age < 85).slice(0, R.int(10, 28)));
      phase2 = () => {
        let days = 0;
        for (const p of patients) {
          const [s, e] = windowOf(R, 180, 330);
          let d = s;
          while (d <= e) {
            const len = H ? R.int(2, 3) : 3;
            const diag = dx(R.chance(0.6) ? 'urti' : 'bronchitis');
            for (let j = 0; j < len && d + j < DAYS; j++) {
              if (L.inpatientOn(p.idx, d + j)) continue;
              const ls = lines(['consult_gp', j === 0 ? 1 : 0], ['blood_routine', j === 0 ? 1 : 0], ['ceftriaxone_iv', 2], ['azithro_iv', R.chance(0.4) ? 1 : 0], ['saline', 2], ['glucose_iv', 1], ['iv_drip', 2], ['infusion_set', 2]);
              g.claim(L.add({ t: at(d + j, Math.round(R.float(8.2, 10.5) * HOUR)), kind: 'outpatient', inst: inst.idx, doctor: doc, holder: p.idx, dx: diag, lines: ls }));
              days++;
            }
            d += H ? R.int(30, 50) : R.int(18, 35);
          }
        }
        g.description = `${w.doctors[doc]!.name} at ${inst.name} puts ${patients.length} patients on multi-day antibiotic infusions for every cold: ${days} infusion days`;
      };
    } else if (variant === 'physiotherapy') {
      inst = use(pickInst(w, R, r, (i) => i.kind === 'clinic' && (i.tags.has('tcm') || hasDept(w, i.idx, ['中医科', '康复科']))));
      doc = pickDoctor(w, inst.idx, ['中医科', '康复科', '全科'], R);
      patients = take(freePersons(w, R, (p) => local(r)(p) && p.age >= 40 && p.age < 80).slice(0, R.int(8, 20)));
      phase2 = () => {
        let sessions = 0;
        for (const p of patients) {
          const [s, e] = windowOf(R, H ? 120 : 120, H ? 180 : 240);
          const diag = dx(R.pick(['lbp', 'cervical_spondylosis', 'oa_knee']));
          const perWeek = H ? 2 : 3;
          const wds = R.sample([1, 2, 3, 4, 5, 6], perWeek);
          for (let d = s; d <= e; d++) {
            if (!wds.includes(dow[d]!) || L.inpatientOn(p.idx, d) || R.chance(0.1)) continue;
            g.claim(L.add({ t: at(d, timeOfDay(inst, R)), kind: 'outpatient', inst: inst.idx, doctor: doc, holder: p.idx, dx: diag, lines: lines(['acupuncture', 1], ['tuina', 1], ['tens', 1], ['moxibustion', R.chance(0.5) ? 1 : 0], ['cupping', R.chance(0.4) ? 1 : 0]) }));
            sessions++;
          }
        }
        g.description = `${inst.name} bills acupuncture, massage and electrotherapy ${H ? 'twice' : 'three times'} a week for months to ${patients.length} patients: ${sessions} sessions (${(sessions / patients.length).toFixed(0)} each)`;
      };
    } else {
      inst = use(pickInst(w, R, r, (i) => i.kind === 'hospital' && i.level === 'secondary' && i.beds > 0 && (i.tags.has('district') || i.tags.has('private'))));
      doc = pickDoctor(w, inst.idx, ['内科', '神经内科', '中医科'], R);
      patients = take(freePersons(w, R, (p) => local(r)(p) && p.age >= 55 && p.age < 88).slice(0, R.int(8, 18)));
      phase1 = () => {
        let bedDays = 0;
        for (const p of patients) {
          const stays = R.int(1, 2);
          for (let s = 0; s < stays; s++) {
            const key = R.pick(['pneumonia', 'cerebral_insuff', 'lumbar_disc', 'copd']);
            const typical = losFor(key, R);
            const los = Math.round(typical * (H ? R.float(1.7, 2.2) : R.float(2.2, 3.0)));
            let adm = -1;
            for (let tries = 0; tries < 8; tries++) {
              const d = R.int(0, DAYS - 2 - los);
              if (!L.staysOverlap(p.idx, d, d + los, 5)) {
                adm = d;
                break;
              }
            }
            if (adm < 0) continue;
            g.claim(addStay(ctx, { person: p.idx, inst: inst.idx, doctor: doc, dxKey: key, adm, los, lines: stayLines(key, los, inst, p, R) }));
            bedDays += los;
          }
        }
        g.description = `${w.doctors[doc]!.name} at ${inst.name} keeps ${patients.length} patients in hospital ${H ? 'about twice' : 'two to three times'} the usual length: ${bedDays} bed-days`;
      };
    }
    g.size = patients.length;
    g.inst(inst.idx, 'institution');
    g.doctor(doc, 'doctor');
    for (const p of patients) g.person(p.idx, 'patient');
    const plant: RingPlant = { family: 'over-treatment', strength, group: g };
    if (phase1) plant.phase1 = phase1;
    if (phase2) plant.phase2 = phase2;
    out.push(plant);
  }

  // ================================================================ trace-code reuse
  const TR_DRUGS = ['glargine', 'dapagliflozin', 'salmeterol_flut', 'clopidogrel', 'rivaroxaban', 'rosuvastatin', 'tiotropium'];
  for (let k = 0; k < cfg.rings['trace-code-reuse']; k++) {
    const variant = VARIANTS['trace-code-reuse'][cfg.profile][k % 3]!;
    const r = k % regions;
    const R = rng.fork('tr' + k);
    const m = variant === 'pair' ? 2 : variant === 'triangle' ? 3 : 4;
    const crossR = variant === 'cross-region-chain' && regions > 1 ? (r + 1) % regions : r;
    const chain: Institution[] = [];
    for (let j = 0; j < m; j++) chain.push(use(pickInst(w, R, j === m - 1 ? crossR : r, (i) => i.tags.has('retail') && !i.h24)));
    const n = variant === 'pair' ? R.int(6, 14) : variant === 'triangle' ? R.int(10, 20) : R.int(14, 25);
    const nOther = crossR !== r ? R.int(3, 5) : 0;
    const buyers = take(freePersons(w, R, (p) => local(r)(p) && p.age >= 35 && p.age < 80).slice(0, n - nOther));
    const otherBuyers = take(freePersons(w, R, (p) => local(crossR)(p) && p.age >= 35 && p.age < 80).slice(0, nOther));
    const [start, end] = windowOf(R, 150, 300);
    const g = new Group(w, 'trace-code-reuse');
    g.variant = variant;
    g.size = buyers.length + otherBuyers.length;
    for (const ph of chain) g.inst(ph.idx, 'pharmacy');
    for (const p of [...buyers, ...otherBuyers]) g.person(p.idx, 'buyer');
    out.push({
      family: 'trace-code-reuse',
      strength,
      group: g,
      phase2: () => {
        const all = [...buyers, ...otherBuyers];
        const uses = new Map<number, number>();
        const K = Math.max(3, Math.round(all.length * (H ? R.float(0.8, 1.3) : R.float(1.5, 2.5))));
        let reused = 0;
        const pickBuyer = (ph: Institution, not: number): Person => {
          const pool = all.filter((p) => p.lives === ph.region && p.idx !== not);
          const list = pool.length ? pool : all;
          return R.weighted(list, list.map((p) => 1 / (1 + (uses.get(p.idx) ?? 0)) ** 2));
        };
        for (let c = 0; c < K; c++) {
          const drug = item(R.pick(TR_DRUGS));
          const code = L.newTrace(drug);
          const sales = H ? (R.chance(0.85) ? 2 : 3) : R.chance(0.6) ? 2 : 3;
          let d = R.int(start, Math.max(start, end - 40));
          let at0 = R.int(0, chain.length - 1);
          let prev = -1;
          for (let s = 0; s < sales && d < DAYS; s++) {
            const ph = chain[at0]!;
            const buyer = pickBuyer(ph, prev);
            uses.set(buyer.idx, (uses.get(buyer.idx) ?? 0) + 1);
            prev = buyer.idx;
            if (!L.inpatientOn(buyer.idx, d)) {
              const ls: LineSpec[] = [[drug, 1, { trace: code }]];
              if (R.chance(H ? 0.6 : 0.25)) ls.push(...otcBasket(buyer, R));
              g.claim(L.add({ t: at(d, timeOfDay(ph, R)), kind: 'pharmacy', inst: ph.idx, holder: buyer.idx, dx: dx(drug.key === 'glargine' || drug.key === 'dapagliflozin' ? 't2dm' : drug.key === 'salmeterol_flut' || drug.key === 'tiotropium' ? 'copd_stable' : 'chd'), lines: ls }));
              reused++;
            }
            d += H ? R.int(10, 90) : R.int(3, 40);
            if (R.chance(0.8)) at0 = (at0 + R.int(1, chain.length - 1)) % chain.length;
          }
        }
        g.description = `${K} drug packages (traceability codes) settled two or three times across a chain of ${chain.length} pharmacies (${variant}) by ${all.length} buyers: ${reused} settlements`;
      },
    });
  }

  // ================================================================ code mismatch
  for (let k = 0; k < cfg.rings['code-mismatch']; k++) {
    const variant = VARIANTS['code-mismatch'][cfg.profile][k % 3]!;
    const r = k % regions;
    const R = rng.fork('cm' + k);
    const inst = use(pickInst(w, R, r, (i) => i.kind === 'clinic' && i.level === 'primary' && (i.tags.has('community') || i.tags.has('township') || i.tags.has('private-clinic'))));
    const doc = pickDoctor(w, inst.idx, ['全科', '中医科', '内科'], R);
    const n = R.int(10, 40);
    const near = freePersons(w, R, (p) => local(r)(p) && (p.homeClinic === inst.idx || p.privateClinic === inst.idx) && p.age >= (variant === 'age' ? 25 : 16));
    const patients = take([...near, ...freePersons(w, R, (p) => local(r)(p) && p.age >= 25 && km(p.lat, p.lon, inst.lat, inst.lon) < 12)].slice(0, n));
    const [start, end] = windowOf(R, 120, 300);
    const g = new Group(w, 'code-mismatch');
    g.variant = variant;
    g.size = patients.length;
    g.inst(inst.idx, 'institution');
    g.doctor(doc, 'doctor');
    for (const p of patients) g.person(p.idx, 'patient');
    out.push({
      family: 'code-mismatch',
      strength,
      group: g,
      phase2: () => {
        for (const p of patients) {
          const times = H ? 1 : R.chance(0.25) ? 2 : 1;
          for (let j = 0; j < times; j++) {
            const d = R.int(start, end);
            if (L.inpatientOn(p.idx, d)) continue;
            let bad: string;
            let diag: string;
            if (variant === 'level') {
              bad = R.pick(['ct_plain', 'ct_plain', 'mri_plain', 'gastroscopy']);
              diag = bad === 'gastroscopy' ? 'gastritis' : R.pick(['lbp', 'headache']);
            } else if (variant === 'gender') {
              bad = p.gender === 'M' ? R.pick(['cervical_cyto', 'prenatal_us']) : 'psa';
              diag = 'checkup';
            } else {
              bad = R.pick(['child_growth', 'kids_cold', 'oseltamivir_kid']);
              diag = bad === 'child_growth' ? 'checkup' : 'urti';
            }
            const ordinary = lines([R.pick(['blood_routine', 'urine_routine', 'fasting_glucose']), 1], [R.pick(['amoxicillin', 'omeprazole', 'celecoxib', 'licorice_syrup']), R.chance(0.6) ? 1 : 0]);
            g.claim(L.add({ t: at(d, timeOfDay(inst, R)), kind: 'outpatient', inst: inst.idx, doctor: doc, holder: p.idx, dx: dx(diag), lines: [[consultItem(w, doc), 1], ...ordinary, [item(bad), 1]] }));
          }
        }
        g.description = `${w.doctors[doc]!.name} at ${inst.name} (primary) bills items ${variant === 'level' ? 'above the clinic level (CT/MRI/gastroscopy)' : variant === 'gender' ? "contradicting the patient's sex" : "contradicting the patient's age"} once or twice per patient for ${patients.length} patients`;
      },
    });
  }

  return out;
}

/** A handful of isolated honest coding errors (a CT at a primary clinic, once, at scattered clinics): noise, not rings. */
export function isolatedCodingErrors(ctx: Ctx, cfg: Config, seed: number): void {
  const { w, L } = ctx;
  const R = new Rng(seed, 'coding-errors');
  const n = Math.max(2, Math.round(8 * cfg.scale));
  const clinics = R.shuffle(w.insts.filter((i) => i.kind === 'clinic' && i.level === 'primary' && !i.ringUsed && !i.hnCore && !i.tags.has('dialysis') && !i.tags.has('checkup')));
  for (const c of clinics.slice(0, n)) {
    const ps = w.persons.filter((p) => p.homeClinic === c.idx && p.reserved === 0 && p.age >= 20);
    if (!ps.length) continue;
    const p = R.pick(ps);
    const d = R.int(0, DAYS - 1);
    if (L.inpatientOn(p.idx, d)) continue;
    const doc = pickDoctor(w, c.idx, ['全科'], R);
    L.add({ t: at(d, timeOfDay(c, R)), kind: 'outpatient', inst: c.idx, doctor: doc, holder: p.idx, dx: dx('lbp'), lines: [[item('consult_gp'), 1], [item(R.pick(['ct_plain', 'psa'])), 1]] });
  }
}
