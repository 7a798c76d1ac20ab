/**
 * The honest background: a year of ordinary care for every person — acute illness with seasons,
 * chronic refills, over-the-counter purchases on the personal account, inpatient stays, pregnancies,
 * background dialysis and chemotherapy, rehab after strokes and fractures, household co-visits and
 * household 家庭共济.
 */
import type { Diagnosis, Item } from './catalog.ts';
import { dx, item } from './catalog.ts';
import type { ClaimSpec, Ledger, LineSpec } from './ledger.ts';
import { Rng } from './rng.ts';
import { sampleDay, timeOfDay, type Season } from './sched.ts';
import { DAY, DAYS, HOUR, MIN, dow, month as MONTHS } from './time.ts';
import type { Institution, Person, World } from './world.ts';
import { C, ageAt, km } from './world.ts';

export interface Ctx {
  w: World;
  L: Ledger;
}

export const DEPTS = {
  resp: ['呼吸内科', '内科', '全科', '中医内科', '急诊科'],
  child: ['儿科', '中医儿科', '全科'],
  gi: ['消化内科', '内科', '全科', '中医内科'],
  msk: ['骨科', '骨伤科', '针灸推拿科', '康复医学科', '外科', '全科', '中医科'],
  skin: ['皮肤科', '全科', '内科'],
  eye: ['眼科', '全科', '内科'],
  cardio: ['心血管内科', '内科', '全科'],
  endo: ['内分泌科', '内科', '全科'],
  neuro: ['神经内科', '内科', '全科'],
  renal: ['肾内科', '血液净化科', '内科'],
  onc: ['肿瘤内科', '肿瘤科', '内科'],
  obs: ['妇产科'],
  uro: ['泌尿外科', '外科', '全科'],
  surg: ['普外科', '外科', '全科'],
  rehab: ['康复医学科', '康复科', '针灸推拿科', '中医科'],
  tcm: ['针灸推拿科', '中医科', '中医内科', '康复科', '康复医学科'],
  checkup: ['健康管理科', '全科', '内科'],
  er: ['急诊科', '内科', '全科'],
} as const;

const deptCache = new Map<string, number[]>();

export function doctorsIn(w: World, instIdx: number, dept: string): number[] {
  const key = instIdx + '|' + dept;
  let list = deptCache.get(key);
  if (!list) {
    list = w.insts[instIdx]!.doctors.filter((d) => w.doctors[d]!.dept === dept);
    deptCache.set(key, list);
  }
  return list;
}

export function hasDept(w: World, instIdx: number, prefs: readonly string[]): boolean {
  return prefs.some((d) => doctorsIn(w, instIdx, d).length > 0);
}

export function pickDoctor(w: World, instIdx: number, prefs: readonly string[], rng: Rng): number {
  for (const dept of prefs) {
    const ds = doctorsIn(w, instIdx, dept);
    if (ds.length) return rng.weighted(ds, ds.map((d) => w.doctors[d]!.weight));
  }
  const all = w.insts[instIdx]!.doctors;
  return rng.weighted(all, all.map((d) => w.doctors[d]!.weight));
}

export function consultItem(w: World, doctor: number): Item {
  const d = w.doctors[doctor]!;
  const inst = w.insts[d.inst]!;
  if (d.dept === '急诊科') return item('consult_er');
  if (inst.kind === 'clinic') return item('consult_gp');
  if (d.title === '主任医师') return item('consult_chief');
  if (d.title === '副主任医师') return item('consult_senior');
  return item('consult_gp');
}

export function homePharmacy(p: Person, rng: Rng): number {
  return rng.weighted(p.pharmacies, p.pharmW);
}

export function pickHospital(w: World, p: Person, rng: Rng, prefs?: readonly string[]): number {
  let hs = p.hospitals;
  let ws = p.hospW;
  if (prefs) {
    const keep = hs.map((h, i) => [h, ws[i]!] as const).filter(([h]) => hasDept(w, h, prefs));
    if (keep.length) {
      hs = keep.map((k) => k[0]);
      ws = keep.map((k) => k[1]);
    }
  }
  return rng.weighted(hs, ws);
}

/** pharmacy filling an external prescription written at hospital h */
export function fillPharmacy(w: World, p: Person, h: Institution, rng: Rng): number {
  if (h.beside >= 0 && rng.chance(0.76)) return h.beside;
  if (h.near.length && rng.chance(0.45)) return rng.pick(h.near);
  return homePharmacy(p, rng);
}

export function lines(...specs: Array<[string, number] | false | null | undefined>): LineSpec[] {
  const out: LineSpec[] = [];
  for (const s of specs) if (s && s[1] > 0) out.push([item(s[0]), s[1]]);
  return out;
}

export function at(day: number, sec: number): number {
  return day * DAY + sec;
}

// ------------------------------------------------------------------ chronic regimens

export interface Regimen {
  lines: Array<[string, number]>;
  main: Diagnosis;
  dept: readonly string[];
  dm: boolean;
}

export function regimenOf(p: Person, rng: Rng): Regimen | null {
  const c = p.conds;
  const out: Array<[string, number]> = [];
  const add = (k: string, q: number) => out.push([k, q]);
  let main: Diagnosis | null = null;
  let dept: readonly string[] = DEPTS.cardio;
  const r = new Rng(p.idx, 'regimen'); // stable per person, independent of call order
  void rng;
  if (c & C.DM) {
    add('metformin', 2);
    const x = r.next();
    if (x < 0.25) add('glimepiride', 1);
    else if (x < 0.45) add('acarbose', 1);
    else if (x < 0.6) add('dapagliflozin', 1);
    if (r.chance(0.16)) add('glargine', 3);
    if (r.chance(0.18)) add(r.chance(0.5) ? 'mecobalamin' : 'epalrestat', 1);
    main = dx(r.chance(0.85) ? 't2dm' : 't2dm_neuro');
    dept = DEPTS.endo;
  }
  if (c & C.HTN) {
    const opts = ['amlodipine', 'valsartan', 'irbesartan_hct', 'metoprolol'];
    add(r.pick(opts), r.chance(0.6) ? 1 : 2);
    if (r.chance(0.3)) add(r.pick(opts), 1);
    main ??= dx('htn');
  }
  if (c & C.LIPID) add(r.chance(0.6) ? 'atorvastatin' : 'rosuvastatin', 1);
  if (c & C.CHD) {
    add('aspirin', 1);
    if (r.chance(0.3)) add('clopidogrel', 1);
    if (r.chance(0.25)) add('danshen_pill', 1);
    main ??= dx('chd');
  }
  if (c & C.COPD) {
    add(r.chance(0.5) ? 'tiotropium' : 'salmeterol_flut', 1);
    if (!main) {
      main = dx('copd_stable');
      dept = DEPTS.resp;
    }
  }
  if (c & C.OA) {
    add(r.chance(0.6) ? 'glucosamine' : 'celecoxib', 1);
    if (!main) {
      main = dx('oa_knee');
      dept = DEPTS.msk;
    }
  }
  if (c & C.BPH) {
    add('tamsulosin', 1);
    if (r.chance(0.3)) add('finasteride', 1);
    if (!main) {
      main = dx('bph');
      dept = DEPTS.uro;
    }
  }
  if (c & C.HYPO) {
    add('levothyroxine', 1);
    if (!main) {
      main = dx('hypothyroid');
      dept = DEPTS.endo;
    }
  }
  if (c & C.ASTHMA) {
    add('montelukast', 1);
    if (!main) {
      main = dx('asthma');
      dept = DEPTS.resp;
    }
  }
  if (!main || out.length === 0) return null;
  // de-duplicate
  const merged = new Map<string, number>();
  for (const [k, q] of out) merged.set(k, Math.max(merged.get(k) ?? 0, q));
  return { lines: [...merged], main, dept, dm: (c & C.DM) !== 0 };
}

// ------------------------------------------------------------------ inpatient items

export function stayLines(dxKey: string, los: number, inst: Institution, p: Person, rng: Rng): LineSpec[] {
  const bed = rng.chance(0.2) ? 'bed_double' : 'bed_general';
  const base: Array<[string, number] | false> = [
    [bed, los],
    ['ward_consult', los],
    ['nursing', los],
    ['blood_routine', Math.max(1, Math.ceil(los / 4))],
    ['electrolytes', Math.max(1, Math.ceil(los / 4))],
    ['liver_panel', 1],
    ['renal_panel', 1],
    ['coagulation', 1],
    ['urine_routine', 1],
    ['ecg_monitor', 24 * Math.min(los, 2)],
  ];
  const lvl2 = inst.level === 'secondary' || inst.level === 'tertiary';
  const child = p.age < 14;
  const ivDays = Math.max(1, los - 1);
  const x: Array<[string, number] | false> = [];
  switch (dxKey) {
    case 'pneumonia':
    case 'mp_pneumonia':
    case 'copd':
    case 'copd_stable':
      x.push(['crp', 2], lvl2 && rng.chance(0.5) ? ['ct_plain', 1] : ['chest_xray', 1], ['blood_gas', child ? 0 : 1]);
      x.push([child || dxKey === 'mp_pneumonia' ? 'azithro_iv' : rng.chance(0.5) ? 'piperacillin' : 'ceftriaxone_iv', ivDays * (child ? 1 : 2)], ['saline', ivDays * 2], ['iv_drip', ivDays * 2], ['infusion_set', ivDays], ['ambroxol_iv', child ? 0 : ivDays * 2], ['ambroxol', 1]);
      if (dxKey.startsWith('copd')) x.push(['budesonide_neb', 2], ['nebulization', los * 2], ['oxygen', los * 12]);
      if (child) x.push(['nebulization', Math.max(1, los - 2) * 2]);
      break;
    case 'chd':
    case 'angina':
      x.push(['ecg', 3], ['lipid_panel', 1], ['ultrasound', 1], ['aspirin', 1], ['clopidogrel', 1], ['atorvastatin', 1], ['heparin', los * 2], ['pantoprazole_iv', los], ['saline', los], ['iv_drip', los], ['ecg_monitor', 24 * Math.min(los, 3)]);
      break;
    case 'stroke':
      x.push(['lipid_panel', 1], lvl2 && ['ct_plain', 1], lvl2 && ['mri_plain', 1], ['ultrasound', 1], ['aspirin', 1], ['clopidogrel', 1], ['atorvastatin', 1], ['edaravone', ivDays * 2], ['hemiplegia_training', Math.max(1, los - 4)], ['saline', ivDays * 2], ['iv_drip', ivDays * 2], ['infusion_set', ivDays]);
      break;
    case 'femur_fx':
    case 'leg_fx':
    case 'wrist_fx':
      x.push(['dr_xray', 2], lvl2 && ['ct_plain', 1]);
      if (lvl2 && rng.chance(0.7)) x.push(['orif', 1], ['anesthesia', 1], ['bone_plate', 1], ['piperacillin', 6], ['saline', 8], ['iv_drip', 8], ['heparin', los], ['dressing', 3]);
      else x.push(['fracture_reduction', lvl2 ? 1 : 0], ['dressing', 2], ['celecoxib', 1]);
      break;
    case 'appendicitis':
      x.push(['ultrasound', 1], lvl2 && ['appendectomy', 1], lvl2 && ['anesthesia', 1], ['ceftriaxone_iv', 6], ['saline', 8], ['iv_drip', 8], ['pantoprazole_iv', 3], ['dressing', 2]);
      break;
    case 't2dm':
    case 't2dm_neuro':
    case 't2dm_renal':
      x.push(['hba1c', 1], ['fasting_glucose', los * 2], ['lipid_panel', 1], ['ultrasound', 1], ['aspart', 4], ['glargine', 1], ['metformin', 1], dxKey === 't2dm_neuro' && ['mecobalamin', 2], ['saline', los], ['iv_drip', los]);
      break;
    case 'delivery':
      x.push(['vaginal_delivery', 1], ['fetal_monitor', 2], ['saline', 2], ['iv_drip', 2]);
      break;
    case 'cesarean_dx':
      x.push(['cesarean', 1], ['anesthesia', 1], ['fetal_monitor', 1], ['ceftriaxone_iv', 4], ['saline', 8], ['iv_drip', 8], ['heparin', 3]);
      break;
    case 'gastritis':
    case 'diarrhea':
      x.push(lvl2 && rng.chance(0.5) && ['gastroscopy', 1], ['pantoprazole_iv', ivDays * 2], ['saline', ivDays * 2], ['glucose_iv', ivDays], ['potassium_iv', ivDays], ['iv_drip', ivDays * 2]);
      break;
    case 'lumbar_disc':
    case 'lbp':
      x.push(lvl2 && ['mri_plain', 1], ['dr_xray', 1], ['acupuncture', los - 1], ['tens', los - 1], ['tuina', Math.floor(los / 2)], ['celecoxib', 1], ['saline', ivDays], ['iv_drip', ivDays]);
      break;
    case 'cerebral_insuff':
      x.push(lvl2 && ['ct_plain', 1], ['ecg', 1], ['ultrasound', 1], ['ginkgo_tab', 1], ['edaravone', ivDays], ['saline', ivDays * 2], ['iv_drip', ivDays * 2]);
      break;
    default:
      x.push(['saline', 2], ['iv_drip', 2]);
  }
  return lines(...base, ...x);
}

const LOS: Record<string, [number, number]> = {
  pneumonia: [6, 11], mp_pneumonia: [5, 8], copd: [8, 13], chd: [5, 9], angina: [5, 8], stroke: [10, 16],
  femur_fx: [10, 17], leg_fx: [8, 14], wrist_fx: [4, 8], appendicitis: [4, 7], t2dm: [7, 11], t2dm_neuro: [8, 12],
  delivery: [3, 4], cesarean_dx: [5, 7], gastritis: [4, 7], diarrhea: [3, 5], lumbar_disc: [8, 13], cerebral_insuff: [6, 10],
};

export function losFor(key: string, rng: Rng): number {
  const r = LOS[key] ?? [4, 8];
  return rng.int(r[0], r[1]);
}

const STAY_DEPT: Record<string, readonly string[]> = {
  pneumonia: DEPTS.resp, mp_pneumonia: DEPTS.child, copd: DEPTS.resp, chd: DEPTS.cardio, angina: DEPTS.cardio, stroke: DEPTS.neuro,
  femur_fx: DEPTS.msk, leg_fx: DEPTS.msk, wrist_fx: DEPTS.msk, appendicitis: DEPTS.surg, t2dm: DEPTS.endo, t2dm_neuro: DEPTS.endo,
  delivery: DEPTS.obs, cesarean_dx: DEPTS.obs, gastritis: DEPTS.gi, diarrhea: DEPTS.gi, lumbar_disc: DEPTS.msk, cerebral_insuff: DEPTS.neuro,
  t2dm_renal: DEPTS.endo, lbp: DEPTS.msk, copd_stable: DEPTS.resp,
};

export function stayDept(key: string, child: boolean): readonly string[] {
  if (child) return DEPTS.child;
  return STAY_DEPT[key] ?? DEPTS.resp;
}

/** Creates an inpatient claim (settled on the discharge day) and registers the stay. */
export function addStay(ctx: Ctx, spec: { person: number; inst: number; doctor: number; dxKey: string; dxOverride?: Diagnosis; adm: number; los: number; lines: LineSpec[]; card?: number; priceFactor?: number }): number {
  const dis = Math.min(DAYS - 1, spec.adm + spec.los);
  ctx.L.addStay(spec.person, spec.adm, dis);
  const rng = ctx.L.rng;
  const s: ClaimSpec = {
    t: at(dis, Math.round(rng.float(9, 16.5) * HOUR)),
    kind: 'inpatient',
    inst: spec.inst,
    doctor: spec.doctor,
    holder: spec.person,
    dx: spec.dxOverride ?? dx(spec.dxKey),
    adm: spec.adm,
    dis,
    lines: spec.lines,
    trace: false,
  };
  if (spec.card !== undefined) s.card = spec.card;
  if (spec.priceFactor !== undefined) s.priceFactor = spec.priceFactor;
  return ctx.L.add(s);
}

// ------------------------------------------------------------------ background generation

export function generateBackground(ctx: Ctx, seed: number): void {
  const { w, L } = ctx;
  const rng = new Rng(seed, 'background');
  const persons = w.persons;

  // background dialysis and cancer patients (unlisted, scattered)
  for (const p of persons) {
    if (p.reserved !== 0) continue;
    if (p.age > 45 && rng.chance(0.00035)) p.conds |= C.ESRD;
    else if (p.age > 45 && rng.chance(0.0018)) p.conds |= C.CANCER;
  }

  for (const p of persons) {
    const r = new Rng(seed, 'bg-person-' + p.idx);
    personYear(ctx, p, r);
  }
  void rng;
}

function freeDay(L: Ledger, p: Person, d: number): boolean {
  return d >= 0 && d < DAYS && !L.inpatientOn(p.idx, d);
}

function livesHospitals(w: World, p: Person): Institution[] {
  return w.byRegion[p.lives]!.hospitals.map((i) => w.insts[i]!);
}

function personYear(ctx: Ctx, p: Person, r: Rng): void {
  const { w, L } = ctx;
  const age = p.age;
  const child = age < 14;
  const elderly = age >= 65;

  // ---- inpatient stays
  let pIn = age < 7 ? 0.08 : age < 15 ? 0.04 : age < 45 ? 0.045 : age < 65 ? 0.09 : age < 80 ? 0.2 : 0.3;
  if (p.conds & (C.CHD | C.COPD | C.DM)) pIn *= 1.4;
  if (p.reserved === 3) pIn *= 0.7;
  const nStays = r.chance(pIn) ? (r.chance(0.15) ? 2 : 1) : 0;
  for (let s = 0; s < nStays; s++) {
    let key: string;
    if (child) key = r.weighted(['pneumonia', 'mp_pneumonia', 'diarrhea', 'appendicitis', 'wrist_fx'], [0.4, 0.3, 0.15, 0.07, 0.08]);
    else if (age < 45) key = r.weighted(['appendicitis', 'leg_fx', 'pneumonia', 'gastritis', 'lumbar_disc', 'wrist_fx'], [0.22, 0.14, 0.2, 0.16, 0.2, 0.08]);
    else if (age < 65)
      key = r.weighted(['pneumonia', 'chd', 'angina', 'stroke', 'lumbar_disc', 'leg_fx', 't2dm', 'copd', 'gastritis', 'cerebral_insuff'], [0.15, 0.12, 0.08, 0.12, 0.13, 0.08, (p.conds & C.DM ? 0.2 : 0.03), 0.05, 0.1, 0.05]);
    else
      key = r.weighted(['pneumonia', 'copd', 'chd', 'angina', 'stroke', 'femur_fx', 't2dm', 'cerebral_insuff', 'gastritis'], [0.25, (p.conds & C.COPD ? 0.3 : 0.06), 0.12, 0.06, 0.18, 0.08, (p.conds & C.DM ? 0.15 : 0.03), 0.07, 0.05]);
    const depts = stayDept(key, child);
    const hospitals = livesHospitals(w, p).filter((h) => !h.tags.has('oncology') && !h.tags.has('rehab') && h.beds > 0 && hasDept(w, h.idx, depts));
    if (!hospitals.length) continue;
    const weights = hospitals.map((h) => Math.pow(h.size, 1.1) / Math.pow(km(p.lat, p.lon, h.lat, h.lon) + 3, 1.2) * (h.tags.has('private') ? 0.5 : 1) * (key.endsWith('fx') && h.tags.has('ortho') ? 4 : 1));
    const h = r.weighted(hospitals, weights);
    const los = losFor(key, r);
    const season: Season = key.includes('pneumonia') || key === 'copd' ? 'respA' : 'flat';
    let adm = -1;
    for (let tries = 0; tries < 8; tries++) {
      const d = sampleDay('hospital', season, r, 0, DAYS - 2);
      if (!L.staysOverlap(p.idx, d, d + los, 3)) {
        adm = d;
        break;
      }
    }
    if (adm < 0) continue;
    const doctor = pickDoctor(w, h.idx, depts, r);
    addStay(ctx, { person: p.idx, inst: h.idx, doctor, dxKey: key, adm, los, lines: stayLines(key, los, h, p, r) });
    const dis = Math.min(DAYS - 1, adm + los);
    // honest readmission for a complication
    if (r.chance(0.05)) {
      const gap = r.int(3, 14);
      const los2 = Math.max(3, Math.round(los * r.float(0.4, 0.8)));
      if (dis + gap + los2 < DAYS && !L.staysOverlap(p.idx, dis + gap, dis + gap + los2, 1)) {
        addStay(ctx, { person: p.idx, inst: h.idx, doctor: pickDoctor(w, h.idx, depts, r), dxKey: key, adm: dis + gap, los: los2, lines: stayLines(key, los2, h, p, r) });
      }
    }
    // rehabilitation course after a stroke or fracture
    if ((key === 'stroke' || key.endsWith('fx')) && r.chance(0.35)) {
      const rehabs = livesHospitals(w, p).filter((x) => hasDept(w, x.idx, DEPTS.rehab));
      if (rehabs.length) {
        const rh = r.weighted(rehabs, rehabs.map((x) => (x.idx === h.idx ? 3 : 1) / (km(p.lat, p.lon, x.lat, x.lon) + 2)));
        const doc = pickDoctor(w, rh.idx, DEPTS.rehab, r);
        let d = dis + r.int(3, 10);
        const sessions = r.int(6, 14);
        for (let k = 0; k < sessions && d < DAYS; k++) {
          if (freeDay(L, p, d)) {
            L.add({ t: at(d, timeOfDay(rh, r)), kind: 'outpatient', inst: rh.idx, doctor: doc, holder: p.idx, dx: dx(key === 'stroke' ? 'stroke_sequela' : key), lines: lines([key === 'stroke' ? 'hemiplegia_training' : 'exercise_therapy', 1], ['tens', r.chance(0.5) ? 1 : 0], ['acupuncture', r.chance(0.3) ? 1 : 0]) });
          }
          d += r.weighted([1, 2, 3], [0.3, 0.5, 0.2]);
        }
      }
    }
  }

  // ---- background dialysis (3x a week at a hospital nephrology unit)
  if (p.conds & C.ESRD && !p.chronicHandled) {
    const hs = livesHospitals(w, p).filter((h) => hasDept(w, h.idx, ['肾内科']));
    if (hs.length) {
      const h = r.pick(hs);
      const doc = pickDoctor(w, h.idx, ['肾内科'], r);
      const mwf = r.chance(0.5);
      const startSec = r.chance(0.5) ? 11.5 * HOUR : 16 * HOUR;
      for (let d = 0; d < DAYS; d++) {
        const wd = dow[d]!;
        const on = mwf ? wd === 1 || wd === 3 || wd === 5 : wd === 2 || wd === 4 || wd === 6;
        if (!on || !freeDay(L, p, d)) continue;
        L.add({ t: at(d, startSec + r.int(-1200, 1800)), kind: 'outpatient', inst: h.idx, doctor: doc, holder: p.idx, dx: dx('ckd5'), lines: lines(['hemodialysis', 1], ['dialyzer', 1], ['heparin', 1], ['epo', wd <= 2 ? 1 : 0]) });
      }
    }
  }

  // ---- background cancer: chemotherapy cycles
  if (p.conds & C.CANCER && !p.chronicHandled) {
    const hs = livesHospitals(w, p).filter((h) => hasDept(w, h.idx, DEPTS.onc) && h.beds > 0);
    if (hs.length) {
      const h = r.pick(hs);
      const doc = pickDoctor(w, h.idx, DEPTS.onc, r);
      const interval = r.chance(0.5) ? 21 : 14;
      let d = r.int(0, 150);
      const cycles = r.int(4, 6);
      const cancer = r.pick(['lung_ca', 'colon_ca', 'gastric_ca']);
      for (let k = 0; k < cycles && d < DAYS - 4; k++) {
        const los = r.int(2, 3);
        if (!L.staysOverlap(p.idx, d, d + los, 1)) {
          addStay(ctx, { person: p.idx, inst: h.idx, doctor: doc, dxKey: 'chemo', adm: d, los, lines: lines(['bed_general', los], ['ward_consult', los], ['nursing', los], [cancer === 'lung_ca' ? 'pemetrexed' : 'oxaliplatin', 1], ['ondansetron', 2], ['chemo_admin', 1], ['blood_routine', 1], ['liver_panel', 1], ['saline', 2]) });
        }
        d += interval + r.int(0, 3);
      }
    }
  }

  // ---- pregnancy
  if (p.gender === 'F' && age >= 21 && age <= 40 && r.chance(age < 35 ? 0.075 : 0.03)) {
    const hs = livesHospitals(w, p).filter((h) => hasDept(w, h.idx, DEPTS.obs));
    if (hs.length) {
      const h = r.weighted(hs, hs.map((x) => (x.tags.has('maternal') ? 3 : 1) * x.size / (km(p.lat, p.lon, x.lat, x.lon) + 3)));
      const doc = pickDoctor(w, h.idx, DEPTS.obs, r);
      const delivery = r.int(40, DAYS + 120);
      let visit = Math.max(0, delivery - 238);
      let k = 0;
      while (visit < Math.min(DAYS, delivery - 3)) {
        if (freeDay(L, p, visit)) {
          const late = delivery - visit < 60;
          L.add({ t: at(visit, timeOfDay(h, r)), kind: 'outpatient', inst: h.idx, doctor: doc, holder: p.idx, dx: dx('pregnancy'), lines: lines([consultItem(w, doc).key, 1], ['blood_routine', k % 3 === 0 ? 1 : 0], ['urine_routine', 1], ['prenatal_us', k % 4 === 1 ? 1 : 0], ['fetal_monitor', late ? 1 : 0], ['folic_preg', visit < delivery - 180 ? 1 : 0]) });
        }
        k++;
        visit += delivery - visit > 60 ? r.int(26, 31) : r.int(12, 15);
      }
      if (delivery < DAYS - 1) {
        const ces = r.chance(0.35) && h.level !== 'primary';
        const key = ces ? 'cesarean_dx' : 'delivery';
        const los = losFor(key, r);
        if (!L.staysOverlap(p.idx, delivery, delivery + los, 0)) addStay(ctx, { person: p.idx, inst: h.idx, doctor: doc, dxKey: key, adm: delivery, los, lines: stayLines(key, los, h, p, r) });
      }
    }
  }

  // ---- chronic care
  if (!p.chronicHandled && p.conds & ~(C.ESRD | C.CANCER)) {
    const reg = regimenOf(p, r);
    if (reg) chronicCare(ctx, p, reg, r);
  }

  // ---- acute episodes (a personal propensity spreads people from never-ill to frequent visitors)
  const propensity = Math.min(5, r.lognormal(-0.18, 0.6));
  const rate = (age < 7 ? 4.6 : age < 15 ? 3.2 : age < 45 ? 1.5 : age < 65 ? 1.9 : 2.4) * propensity;
  const n = r.poisson(rate);
  for (let e = 0; e < n; e++) acuteEpisode(ctx, p, r);

  // ---- over-the-counter purchases on the personal account
  const otc = r.poisson((p.insured === 'employee' ? 2.6 : age < 14 ? 0.5 : 0.35) * propensity);
  for (let e = 0; e < otc; e++) otcPurchase(ctx, p, r, true);
}

const OTC_ADULT = ['lianhua', 'licorice_syrup', 'ambroxol', 'omeprazole', 'hydrotalcite', 'smectite', 'calcium_d3', 'glucosamine', 'celecoxib', 'hydrocortisone_cream', 'levo_eye', 'danshen_pill', 'mecobalamin', 'amoxicillin', 'cefaclor', 'ginkgo_tab', 'iron_oral'];
const OTC_CHILD = ['ibuprofen_susp', 'kids_cold', 'smectite', 'ors', 'ambroxol', 'hydrocortisone_cream', 'montelukast'];
const OTC_W_ADULT = [3, 2.5, 2, 2, 1.5, 1.5, 2, 1.2, 1, 1, 1, 0.8, 0.6, 1.2, 1, 0.5, 0.4];

export function otcBasket(p: Person, r: Rng): LineSpec[] {
  const kid = p.age < 14;
  const pool = kid ? OTC_CHILD : OTC_ADULT;
  const ws = kid ? OTC_CHILD.map(() => 1) : OTC_W_ADULT;
  const n = r.weighted([1, 2, 3], [0.55, 0.33, 0.12]);
  const seen = new Set<string>();
  const out: Array<[string, number]> = [];
  for (let i = 0; i < n; i++) {
    const k = r.weighted(pool, ws);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push([k, r.chance(0.75) ? 1 : 2]);
  }
  return lines(...out);
}

/** Finds the household member whose card pays (家庭共济 within a household), or -1. */
function householdPayer(w: World, p: Person, r: Rng): number {
  if (!(p.age < 14 || p.age >= 75)) return -1;
  if (!r.chance(0.06)) return -1;
  const hh = w.households[p.household]!;
  for (const m of hh.members) {
    const q = w.persons[m]!;
    if (q.idx !== p.idx && q.insured === 'employee' && q.age >= 22 && q.age < 60) return q.idx;
  }
  return -1;
}

function otcPurchase(ctx: Ctx, p: Person, r: Rng, droppable: boolean): void {
  const { w, L } = ctx;
  const ph = w.insts[homePharmacy(p, r)]!;
  const d = sampleDay('pharmacy', p.age < 14 ? 'respC' : 'flat', r);
  if (!freeDay(L, p, d)) return;
  const t = at(d, timeOfDay(ph, r));
  const payer = householdPayer(w, p, r);
  if (payer >= 0) {
    const q = w.persons[payer]!;
    L.add({ t, kind: 'pharmacy', inst: ph.idx, holder: payer, card: L.defaultCard(q), served: p.idx, dx: dx(p.age < 14 ? 'urti' : 'gastritis'), lines: otcBasket(p, r) });
    return;
  }
  L.add({ t, kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: dx(r.pick(['urti', 'gastritis', 'lbp', 'dermatitis'])), lines: otcBasket(p, r), droppable });
  // a household member shopping along (same visit, a few minutes later)
  if (r.chance(0.14)) {
    const hh = w.households[p.household]!;
    const others = hh.members.filter((m) => m !== p.idx && w.persons[m]!.lives === p.lives);
    if (others.length) {
      const q = w.persons[r.pick(others)]!;
      if (freeDay(L, q, d)) L.add({ t: t + r.int(40, 420), kind: 'pharmacy', inst: ph.idx, holder: q.idx, dx: dx(q.age < 14 ? 'urti' : 'gastritis'), lines: otcBasket(q, r) });
    }
  }
}

export function addDroppableOtc(ctx: Ctx, p: Person, r: Rng): void {
  const { w, L } = ctx;
  const ph = w.insts[homePharmacy(p, r)]!;
  for (let tries = 0; tries < 5; tries++) {
    const d = sampleDay('pharmacy', 'flat', r);
    if (!freeDay(L, p, d)) continue;
    L.add({ t: at(d, timeOfDay(ph, r)), kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: dx(r.pick(['urti', 'gastritis', 'lbp', 'dermatitis'])), lines: otcBasket(p, r), droppable: true });
    return;
  }
}

type EpisodeType = 'resp' | 'gi' | 'msk' | 'skin' | 'eye' | 'neuro' | 'injury';

function acuteEpisode(ctx: Ctx, p: Person, r: Rng): void {
  const { w, L } = ctx;
  const age = p.age;
  const child = age < 14;
  const type: EpisodeType = child
    ? r.weighted<EpisodeType>(['resp', 'gi', 'skin', 'eye', 'injury'], [0.7, 0.15, 0.08, 0.03, 0.04])
    : age < 65
      ? r.weighted<EpisodeType>(['resp', 'gi', 'msk', 'skin', 'eye', 'neuro', 'injury'], [0.44, 0.15, 0.2, 0.07, 0.04, 0.06, 0.04])
      : r.weighted<EpisodeType>(['resp', 'gi', 'msk', 'skin', 'eye', 'neuro'], [0.4, 0.12, 0.28, 0.05, 0.05, 0.1]);
  const season: Season = type === 'resp' ? (child ? 'respC' : 'respA') : type === 'gi' ? 'gi' : 'flat';
  // place
  let pPharm = child ? 0.15 : age < 65 ? 0.4 : 0.3;
  if (p.insured === 'resident' && !child) pPharm *= 0.45;
  let pClinic = child ? 0.3 : age < 65 ? 0.28 : 0.42;
  if (type === 'injury') {
    pPharm = 0.1;
    pClinic = 0.4;
  }
  const x = r.next();
  const place = x < pPharm ? 'pharmacy' : x < pPharm + pClinic ? 'clinic' : 'hospital';
  const kindForDay = place === 'pharmacy' ? 'pharmacy' : place === 'clinic' ? 'clinic' : 'hospital';
  let d = -1;
  for (let tries = 0; tries < 4; tries++) {
    const c = sampleDay(kindForDay, season, r);
    if (freeDay(L, p, c)) {
      d = c;
      break;
    }
  }
  if (d < 0) return;
  const diag = episodeDx(type, p, d, r);

  if (place === 'pharmacy') {
    const ph = w.insts[homePharmacy(p, r)]!;
    L.add({ t: at(d, timeOfDay(ph, r)), kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: diag, lines: pharmacyLines(type, p, r), droppable: true });
    return;
  }
  let inst: Institution;
  let depts: readonly string[];
  depts = child ? DEPTS.child : type === 'resp' ? DEPTS.resp : type === 'gi' ? DEPTS.gi : type === 'msk' ? DEPTS.msk : type === 'skin' ? DEPTS.skin : type === 'eye' ? DEPTS.eye : type === 'neuro' ? DEPTS.neuro : DEPTS.surg;
  if (place === 'clinic') {
    const ci = p.privateClinic >= 0 && r.chance(0.22) ? p.privateClinic : p.homeClinic;
    if (ci < 0) return;
    inst = w.insts[ci]!;
  } else {
    let hi: number;
    if (child) {
      const hs = livesHospitals(w, p).filter((h) => hasDept(w, h.idx, ['儿科', '中医儿科']));
      hi = r.weighted(hs.map((h) => h.idx), hs.map((h) => (h.tags.has('maternal') ? 2.5 : 1) * Math.pow(h.size, 0.8) / (km(p.lat, p.lon, h.lat, h.lon) + 3)));
    } else hi = pickHospital(w, p, r, depts);
    inst = w.insts[hi]!;
  }
  const emergency = inst.kind === 'hospital' && r.chance(type === 'injury' ? 0.5 : 0.06);
  if (emergency) depts = DEPTS.er;
  const doctor = pickDoctor(w, inst.idx, depts, r);
  const t = at(d, timeOfDay(inst, r, emergency));
  const visit = visitLines(type, p, inst, doctor, d, r);
  // external prescription (外配处方) from hospitals for part of the drugs
  const external = inst.kind === 'hospital' && !emergency && visit.drugs.length > 0 && r.chance(0.22);
  const own = external ? visit.other : [...visit.other, ...visit.drugs];
  const followUp = r.chance(type === 'msk' ? 0.3 : 0.16);
  L.add({ t, kind: 'outpatient', inst: inst.idx, doctor, holder: p.idx, dx: diag, lines: own, droppable: !external && !followUp });
  if (external) {
    const ph = w.insts[fillPharmacy(w, p, inst, r)]!;
    let ft = t + r.int(20 * MIN, 150 * MIN);
    const fd = Math.floor(ft / DAY);
    if (ft - fd * DAY > ph.close - 60 && !ph.h24) ft = (fd + 1) * DAY + ph.open + r.int(600, 7200);
    if (Math.floor(ft / DAY) < DAYS) L.add({ t: ft, kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: diag, rx: L.newRxId(), rxDoctor: doctor, lines: visit.drugs });
  }
  if (followUp) {
    const fd = d + r.int(2, 7);
    if (fd < DAYS && freeDay(L, p, fd)) {
      const fl: LineSpec[] = [[consultItem(w, doctor), 1]];
      if (type === 'msk' && (inst.tags.has('tcm') || hasDept(w, inst.idx, ['针灸推拿科', '中医科', '康复科']))) {
        // a short honest physiotherapy course
        let dd = fd;
        const sessions = r.int(3, 6);
        for (let k = 0; k < sessions && dd < DAYS; k++) {
          if (freeDay(L, p, dd)) L.add({ t: at(dd, timeOfDay(inst, r)), kind: 'outpatient', inst: inst.idx, doctor, holder: p.idx, dx: diag, lines: lines([r.chance(0.5) ? 'acupuncture' : 'tuina', 1], ['tens', r.chance(0.5) ? 1 : 0], ['cupping', r.chance(0.2) ? 1 : 0]) });
          dd += r.int(1, 3);
        }
      } else {
        for (const l of visit.drugs.slice(0, 1)) fl.push(l);
        L.add({ t: at(fd, timeOfDay(inst, r)), kind: 'outpatient', inst: inst.idx, doctor, holder: p.idx, dx: diag, lines: fl });
      }
    }
  }
}

function episodeDx(type: EpisodeType, p: Person, d: number, r: Rng): Diagnosis {
  const child = p.age < 14;
  switch (type) {
    case 'resp': {
      const winter = [1, 2, 12].includes(monthOf(d));
      const autumn = [10, 11, 12].includes(monthOf(d));
      if (winter && r.chance(0.3)) return dx('flu');
      if (child && autumn && p.age >= 3 && r.chance(0.35)) return dx('mp_pneumonia');
      if (r.chance(0.25)) return dx('bronchitis');
      return dx('urti');
    }
    case 'gi':
      return dx(child ? 'diarrhea' : r.pick(['gastritis', 'gastritis', 'gerd', 'diarrhea']));
    case 'msk':
      return dx(p.age > 55 ? r.pick(['oa_knee', 'lbp', 'lumbar_disc', 'cervical_spondylosis', 'osteoporosis']) : r.pick(['lbp', 'cervical_spondylosis', 'lumbar_disc']));
    case 'skin':
      return dx('dermatitis');
    case 'eye':
      return dx('conjunctivitis');
    case 'neuro':
      return dx(r.pick(['headache', 'vertigo', 'insomnia']));
    default:
      return dx('wrist_fx');
  }
}

function monthOf(d: number): number {
  return MONTHS[d] ?? 1;
}

function pharmacyLines(type: EpisodeType, p: Person, r: Rng): LineSpec[] {
  const child = p.age < 14;
  switch (type) {
    case 'resp':
      return child ? lines(['ibuprofen_susp', 1], ['kids_cold', r.chance(0.6) ? 1 : 0], ['ambroxol', r.chance(0.3) ? 1 : 0]) : lines([r.pick(['lianhua', 'licorice_syrup', 'ambroxol']), r.int(1, 2)], ['lianhua', r.chance(0.3) ? 1 : 0]);
    case 'gi':
      return lines([child ? 'smectite' : r.pick(['omeprazole', 'hydrotalcite', 'smectite']), r.int(1, 2)], ['ors', child ? 1 : 0]);
    case 'msk':
      return lines([r.pick(['celecoxib', 'glucosamine']), 1]);
    case 'skin':
      return lines(['hydrocortisone_cream', 1]);
    case 'eye':
      return lines(['levo_eye', 1]);
    default:
      return lines(['ginkgo_tab', 1]);
  }
}

function visitLines(type: EpisodeType, p: Person, inst: Institution, doctor: number, d: number, r: Rng): { other: LineSpec[]; drugs: LineSpec[] } {
  const w = { consult: consultItem(ctxWorld!, doctor) };
  const child = p.age < 14;
  const hosp = inst.kind === 'hospital';
  const lvl2 = inst.level === 'secondary' || inst.level === 'tertiary';
  const other: Array<[string, number] | false> = [];
  const drugs: Array<[string, number] | false> = [];
  const mo = monthOf(d);
  switch (type) {
    case 'resp': {
      const flu = [12, 1, 2].includes(mo) && r.chance(0.35);
      const mp = child && [10, 11, 12].includes(mo) && p.age >= 3 && r.chance(0.35);
      other.push(r.chance(child ? 0.8 : 0.5) && ['blood_routine', 1], r.chance(child ? 0.55 : 0.25) && ['crp', 1], flu && r.chance(0.7) && ['flu_antigen', 1], mp && ['mp_antibody', 1]);
      if (child) {
        drugs.push(['ibuprofen_susp', r.chance(0.7) ? 1 : 0], p.age <= 14 && r.chance(0.5) && ['kids_cold', 1], mp && ['azithro_susp', 1], flu && p.age <= 12 && ['oseltamivir_kid', 1], r.chance(0.3) && ['ambroxol', 1]);
        if (hosp && r.chance(0.25)) other.push(['nebulization', 1], ['budesonide_neb', 1]);
      } else {
        drugs.push(flu && ['oseltamivir', 1], r.chance(0.45) && [r.pick(p.age >= 18 ? ['amoxicillin', 'cefaclor', 'levofloxacin'] : ['amoxicillin', 'cefaclor']), 1], [r.pick(['lianhua', 'licorice_syrup', 'ambroxol']), 1]);
        if (hosp && r.chance(0.15)) other.push(['chest_xray', 1]);
      }
      // honest infusion habit at township clinics
      if (inst.tags.has('township') && r.chance(0.1)) other.push(['ceftriaxone_iv', 1], ['saline', 1], ['iv_drip', 1], ['infusion_set', 1]);
      break;
    }
    case 'gi':
      other.push(r.chance(0.4) && ['blood_routine', 1], hosp && lvl2 && r.chance(0.04) && ['gastroscopy', 1]);
      drugs.push([child ? 'smectite' : r.pick(['omeprazole', 'hydrotalcite', 'smectite']), 1], child && ['ors', 1]);
      break;
    case 'msk':
      other.push(r.chance(0.3) && ['dr_xray', 1], hosp && lvl2 && r.chance(0.1) && [r.chance(0.6) ? 'ct_plain' : 'mri_plain', 1]);
      if (inst.tags.has('tcm') || hasDept(ctxWorld!, inst.idx, ['针灸推拿科'])) other.push(r.chance(0.5) && ['acupuncture', 1], r.chance(0.4) && ['tuina', 1]);
      drugs.push([r.pick(['celecoxib', 'glucosamine']), 1], p.age > 60 && r.chance(0.3) && ['calcium_d3', 1]);
      break;
    case 'skin':
      drugs.push(['hydrocortisone_cream', 1]);
      break;
    case 'eye':
      drugs.push(['levo_eye', 1]);
      break;
    case 'neuro':
      other.push(r.chance(0.25) && ['ecg', 1], hosp && lvl2 && r.chance(0.12) && ['ct_plain', 1]);
      drugs.push([r.pick(['ginkgo_tab', 'estazolam', 'mecobalamin']), 1]);
      break;
    default:
      other.push(['suture', r.chance(0.5) ? 1 : 0], ['dressing', 1], r.chance(0.4) && ['dr_xray', 1]);
      drugs.push(['amoxicillin', r.chance(0.5) ? 1 : 0]);
  }
  const o = lines(...other);
  o.unshift([w.consult, 1]);
  return { other: o, drugs: lines(...drugs) };
}

let ctxWorld: World | null = null;
export function bindWorld(w: World): void {
  ctxWorld = w;
}

// ------------------------------------------------------------------ chronic care

export function chronicCare(ctx: Ctx, p: Person, reg: Regimen, r: Rng): void {
  const { w, L } = ctx;
  const emp = p.insured === 'employee';
  const mode = r.weighted(['clinic', 'hospital', 'pharmacy'], [0.45, 0.35, emp ? 0.2 : 0]);
  const drugLines = () => reg.lines.map(([k, q]) => [item(k), q] as LineSpec);
  if (mode === 'clinic' && p.homeClinic >= 0) {
    const c = w.insts[p.homeClinic]!;
    const doc = pickDoctor(w, c.idx, ['全科', '内科'], r);
    let d = r.int(0, 29);
    let visit = 0;
    const hbaVisits = new Set<number>();
    const nH = r.int(2, 4);
    while (hbaVisits.size < nH) hbaVisits.add(r.int(0, 11));
    while (d < DAYS) {
      if (freeDay(L, p, d)) {
        const extra: Array<[string, number] | false> = [];
        if (reg.dm) extra.push(['fasting_glucose', r.chance(0.5) ? 1 : 0], hbaVisits.has(visit) && ['hba1c', 1]);
        if (visit === 5) extra.push(['lipid_panel', 1], ['renal_panel', reg.dm ? 1 : 0]);
        L.add({ t: at(d, timeOfDay(c, r)), kind: 'outpatient', inst: c.idx, doctor: doc, holder: p.idx, dx: reg.main, lines: [[item('consult_gp'), 1], ...lines(...extra), ...drugLines()] });
        visit++;
      }
      d += Math.max(20, Math.round(r.normal(30, 3)));
    }
  } else if (mode === 'hospital' || (mode === 'clinic' && p.homeClinic < 0)) {
    const h = w.insts[pickHospital(w, p, r, reg.dept)]!;
    const doc = pickDoctor(w, h.idx, reg.dept, r);
    let d = r.int(0, 80);
    const externalHabit = r.chance(0.5);
    while (d < DAYS) {
      if (freeDay(L, p, d)) {
        const extra: Array<[string, number] | false> = [];
        if (reg.dm) extra.push(['hba1c', r.chance(0.85) ? 1 : 0], ['fasting_glucose', 1], ['renal_panel', r.chance(0.3) ? 1 : 0]);
        else extra.push(['ecg', r.chance(0.3) ? 1 : 0], ['lipid_panel', r.chance(0.25) ? 1 : 0]);
        const t = at(d, timeOfDay(h, r));
        const three = reg.lines.map(([k, q]) => [item(k), q * (r.chance(0.7) ? 3 : 2)] as LineSpec);
        if (externalHabit) {
          L.add({ t, kind: 'outpatient', inst: h.idx, doctor: doc, holder: p.idx, dx: reg.main, lines: [[consultItem(w, doc), 1], ...lines(...extra)] });
          const ph = w.insts[fillPharmacy(w, p, h, r)]!;
          const ft = t + r.int(25 * MIN, 120 * MIN);
          if (ft - Math.floor(ft / DAY) * DAY < ph.close - 60 || ph.h24) L.add({ t: ft, kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: reg.main, rx: L.newRxId(), rxDoctor: doc, lines: three });
        } else {
          L.add({ t, kind: 'outpatient', inst: h.idx, doctor: doc, holder: p.idx, dx: reg.main, lines: [[consultItem(w, doc), 1], ...lines(...extra), ...three] });
        }
      }
      d += Math.max(50, Math.round(r.normal(88, 8)));
    }
  } else {
    // monthly at a favourite pharmacy, paid from the personal account; twice a year a clinic check
    let d = r.int(0, 29);
    let k = 0;
    while (d < DAYS) {
      if (freeDay(L, p, d)) {
        const ph = w.insts[r.chance(0.8) ? p.pharmacies[0]! : homePharmacy(p, r)]!;
        L.add({ t: at(d, timeOfDay(ph, r)), kind: 'pharmacy', inst: ph.idx, holder: p.idx, dx: reg.main, lines: drugLines() });
        if (k % 6 === 2 && p.homeClinic >= 0) {
          const c = w.insts[p.homeClinic]!;
          const doc = pickDoctor(w, c.idx, ['全科'], r);
          L.add({ t: at(Math.min(DAYS - 1, d + r.int(1, 5)), timeOfDay(c, r)), kind: 'outpatient', inst: c.idx, doctor: doc, holder: p.idx, dx: reg.main, lines: lines(['consult_gp', 1], reg.dm && ['hba1c', 1], reg.dm && ['fasting_glucose', 1]) });
        }
        k++;
      }
      d += Math.max(20, Math.round(r.normal(30, 4)));
    }
  }
}
