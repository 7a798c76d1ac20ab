/**
 * Honest look-alike groups (hard negatives): honest care that resembles a ring. Each group lists the
 * honest claims that make it look suspicious; `core` marks the institutions a ring around which would
 * be a false alarm.
 */
import { dx, item } from './catalog.ts';
import type { Config } from './config.ts';
import type { LineSpec } from './ledger.ts';
import { Rng } from './rng.ts';
import { timeOfDay } from './sched.ts';
import { DAY, DAYS, HOUR, MIN, dow, month, mday } from './time.ts';
import type { Ctx } from './honest.ts';
import { DEPTS, addStay, at, chronicCare, consultItem, doctorsIn, hasDept, lines, otcBasket, pickDoctor, regimenOf, stayLines } from './honest.ts';
import { Group, freePersons, pickInst } from './truth.ts';
import type { Institution, Person, World } from './world.ts';
import { C, addPharmacy, km } from './world.ts';

export interface Planted {
  group: Group;
  phase1?: () => void;
  phase2?: () => void;
  /** after the claim count is final (listing of hub patients) */
  finish?: () => void;
}

const BRANDS = ['康泰大药房', '仁济堂药房', '惠民大药房', '众康药房'];

/** Structural changes that must exist before people choose their favourite institutions. */
export function structureLookalikes(w: World, cfg: Config, rng: Rng): { beside: Array<[number, number]>; dtp: number[]; rush: number[]; checkup: number[]; dialysis: number[]; rehab: number[]; onco: number[] } {
  const regions = w.regions.length;
  // giant hospitals are core
  for (let r = 0; r < Math.min(cfg.hn['giant-hospital'], regions); r++) {
    const g = w.byRegion[r]!.hospitals.map((i) => w.insts[i]!).find((h) => h.tags.has('giant'));
    if (g) g.hnCore = true;
  }
  // pharmacies across the street from hospitals
  const beside: Array<[number, number]> = [];
  const cands: Institution[] = [];
  for (let r = 0; r < regions; r++) {
    const hs = w.byRegion[r]!.hospitals.map((i) => w.insts[i]!).filter((h) => h.tags.has('general') && !h.tags.has('giant') && !h.tags.has('private'));
    hs.sort((a, b) => b.size - a.size);
    cands.push(...hs.slice(0, 2));
  }
  // interleave regions: the first choice of each region, then the second
  cands.sort((a, b) => (a.size === b.size ? a.region - b.region : 0));
  const order = [...cands].sort((a, b) => {
    const ia = w.byRegion[a.region]!.hospitals.indexOf(a.idx);
    const ib = w.byRegion[b.region]!.hospitals.indexOf(b.idx);
    return ia - ib || a.region - b.region;
  });
  for (const h of order.slice(0, cfg.hn['pharmacy-beside-hospital'])) {
    const short = h.name.replace(w.regions[h.region]!.name, '');
    const ph = addPharmacy(w, h.region, `${rng.pick(BRANDS)}(${short}对面店)`, h.lat + 0.0007, h.lon + 0.0004, { size: 4, idRate: rng.chance(0.5) ? 0.9 : 0, open: 7.5 * HOUR, close: 21.5 * HOUR, address: h.address.replace(/(\d+)号$/, (_, n: string) => `${Number(n) + 1}号`) }, rng);
    h.beside = ph.idx;
    h.hnCore = true;
    ph.hnCore = true;
    beside.push([h.idx, ph.idx]);
  }
  // DTP specialty pharmacies
  const dtp: number[] = [];
  for (let k = 0; k < cfg.hn['dtp-pharmacy']; k++) {
    const r = k % regions;
    const reg = w.regions[r]!;
    const d = reg.districts[0]!;
    const ph = addPharmacy(w, r, `${reg.name.replace('市', '')}国药DTP专业药房(${rng.pick(reg.roads)}店)`, d.lat + rng.normal(0, 0.01), d.lon + rng.normal(0, 0.01), { size: 0.2, idRate: 0.95, tags: new Set(['dtp']), open: 8.5 * HOUR, close: 18 * HOUR }, rng);
    ph.hnCore = true;
    dtp.push(ph.idx);
  }
  // busy pharmacies with a morning rush (opening 07:00 beside a market)
  const rush: number[] = [];
  for (let k = 0; k < cfg.hn['pharmacy-morning-rush']; k++) {
    const r = (k + 1) % regions;
    const ps = w.byRegion[r]!.pharmacies.map((i) => w.insts[i]!).filter((p) => p.tags.has('retail') && !p.hnCore && !p.h24);
    ps.sort((a, b) => b.size - a.size);
    const ph = ps[0]!;
    ph.tags.add('morning-rush');
    ph.open = 7 * HOUR;
    ph.size = Math.max(ph.size * 1.5, 10);
    ph.hnCore = true;
    rush.push(ph.idx);
  }
  const checkup = w.insts.filter((i) => i.tags.has('checkup')).map((i) => i.idx);
  const dialysis = w.insts.filter((i) => i.tags.has('dialysis')).map((i) => i.idx);
  const rehab = w.insts.filter((i) => i.tags.has('rehab') || i.tags.has('ortho')).map((i) => i.idx);
  const onco = w.insts.filter((i) => i.tags.has('oncology')).map((i) => i.idx);
  for (const i of [...checkup.slice(0, cfg.hn['company-health-check']), ...dialysis.slice(0, cfg.hn.dialysis), ...rehab.slice(0, cfg.hn['rehab-course']), ...onco]) w.insts[i]!.hnCore = true;
  return { beside, dtp, rush, checkup, dialysis, rehab, onco };
}

type Structure = ReturnType<typeof structureLookalikes>;

function mark(ps: Person[]): void {
  for (const p of ps) p.reserved = 2;
}

export function planLookalikes(ctx: Ctx, cfg: Config, st: Structure, seed: number): Planted[] {
  const { w, L } = ctx;
  const rng = new Rng(seed, 'lookalikes');
  const out: Planted[] = [];
  const regions = w.regions.length;
  let serial = 0;
  const newGroup = (kind: string) => {
    const g = new Group(w, kind);
    g.variant = `HN-${String(++serial).padStart(4, '0')}`;
    return g;
  };
  const usedInst = new Set<number>();
  const claimInst = (i: number) => {
    usedInst.add(i);
    w.insts[i]!.tags.add('hn-used');
  };
  const rr = (k: number) => k % regions;
  const card = (p: Person) => L.defaultCard(p);

  // ---------------------------------------------------------------- giant hospital
  for (let r = 0; r < Math.min(cfg.hn['giant-hospital'], regions); r++) {
    const hub = w.byRegion[r]!.hospitals.map((i) => w.insts[i]!).find((h) => h.tags.has('giant'))!;
    const g = newGroup('giant-hospital');
    g.inst(hub.idx, 'hub-hospital', true);
    out.push({
      group: g,
      finish: () => {
        const per = new Map<number, number[]>();
        for (const c of L.claims) {
          if (c.dropped || c.inst !== hub.idx) continue;
          const p = w.persons[c.insured]!;
          if (p.reserved !== 0) continue;
          const list = per.get(p.idx);
          if (list) list.push(c.idx);
          else per.set(p.idx, [c.idx]);
        }
        const pick = [...per.entries()].filter(([, cs]) => cs.length >= 3).sort((a, b) => a[0] - b[0]).slice(0, 60);
        for (const [p, cs] of pick) {
          g.person(p, 'frequent-patient');
          for (const c of cs) g.claim(c);
        }
        g.description = `${hub.name}: a tertiary hospital drawing a large share of the region's patients; ${pick.length} patients with 3+ claims listed (cap 60), thousands more unlisted`;
      },
    });
  }

  // ---------------------------------------------------------------- pharmacy beside hospital
  for (const [h, ph] of st.beside) {
    const g = newGroup('pharmacy-beside-hospital');
    g.inst(ph, 'pharmacy', true);
    g.inst(h, 'hospital', true);
    out.push({
      group: g,
      finish: () => {
        const fills = new Map<number, number[]>();
        const fillDays = new Map<number, Set<number>>();
        let toBeside = 0;
        let fromH = 0;
        for (const c of L.claims) {
          if (c.dropped || c.kind !== 'pharmacy' || c.rxInst !== h) continue;
          fromH++;
          if (c.inst !== ph) continue;
          toBeside++;
          const p = w.persons[c.insured]!;
          if (p.reserved !== 0) continue;
          (fills.get(p.idx) ?? fills.set(p.idx, []).get(p.idx)!).push(c.idx);
          (fillDays.get(p.idx) ?? fillDays.set(p.idx, new Set()).get(p.idx)!).add(Math.floor(c.t / DAY));
        }
        const ps = [...fills.keys()].sort((a, b) => a - b).slice(0, 60);
        const chosen = new Set(ps);
        for (const p of ps) {
          g.person(p, 'prescription-patient');
          for (const c of fills.get(p)!) g.claim(c);
        }
        for (const c of L.claims) {
          if (c.dropped || c.inst !== h || !chosen.has(c.insured)) continue;
          if (fillDays.get(c.insured)!.has(Math.floor(c.t / DAY))) g.claim(c.idx);
        }
        g.description = `${w.insts[ph]!.name} across the street fills ${toBeside} of the ${fromH} external prescriptions of ${w.insts[h]!.name} (${Math.round((100 * toBeside) / Math.max(1, fromH))}%); ${ps.length} patients listed (cap 60)`;
      },
    });
  }

  // ---------------------------------------------------------------- family pharmacy
  for (let k = 0; k < cfg.hn['family-pharmacy']; k++) {
    const r = rr(k);
    const hhs = rng.shuffle(w.households.filter((h) => h.region === r && h.kind !== 'nursing-home' && h.members.length >= 3 && h.members.every((m) => w.persons[m]!.reserved === 0 && w.persons[m]!.lives === r)));
    const hh = hhs.find((h) => {
      const p0 = w.persons[h.members[0]!]!;
      const ph = w.insts[p0.pharmacies[0]!]!;
      return !ph.hnCore && !ph.ringUsed && !usedInst.has(ph.idx);
    });
    if (!hh) continue;
    const members = hh.members.map((m) => w.persons[m]!);
    mark(members);
    const ph = w.insts[members[0]!.pharmacies[0]!]!;
    claimInst(ph.idx);
    const g = newGroup('family-pharmacy');
    for (const m of members) g.person(m.idx, 'family-member');
    g.inst(ph.idx, 'pharmacy');
    const r2 = rng.fork('fam' + k);
    out.push({
      group: g,
      phase2: () => {
        let d = r2.int(0, 20);
        let trips = 0;
        while (d < DAYS) {
          const n = r2.chance(0.3) ? 1 : r2.int(2, Math.min(4, members.length));
          const who = r2.sample(members, n).filter((m) => !L.inpatientOn(m.idx, d));
          let t = at(d, timeOfDay(ph, r2));
          for (const m of who) {
            const reg = regimenOf(m, r2);
            const basket: LineSpec[] = reg && r2.chance(0.5) ? reg.lines.map(([key, q]) => [item(key), q] as LineSpec) : otcBasket(m, r2);
            g.claim(L.add({ t, kind: 'pharmacy', inst: ph.idx, holder: m.idx, card: card(m), dx: dx(m.age < 14 ? 'urti' : reg ? reg.main.key : 'gastritis'), lines: basket }));
            t += r2.int(50, 360);
          }
          trips++;
          d += r2.int(8, 24);
        }
        g.description = `household ${hh.id} (${members.length} people at ${hh.address}) buying together at their neighbourhood pharmacy ${ph.name}: ${trips} trips`;
      },
    });
  }

  // ---------------------------------------------------------------- family mutual aid (家庭共济) across households
  {
    const pairs: Array<{ payer: Person; relatives: Person[] }> = [];
    const kids = rng.shuffle(w.households.filter((h) => h.parent >= 0));
    for (const hh of kids) {
      if (pairs.length >= cfg.hn['family-mutual-aid']) break;
      const parentHh = w.households[hh.parent]!;
      const payer = hh.members.map((m) => w.persons[m]!).find((p) => p.insured === 'employee' && p.age >= 25 && p.age < 58 && p.reserved === 0 && p.lives === p.region && parentHh.members.some((m) => w.persons[m]!.surname === p.surname));
      if (!payer) continue;
      const rel = parentHh.members.map((m) => w.persons[m]!).filter((p) => p.reserved === 0 && p.lives === payer.lives && (p.age >= 58 || p.age < 14));
      if (!rel.length) continue;
      if (hh.members.some((m) => w.persons[m]!.reserved !== 0)) continue;
      pairs.push({ payer, relatives: rel });
      mark([payer, ...rel]);
    }
    pairs.forEach(({ payer, relatives }, k) => {
      const g = newGroup('family-mutual-aid');
      const c = payer.ev >= 0 && rng.chance(0.6) ? payer.ev : payer.physical;
      g.person(payer.idx, 'card-owner');
      g.card(c, 'shared-card');
      for (const rp of relatives) g.person(rp.idx, 'family-member');
      const old = relatives.find((x) => x.age >= 58) ?? relatives[0]!;
      const ph = w.insts[old.pharmacies[0]!]!;
      g.inst(ph.idx, 'pharmacy');
      const clinic = old.homeClinic;
      if (clinic >= 0) g.inst(clinic, 'clinic');
      for (const rp of relatives) if (rp.age >= 58 && rp.conds) rp.chronicHandled = true;
      const r2 = rng.fork('aid' + k);
      out.push({
        group: g,
        phase2: () => {
          let n = 0;
          for (const rp of relatives) {
            const reg = rp.age >= 58 ? regimenOf(rp, r2) : null;
            if (rp.age >= 58) {
              let d = r2.int(0, 25);
              while (d < DAYS) {
                if (!L.inpatientOn(rp.idx, d)) {
                  const basket: LineSpec[] = reg ? reg.lines.map(([key, q]) => [item(key), q] as LineSpec) : lines(['calcium_d3', 1], [r2.pick(['glucosamine', 'danshen_pill', 'ginkgo_tab']), 1]);
                  const onPayer = r2.chance(0.72);
                  const idx = L.add({ t: at(d, timeOfDay(ph, r2)), kind: 'pharmacy', inst: ph.idx, holder: onPayer ? payer.idx : rp.idx, card: onPayer ? c : undefined, served: rp.idx, dx: reg ? reg.main : dx('osteoporosis'), lines: basket });
                  if (onPayer) {
                    g.claim(idx);
                    n++;
                  }
                  if (clinic >= 0 && r2.chance(0.18)) {
                    const ci = w.insts[clinic]!;
                    const doc = pickDoctor(w, clinic, ['全科'], r2);
                    g.claim(L.add({ t: at(Math.min(DAYS - 1, d + r2.int(1, 6)), timeOfDay(ci, r2)), kind: 'outpatient', inst: clinic, doctor: doc, holder: payer.idx, card: c, served: rp.idx, dx: reg ? reg.main : dx('osteoporosis'), lines: [[consultItem(w, doc), 1], ...lines(['blood_routine', r2.chance(0.3) ? 1 : 0], ['fasting_glucose', reg?.dm ? 1 : 0])] }));
                    n++;
                  }
                }
                d += Math.max(20, Math.round(r2.normal(30, 4)));
              }
            } else {
              // left-behind grandchild: paediatric medicine on the parent's card (an age "contradiction" that is honest)
              const eps = r2.int(3, 6);
              for (let e = 0; e < eps; e++) {
                const d = r2.pick([r2.int(180, 365), r2.int(0, 60), r2.int(200, 330)]);
                if (L.inpatientOn(rp.idx, d)) continue;
                g.claim(L.add({ t: at(d, timeOfDay(ph, r2)), kind: 'pharmacy', inst: ph.idx, holder: payer.idx, card: c, served: rp.idx, dx: dx('urti'), lines: lines(['kids_cold', 1], ['ibuprofen_susp', r2.chance(0.6) ? 1 : 0]) }));
                n++;
              }
            }
          }
          g.description = `家庭共济: ${payer.name}'s ${w.cards[c]!.type === 'physical' ? 'card' : 'e-voucher'} pays for ${relatives.length} relative(s) (${relatives.map((x) => `${x.surname}, age ${Math.floor(x.age)}`).join('; ')}) living in the parents' household: ${n} claims`;
        },
      });
    });
  }

  // ---------------------------------------------------------------- nursing homes
  w.nursingHomes.slice(0, cfg.hn['nursing-home']).forEach((hhIdx, k) => {
    const hh = w.households[hhIdx]!;
    const residents = hh.members.map((m) => w.persons[m]!);
    const clinicIdx = residents[0]!.homeClinic;
    if (clinicIdx < 0) return;
    const clinic = w.insts[clinicIdx]!;
    const doc = pickDoctor(w, clinic.idx, ['全科'], rng);
    claimInst(clinic.idx);
    for (const p of residents) {
      p.chronicHandled = true;
      p.reserved = 2;
    }
    const g = newGroup('nursing-home');
    for (const p of residents) g.person(p.idx, 'resident');
    g.inst(clinic.idx, 'clinic');
    g.doctor(doc, 'doctor');
    const wd = rng.pick([2, 3, 4]);
    const r2 = rng.fork('nh' + k);
    out.push({
      group: g,
      phase2: () => {
        let n = 0;
        for (let d = 0; d < DAYS; d++) {
          if (dow[d] !== wd) continue;
          let t = at(d, Math.round(r2.float(8.3, 8.8) * HOUR));
          for (const p of r2.shuffle([...residents])) {
            if (!r2.chance(0.7) || L.inpatientOn(p.idx, d)) continue;
            const reg = regimenOf(p, r2);
            const drugs: LineSpec[] = reg ? reg.lines.map(([key, q]) => [item(key), Math.max(1, Math.round(q / 2))] as LineSpec) : lines([r2.pick(['calcium_d3', 'danshen_pill', 'mecobalamin']), 1]);
            const tests = lines(['fasting_glucose', reg?.dm && r2.chance(0.4) ? 1 : 0], ['blood_routine', r2.chance(0.08) ? 1 : 0]);
            g.claim(L.add({ t, kind: 'outpatient', inst: clinic.idx, doctor: doc, holder: p.idx, card: p.physical, dx: reg ? reg.main : dx('htn'), lines: [[item('consult_gp'), 1], ...tests, ...(r2.chance(0.75) ? drugs : [])] }));
            n++;
            t += r2.int(3 * MIN, 11 * MIN);
          }
        }
        g.description = `${residents.length} residents of ${hh.address.replace(/^.*?区/, '')} seen every ${['周日', '周一', '周二', '周三', '周四', '周五', '周六'][wd]} morning by one GP of ${clinic.name}: ${n} visits`;
      },
    });
  });

  // ---------------------------------------------------------------- weekly chronic patients of a clinic
  for (let k = 0; k < cfg.hn['weekly-chronic']; k++) {
    const r = rr(k + 1);
    const clinics = w.byRegion[r]!.clinics.map((i) => w.insts[i]!).filter((c) => (c.tags.has('community') || c.tags.has('township')) && !c.hnCore && !c.ringUsed && !usedInst.has(c.idx));
    const scored = clinics.map((c) => ({ c, ps: w.persons.filter((p) => p.reserved === 0 && p.homeClinic === c.idx && p.conds & (C.HTN | C.DM) && p.age >= 50) }));
    scored.sort((a, b) => b.ps.length - a.ps.length);
    const best = scored[0];
    if (!best || best.ps.length < 8) continue;
    const clinic = best.c;
    claimInst(clinic.idx);
    const ps = rng.sample(best.ps, rng.int(9, Math.min(18, best.ps.length)));
    mark(ps);
    for (const p of ps) p.chronicHandled = true;
    const g = newGroup('weekly-chronic');
    for (const p of ps) g.person(p.idx, 'chronic-patient');
    g.inst(clinic.idx, 'clinic');
    const r2 = rng.fork('wc' + k);
    out.push({
      group: g,
      phase2: () => {
        let n = 0;
        for (const p of ps) {
          const reg = regimenOf(p, r2);
          if (!reg) continue;
          const wd = r2.int(1, 5);
          const every = r2.chance(0.7) ? 7 : 14;
          const hour = r2.float(8.1, 10.5);
          const doc = pickDoctor(w, clinic.idx, ['全科'], r2);
          let d = (wd - (dow[0]!) + 7) % 7;
          let visit = 0;
          while (d < DAYS) {
            if (!L.inpatientOn(p.idx, d) && !r2.chance(0.08)) {
              const qty = every === 7 ? 1 : 1;
              const drugs = visit % (every === 7 ? 4 : 2) === 0 ? reg.lines.map(([key, q]) => [item(key), q] as LineSpec) : reg.lines.slice(0, 1).map(([key]) => [item(key), qty] as LineSpec);
              g.claim(L.add({ t: at(d, Math.round((hour + r2.normal(0, 0.3)) * HOUR)), kind: 'outpatient', inst: clinic.idx, doctor: doc, holder: p.idx, dx: reg.main, lines: [[item('consult_gp'), 1], ...lines(['fasting_glucose', reg.dm && visit % 4 === 0 ? 1 : 0], ['hba1c', reg.dm && visit % 16 === 5 ? 1 : 0]), ...drugs] }));
              n++;
            }
            visit++;
            d += every;
          }
        }
        g.description = `${ps.length} hypertension/diabetes patients of ${clinic.name}, each on their own fixed weekday (weekly or fortnightly): ${n} visits`;
      },
    });
  }

  // ---------------------------------------------------------------- pharmacy member day (会员日)
  for (let k = 0; k < cfg.hn['pharmacy-member-day']; k++) {
    const r = rr(k + 2);
    const phs = w.byRegion[r]!.pharmacies.map((i) => w.insts[i]!).filter((p) => p.tags.has('retail') && !p.hnCore && !p.ringUsed && !usedInst.has(p.idx));
    const scored = phs.map((ph) => ({ ph, ps: w.persons.filter((p) => p.reserved === 0 && p.pharmacies[0] === ph.idx && p.conds & (C.HTN | C.DM | C.LIPID | C.CHD) && p.age >= 45) }));
    scored.sort((a, b) => b.ps.length - a.ps.length);
    const best = scored[0];
    if (!best || best.ps.length < 12) continue;
    const ph = best.ph;
    ph.hnCore = true;
    claimInst(ph.idx);
    const ps = rng.sample(best.ps, Math.min(best.ps.length, rng.int(16, 32)));
    mark(ps);
    for (const p of ps) p.chronicHandled = true;
    const days = rng.pick([[8, 18, 28], [15], [6, 16, 26], [1, 15]]);
    const g = newGroup('pharmacy-member-day');
    for (const p of ps) g.person(p.idx, 'member');
    g.inst(ph.idx, 'pharmacy', true);
    const r2 = rng.fork('md' + k);
    out.push({
      group: g,
      phase2: () => {
        let n = 0;
        const memberDays: number[] = [];
        for (let d = 0; d < DAYS; d++) if (days.includes(mday[d]!)) memberDays.push(d);
        for (const p of ps) {
          const reg = regimenOf(p, r2);
          if (!reg) continue;
          let lastMonth = -1;
          for (const d of memberDays) {
            if (month[d] === lastMonth) continue;
            if (!r2.chance(days.length > 1 ? 0.5 : 0.85)) continue;
            if (L.inpatientOn(p.idx, d)) continue;
            lastMonth = month[d]!;
            g.claim(L.add({ t: at(d, Math.round(r2.float(8.5, 20) * HOUR)), kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: reg.main, lines: reg.lines.map(([key, q]) => [item(key), q] as LineSpec) }));
            n++;
          }
          // quarterly doctor check at the home clinic (unlisted)
          if (p.homeClinic >= 0) {
            const c = w.insts[p.homeClinic]!;
            for (let d = r2.int(0, 80); d < DAYS; d += r2.int(80, 100)) {
              if (L.inpatientOn(p.idx, d)) continue;
              const doc = pickDoctor(w, c.idx, ['全科'], r2);
              L.add({ t: at(d, timeOfDay(c, r2)), kind: 'outpatient', inst: c.idx, doctor: doc, holder: p.idx, dx: reg.main, lines: lines(['consult_gp', 1], ['hba1c', reg.dm ? 1 : 0], ['fasting_glucose', reg.dm ? 1 : 0], ['lipid_panel', r2.chance(0.3) ? 1 : 0]) });
            }
          }
        }
        g.description = `${ps.length} chronic regulars of ${ph.name} buying their monthly medicine on its member day(s) (每月${days.join('/')}日) spread over the day: ${n} purchases`;
      },
    });
  }

  // ---------------------------------------------------------------- DTP pharmacy
  st.dtp.forEach((phIdx, k) => {
    const ph = w.insts[phIdx]!;
    const r = ph.region;
    const hs = w.byRegion[r]!.hospitals.map((i) => w.insts[i]!).filter((h) => hasDept(w, h.idx, DEPTS.onc));
    const h = hs.find((x) => x.tags.has('oncology')) ?? hs.find((x) => !x.tags.has('giant')) ?? hs[0]!;
    const onc = [...DEPTS.onc].flatMap((d) => doctorsIn(w, h.idx, d));
    const doc = rng.pick(onc);
    claimInst(h.idx);
    const ps = freePersons(w, rng, (p) => p.lives === r && p.region === r && p.age >= 42 && p.age < 82).slice(0, rng.int(7, 15));
    mark(ps);
    const g = newGroup('dtp-pharmacy');
    g.inst(ph.idx, 'pharmacy', true);
    g.doctor(doc, 'oncologist');
    g.inst(h.idx, 'hospital');
    for (const p of ps) g.person(p.idx, 'patient');
    const r2 = rng.fork('dtp' + k);
    out.push({
      group: g,
      phase2: () => {
        let n = 0;
        for (const p of ps) {
          const breast = p.gender === 'F' && r2.chance(0.45);
          const drug = breast ? 'palbociclib' : 'osimertinib';
          const diag = dx(breast ? 'breast_ca' : 'lung_ca');
          let d = r2.int(0, 150);
          let k2 = 0;
          while (d < DAYS - 1) {
            if (!L.inpatientOn(p.idx, d)) {
              const t = at(d, timeOfDay(h, r2));
              g.claim(L.add({ t, kind: 'outpatient', inst: h.idx, doctor: doc, holder: p.idx, dx: diag, lines: lines([consultItem(w, doc).key, 1], ['tumor_markers', k2 % 2 === 0 ? 1 : 0], ['ct_enhanced', k2 % 3 === 2 ? 1 : 0], ['blood_routine', 1], ['liver_panel', k2 % 2 === 1 ? 1 : 0]) }));
              let ft = t + r2.int(60 * MIN, 5 * HOUR);
              if (ft - Math.floor(ft / DAY) * DAY > ph.close - 600) ft = (Math.floor(ft / DAY) + 1) * DAY + ph.open + r2.int(600, 3 * HOUR);
              if (ft < DAYS * DAY) g.claim(L.add({ t: ft, kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: diag, rx: L.newRxId(), rxDoctor: doc, lines: lines([drug, 1]) }));
              n += 2;
            }
            k2++;
            d += r2.int(27, 33);
          }
        }
        g.description = `${ph.name}, the only pharmacy stocking 奥希替尼/哌柏西利, fills every monthly prescription of oncologist ${w.doctors[doc]!.name} (${h.name}) for ${ps.length} patients: ${n} claims`;
      },
    });
  });

  // ---------------------------------------------------------------- dialysis centre
  st.dialysis.slice(0, cfg.hn.dialysis).forEach((ci, k) => {
    const centre = w.insts[ci]!;
    const r = centre.region;
    const ps = freePersons(w, rng, (p) => p.lives === r && p.region === r && p.age >= 40 && p.age < 84).slice(0, rng.int(12, 22));
    mark(ps);
    const docs = centre.doctors.slice(0, 2);
    const g = newGroup('dialysis');
    g.inst(centre.idx, 'dialysis-centre', true);
    for (const d of docs) g.doctor(d, 'nephrologist');
    for (const p of ps) g.person(p.idx, 'dialysis-patient');
    const r2 = rng.fork('dia' + k);
    out.push({
      group: g,
      phase2: () => {
        let n = 0;
        for (const p of ps) {
          const mwf = r2.chance(0.5);
          const morning = r2.chance(0.55);
          const doc = r2.pick(docs);
          const startDay = r2.chance(0.8) ? 0 : r2.int(30, 200);
          const hdfWeek = r2.int(0, 1);
          for (let d = startDay; d < DAYS; d++) {
            const wd = dow[d]!;
            const on = mwf ? wd === 1 || wd === 3 || wd === 5 : wd === 2 || wd === 4 || wd === 6;
            if (!on || L.inpatientOn(p.idx, d)) continue;
            const settle = (morning ? 11.3 : 16.6) * HOUR + r2.int(-900, 1500);
            const hdf = Math.floor(d / 7) % 2 === hdfWeek && wd <= 2;
            g.claim(L.add({ t: at(d, settle), kind: 'outpatient', inst: centre.idx, doctor: doc, holder: p.idx, card: p.physical, dx: dx('ckd5'), lines: lines([hdf ? 'hemodiafiltration' : 'hemodialysis', 1], ['dialyzer', 1], ['heparin', 1], ['epo', wd <= 3 ? 1 : 0], ['iron_sucrose', mday[d]! <= 7 && wd <= 3 ? 1 : 0]) }));
            n++;
          }
        }
        g.description = `${ps.length} end-stage renal patients dialysed three times a week in fixed shifts at ${centre.name}: ${n} sessions with near-identical items`;
      },
    });
  });

  // ---------------------------------------------------------------- chemotherapy cycles
  for (let k = 0; k < cfg.hn['chemotherapy-cycles']; k++) {
    let h: Institution;
    let core = false;
    if (k === 0 && st.onco.length) {
      h = w.insts[st.onco[0]!]!;
      core = true;
    } else {
      const cands = w.insts.filter((i) => i.kind === 'hospital' && i.level === 'tertiary' && !i.tags.has('giant') && !i.ringUsed && hasDept(w, i.idx, ['肿瘤科', '肿瘤内科']) && !usedInst.has(i.idx));
      cands.sort((a, b) => Number(a.hnCore) - Number(b.hnCore) || Number(a.region !== rr(k)) - Number(b.region !== rr(k)) || a.idx - b.idx);
      if (!cands.length) continue;
      h = cands[0]!;
    }
    claimInst(h.idx);
    const r = h.region;
    const docs = [...DEPTS.onc].flatMap((d) => doctorsIn(w, h.idx, d)).slice(0, 3);
    const ps = freePersons(w, rng, (p) => p.lives === r && p.region === r && p.age >= 40 && p.age < 80).slice(0, rng.int(9, 18));
    mark(ps);
    const g = newGroup('chemotherapy-cycles');
    g.inst(h.idx, 'hospital', core);
    for (const d of docs) g.doctor(d, 'oncologist');
    for (const p of ps) g.person(p.idx, 'patient');
    const r2 = rng.fork('chemo' + k);
    out.push({
      group: g,
      phase1: () => {
        let n = 0;
        for (const p of ps) {
          const cancer = p.gender === 'F' && r2.chance(0.4) ? 'breast_ca' : r2.pick(['lung_ca', 'colon_ca', 'gastric_ca']);
          const interval = cancer === 'colon_ca' ? 14 : 21;
          const cycles = r2.int(4, 8);
          const doc = r2.pick(docs);
          let d = r2.int(0, 170);
          const her2 = cancer === 'breast_ca' && r2.chance(0.35);
          for (let c = 0; c < cycles && d < DAYS - 4; c++) {
            const los = r2.int(2, 3);
            if (!L.staysOverlap(p.idx, d, d + los, 1)) {
              const drugs: Array<[string, number]> =
                cancer === 'colon_ca' ? [['oxaliplatin', 1], ['chemo_pump', 1]] : cancer === 'gastric_ca' ? [['oxaliplatin', 1], ['capecitabine', 2]] : cancer === 'breast_ca' ? [['paclitaxel', 2], ...(her2 ? ([['trastuzumab', 1]] as Array<[string, number]>) : [])] : [['pemetrexed', 2]];
              g.claim(addStay(ctx, { person: p.idx, inst: h.idx, doctor: doc, dxKey: 'chemo', adm: d, los, lines: lines(['bed_general', los], ['ward_consult', los], ['nursing', los], ...drugs, ['ondansetron', 2], ['chemo_admin', 1], ['blood_routine', 1], ['liver_panel', 1], ['saline', 2], ['tumor_markers', c % 3 === 0 ? 1 : 0], ['ct_enhanced', c % 3 === 2 ? 1 : 0]) }));
              n++;
            }
            d += interval + r2.int(0, 3);
          }
        }
        g.description = `${ps.length} cancer patients on planned chemotherapy cycles every 14 or 21 days at ${h.name} (2-3 day stays): ${n} planned readmissions`;
      },
    });
  }

  // ---------------------------------------------------------------- rehabilitation courses
  for (let k = 0; k < cfg.hn['rehab-course']; k++) {
    let inst: Institution;
    let core = false;
    if (k < st.rehab.length) {
      inst = w.insts[st.rehab[k]!]!;
      core = true;
    } else {
      inst = pickInst(w, rng, rr(k), (i) => i.kind === 'hospital' && hasDept(w, i.idx, ['康复医学科']) && !i.tags.has('giant') && !usedInst.has(i.idx));
    }
    claimInst(inst.idx);
    const r = inst.region;
    const ps = freePersons(w, rng, (p) => p.lives === r && p.region === r && p.age >= 45 && p.age < 85).slice(0, rng.int(9, 18));
    mark(ps);
    const therapists = [...DEPTS.rehab].flatMap((d) => doctorsIn(w, inst.idx, d)).slice(0, 3);
    const g = newGroup('rehab-course');
    g.inst(inst.idx, 'rehab-institution', core);
    for (const d of therapists) g.doctor(d, 'therapist');
    for (const p of ps) g.person(p.idx, 'patient');
    const events = new Map<number, { key: string; end: number }>();
    const r2 = rng.fork('rehab' + k);
    out.push({
      group: g,
      phase1: () => {
        // the index stay (stroke or fracture) at an acute hospital — honest and unlisted
        for (const p of ps) {
          const key = r2.chance(0.55) ? 'stroke' : p.age > 65 ? 'femur_fx' : 'leg_fx';
          const acute = w.byRegion[r]!.hospitals.map((i) => w.insts[i]!).filter((h) => h.tags.has('general') && h.beds > 0 && hasDept(w, h.idx, key === 'stroke' ? DEPTS.neuro : DEPTS.msk));
          const h = r2.pick(acute);
          const los = r2.int(9, 15);
          const adm = r2.int(0, 300);
          if (L.staysOverlap(p.idx, adm, adm + los + 30, 2)) continue;
          addStay(ctx, { person: p.idx, inst: h.idx, doctor: pickDoctor(w, h.idx, key === 'stroke' ? DEPTS.neuro : DEPTS.msk, r2), dxKey: key, adm, los, lines: stayLines(key, los, h, p, r2) });
          events.set(p.idx, { key, end: adm + los });
        }
      },
      phase2: () => {
        let n = 0;
        for (const p of ps) {
          const ev = events.get(p.idx);
          if (!ev) continue;
          const doc = r2.pick(therapists);
          const sessions = r2.int(10, 20);
          let d = ev.end + r2.int(3, 9);
          const stroke = ev.key === 'stroke';
          const hourPref = r2.float(8.5, 15.5);
          for (let s = 0; s < sessions && d < DAYS; s++) {
            if (dow[d] === 0) d++;
            if (d >= DAYS) break;
            if (!L.inpatientOn(p.idx, d)) {
              g.claim(L.add({ t: at(d, Math.round((hourPref + r2.normal(0, 0.4)) * HOUR)), kind: 'outpatient', inst: inst.idx, doctor: doc, holder: p.idx, dx: dx(stroke ? 'stroke_sequela' : ev.key), lines: lines([stroke ? 'hemiplegia_training' : 'exercise_therapy', 1], ['occupational_therapy', stroke && r2.chance(0.6) ? 1 : 0], ['tens', 1], ['acupuncture', stroke && r2.chance(0.4) ? 1 : 0], ['dr_xray', !stroke && (s === 0 || s === sessions - 1) ? 1 : 0]) }));
              n++;
            }
            d += r2.weighted([1, 2, 3], [0.35, 0.45, 0.2]);
          }
        }
        g.description = `${ps.length} stroke/fracture patients on 10-20-session rehabilitation courses at ${inst.name}: ${n} sessions`;
      },
    });
  }

  // ---------------------------------------------------------------- school outbreak
  for (let k = 0; k < cfg.hn['school-outbreak']; k++) {
    const r = rr(k);
    const reg = w.regions[r]!;
    const district = reg.districts.filter((d) => !d.rural)[k % 2] ?? reg.districts[0]!;
    const lo = k % 2 === 0 ? 7 : 10;
    const kidsAll = freePersons(w, rng, (p) => p.lives === r && p.region === r && w.households[p.household]!.district.code === district.code && p.age >= lo && p.age < lo + 2.2);
    if (kidsAll.length < 15) continue;
    const kids = kidsAll.slice(0, rng.int(24, Math.min(42, kidsAll.length)));
    mark(kids);
    const hs = w.byRegion[r]!.hospitals.map((i) => w.insts[i]!).filter((h) => !h.hnCore && hasDept(w, h.idx, ['儿科']));
    const h = hs.sort((a, b) => km(a.lat, a.lon, district.lat, district.lon) - km(b.lat, b.lon, district.lat, district.lon))[0]!;
    claimInst(h.idx);
    const flu = k % 2 === 0;
    const day0 = flu ? rng.int(250, 300) : rng.int(220, 340);
    const g = newGroup('school-outbreak');
    for (const p of kids) g.person(p.idx, 'student');
    g.inst(h.idx, 'hospital');
    const r2 = rng.fork('school' + k);
    const docs = new Set<number>();
    out.push({
      group: g,
      phase2: () => {
        for (const p of kids) {
          const d = day0 + (r2.chance(0.62) ? 0 : 1);
          if (L.inpatientOn(p.idx, d)) continue;
          const evening = r2.chance(0.45);
          const doc = pickDoctor(w, h.idx, evening ? ['急诊科', '儿科'] : ['儿科'], r2);
          docs.add(doc);
          const t = at(d, evening ? Math.round(r2.float(17.6, 21.5) * HOUR) : timeOfDay(h, r2));
          const ls = flu
            ? lines([consultItem(w, doc).key, 1], ['flu_antigen', 1], ['blood_routine', r2.chance(0.7) ? 1 : 0], ['crp', r2.chance(0.4) ? 1 : 0], [p.age <= 12 ? 'oseltamivir_kid' : 'oseltamivir', 1], ['ibuprofen_susp', r2.chance(0.6) ? 1 : 0])
            : lines([consultItem(w, doc).key, 1], ['blood_routine', 1], ['smectite', 1], ['ors', 1]);
          g.claim(L.add({ t, kind: 'outpatient', inst: h.idx, doctor: doc, holder: p.idx, dx: dx(flu ? 'flu' : 'norovirus'), lines: ls }));
          if (r2.chance(0.2) && d + 2 < DAYS) g.claim(L.add({ t: at(d + r2.int(2, 3), timeOfDay(h, r2)), kind: 'outpatient', inst: h.idx, doctor: doc, holder: p.idx, dx: dx(flu ? 'flu' : 'norovirus'), lines: lines([consultItem(w, doc).key, 1], ['blood_routine', r2.chance(0.5) ? 1 : 0]) }));
        }
        for (const d of docs) g.doctor(d, 'doctor');
        g.description = `${flu ? 'influenza B' : 'norovirus'} outbreak in a ${district.name} primary-school class: ${kids.length} pupils (age ${lo}-${lo + 2}) at the paediatrics of ${h.name} within two days`;
      },
    });
  }

  // ---------------------------------------------------------------- pharmacy morning rush
  st.rush.forEach((phIdx, k) => {
    const ph = w.insts[phIdx]!;
    const regulars = freePersons(w, rng, (p) => p.lives === ph.region && p.pharmacies.slice(0, 3).includes(ph.idx) && p.age >= 55).slice(0, rng.int(28, 50));
    mark(regulars);
    const g = newGroup('pharmacy-morning-rush');
    g.inst(ph.idx, 'pharmacy', true);
    for (const p of regulars) g.person(p.idx, 'regular-customer');
    const r2 = rng.fork('rush' + k);
    out.push({
      group: g,
      phase2: () => {
        let n = 0;
        for (const p of regulars) {
          const visits = r2.int(10, 28);
          const reg = regimenOf(p, r2);
          for (let v = 0; v < visits; v++) {
            const d = r2.int(0, DAYS - 1);
            if (L.inpatientOn(p.idx, d)) continue;
            const basket: LineSpec[] = reg && r2.chance(0.35) ? reg.lines.map(([key, q]) => [item(key), q] as LineSpec) : otcBasket(p, r2);
            g.claim(L.add({ t: at(d, Math.round(r2.float(7.0, 9.2) * HOUR)), kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: reg ? reg.main : dx('gastritis'), lines: basket }));
            n++;
          }
        }
        g.description = `${ph.name} beside a morning market opens at 07:00; ${regulars.length} retired regulars among the daily rush of cards minutes apart: ${n} rush purchases listed`;
      },
    });
  });

  // ---------------------------------------------------------------- company health check
  for (let k = 0; k < cfg.hn['company-health-check']; k++) {
    let inst: Institution;
    let core = false;
    if (k < st.checkup.length) {
      inst = w.insts[st.checkup[k]!]!;
      core = true;
    } else {
      inst = pickInst(w, rng, rr(k), (i) => i.kind === 'hospital' && hasDept(w, i.idx, ['健康管理科']) && !i.tags.has('giant'));
    }
    const r = inst.region;
    const emps = freePersons(w, rng, (p) => p.lives === r && p.region === r && p.insured === 'employee' && p.age >= 22 && p.age < 58).slice(0, rng.int(40, 110));
    mark(emps);
    const g = newGroup('company-health-check');
    g.inst(inst.idx, 'health-check-centre', core);
    for (const p of emps) g.person(p.idx, 'employee');
    const docs = [...DEPTS.checkup].flatMap((d) => doctorsIn(w, inst.idx, d)).slice(0, 2);
    const r2 = rng.fork('check' + k);
    const day0 = r2.pick([r2.int(30, 80), r2.int(160, 220)]);
    const company = r2.pick(['扬子江', '海宏', '中达', '华信', '金源', '恒通']) + r2.pick(['电子', '机械', '物流', '纺织', '建设']) + '有限公司';
    out.push({
      group: g,
      phase2: () => {
        const d1 = dow[day0] === 0 ? day0 + 1 : dow[day0] === 6 ? day0 + 2 : day0;
        for (const p of emps) {
          const d = d1 + (r2.chance(0.55) ? 0 : 1);
          if (L.inpatientOn(p.idx, d)) continue;
          const doc = r2.pick(docs);
          const ls = lines(['blood_routine', 1], ['urine_routine', 1], ['liver_panel', 1], ['renal_panel', 1], ['lipid_panel', 1], ['fasting_glucose', 1], ['ecg', 1], ['chest_xray', 1], ['ultrasound', 1], ['cervical_cyto', p.gender === 'F' && p.age >= 30 ? 1 : 0], ['psa', p.gender === 'M' && p.age >= 45 ? 1 : 0]);
          g.claim(L.add({ t: at(d, Math.round(r2.float(7.6, 10.6) * HOUR)), kind: 'outpatient', inst: inst.idx, doctor: doc, holder: p.idx, dx: dx('checkup'), lines: ls }));
        }
        for (const d of docs) g.doctor(d, 'examiner');
        g.description = `annual health check of ${emps.length} employees of ${company} at ${inst.name} over two days, identical exam packages`;
      },
    });
  }
  void chronicCare;
  return out;
}
