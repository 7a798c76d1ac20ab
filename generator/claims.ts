import { CATALOG, DIAGNOSES, ITEM, type Diagnosis } from './catalog.ts';
import type { Department } from './reference-data.ts';
import type { ClaimKind, IdentityCheck } from './format.ts';
import type { Profile } from './profile.ts';
import { ageOn, type Institution, type Population } from './population.ts';
import { Rng, WeightedPicker, permute } from './random.ts';
import { dayOfYear, weekday, type Period } from './time.ts';

/**
 * Claim drafts and the background (honest) claim model. A draft is what a claim is before it gets
 * its id; planted scenarios build drafts too, so every claim goes through the same writer.
 */

export interface ClaimLine {
  item: number;
  /** thousandths of a unit, so quantities like 0.5 print exactly */
  qtyMilli: number;
  priceFen: number;
  /** permuted serial of the package's traceability code; -1 when not scanned */
  trace: number;
}

export interface ClaimDraft {
  /** seconds since the period's first midnight, +08:00 */
  t: number;
  kind: ClaimKind;
  institution: number;
  department: string;
  doctor: number;
  card: number;
  served: number;
  check: IdentityCheck;
  diagnosis: number;
  admitDay: number;
  dischargeDay: number;
  rxDoctor: number;
  /** permuted prescription serial, written as RX + 14 digits; -1 when none */
  rxNumber: number;
  lines: ClaimLine[];
  fundRatio: number;
  /** set when written */
  id: string;
  totalFen: number;
  fundFen: number;
  /** part of a ring or hard-negative group: its id goes into the ground truth */
  planted: boolean;
  /** index of the ring that lists it as fraudulent; -1 otherwise */
  ring: number;
}

export const KIND_MIX = { inpatient: 0.025, outpatient: 0.615 } as const;

/** Shared per-run state for drawing claims: seasonality, pickers, id counters. */
export class ClaimFactory {
  readonly days: number;
  private readonly dayPicker: WeightedPicker;
  private readonly weekdayPicker: WeightedPicker;
  private readonly outDiagnosisPicker: WeightedPicker;
  private readonly inDiagnosisPicker: WeightedPicker;
  private traceCounter = 0;
  /** doctors fitting (institution, diagnosis, child or adult), built on first use */
  private readonly doctorLists: (readonly number[] | undefined)[] = [];
  /** drugs of a diagnosis the catalog allows for (age, gender), built on first use */
  private readonly drugLists: (readonly number[] | undefined)[] = [];
  /** scratch for drug samples, consumed before the next sample */
  private readonly drugSample: number[] = [];
  /** Background drafts and their lines are recycled once written: fewer objects for the collector. */
  private readonly draftPool: ClaimDraft[] = [];
  private readonly linePool: ClaimLine[] = [];
  private rxCounter = 0;
  readonly productPrefix: string[];

  constructor(
    readonly pop: Population,
    readonly period: Period,
    seed: number,
    readonly profile: Profile = 'classic',
  ) {
    this.days = period.endDay - period.startDay + 1;
    const dayWeights: number[] = [];
    const weekdayWeights: number[] = [];
    for (let d = 0; d < this.days; d++) {
      const day = period.startDay + d;
      // Winter respiratory peak, quieter summer; weekends see fewer outpatient visits.
      const season = 1 + 0.22 * Math.cos((2 * Math.PI * (dayOfYear(day) - 15)) / 365);
      const wd = weekday(day);
      dayWeights.push(season * (wd >= 5 ? 0.7 : 1));
      weekdayWeights.push(wd >= 5 ? 0 : season);
    }
    this.dayPicker = new WeightedPicker(dayWeights);
    this.weekdayPicker = new WeightedPicker(weekdayWeights);
    // Varied-only diagnoses weigh 0 in the classic background, so its picks stay what they always were.
    const weight = (d: Diagnosis) => (profile === 'varied' && d.variedWeight !== undefined ? d.variedWeight : d.weight);
    this.outDiagnosisPicker = new WeightedPicker(DIAGNOSES.map((d) => weight(d) * (1 - d.inpatientShare)));
    this.inDiagnosisPicker = new WeightedPicker(DIAGNOSES.map((d) => weight(d) * d.inpatientShare));
    const prefixRng = Rng.stream(seed, 'trace-prefix');
    this.productPrefix = CATALOG.map(() => '8' + String(prefixRng.range(100000, 999999)));
  }

  randomDay(rng: Rng): number {
    return this.dayPicker.pick(rng);
  }

  randomWorkday(rng: Rng): number {
    return this.weekdayPicker.pick(rng);
  }

  /** A unique package serial; with the product prefix of its item it forms the 20-digit traceability code. */
  newTraceCode(_item: number): number {
    return permute(this.traceCounter++, 40, 0x7ace);
  }

  traceCodeText(item: number, serial: number): string {
    return this.productPrefix[item] + String(serial).padStart(13, '0');
  }

  /** A unique prescription serial; the writer prints it as RX + 14 digits. */
  newPrescriptionNumber(): number {
    return permute(this.rxCounter++, 46, 0x12);
  }

  levelPriceFactor(inst: Institution): number {
    return inst.level === 'tertiary' ? 1.2 : inst.level === 'secondary' ? 1 : 0.85;
  }

  line(item: number, inst: Institution, qty: number, trace = -1): ClaimLine {
    const c = CATALOG[item]!;
    const priceFen = c.category === 'drug' ? c.priceFen : Math.round(c.priceFen * this.levelPriceFactor(inst));
    const l = this.linePool.pop();
    if (l === undefined) return { item, qtyMilli: Math.round(qty * 1000), priceFen, trace };
    l.item = item;
    l.qtyMilli = Math.round(qty * 1000);
    l.priceFen = priceFen;
    l.trace = trace;
    return l;
  }

  /** Drug lines: one line per package when the package is scanned, so each line carries one trace code. */
  drugLines(lines: ClaimLine[], item: number, inst: Institution, packages: number, traced: boolean): void {
    if (!traced) {
      lines.push(this.line(item, inst, packages));
      return;
    }
    for (let k = 0; k < packages; k++) lines.push(this.line(item, inst, 1, this.newTraceCode(item)));
  }

  identityCheck(rng: Rng, inst: Institution): IdentityCheck {
    const r = rng.float();
    if (inst.kind === 'pharmacy') return r < 0.15 ? 'face' : r < 0.3 ? 'real_name' : 'none';
    if (inst.level === 'tertiary') return r < 0.55 ? 'face' : r < 0.75 ? 'real_name' : 'none';
    if (inst.level === 'secondary') return r < 0.4 ? 'face' : r < 0.6 ? 'real_name' : 'none';
    return r < 0.2 ? 'face' : r < 0.45 ? 'real_name' : 'none';
  }

  fundRatio(rng: Rng, person: number, kind: ClaimKind): number {
    const employee = this.pop.persons.employee[person] === 1;
    if (kind === 'inpatient') return employee ? 0.78 + rng.float() * 0.12 : 0.55 + rng.float() * 0.15;
    if (kind === 'pharmacy') return employee ? 0.85 + rng.float() * 0.15 : 0.5 + rng.float() * 0.2;
    return employee ? 0.7 + rng.float() * 0.2 : 0.45 + rng.float() * 0.2;
  }

  /** A diagnosis that fits the person's age and gender; their chronic condition more often than not. */
  diagnosisFor(rng: Rng, person: number, day: number, inpatient: boolean): number {
    const p = this.pop.persons;
    const chronic = p.chronic[person]!;
    if (!inpatient && chronic >= 0 && rng.chance(0.6)) return chronic;
    const age = ageOn(p.birthDay[person]!, this.period.startDay + day);
    const gender = p.gender[person] === 0 ? 'M' : 'F';
    for (let tries = 0; tries < 8; tries++) {
      const d = (inpatient ? this.inDiagnosisPicker : this.outDiagnosisPicker).pick(rng);
      const dx = DIAGNOSES[d]!;
      if (age >= dx.minAge && age <= dx.maxAge && (dx.gender === '' || dx.gender === gender)) return d;
    }
    return 0;
  }

  cardFor(rng: Rng, person: number): number {
    return this.pop.persons.hasEVoucher[person] === 1 && rng.chance(0.55) ? person * 2 + 1 : person * 2;
  }

  outpatientLines(rng: Rng, dx: Diagnosis, inst: Institution, person: number, day: number, lines: ClaimLine[] = []): ClaimLine[] {
    lines.push(this.line(ITEM.registration, inst, 1));
    const drugs = this.drugChoices(dx.index, person, day);
    const drugCount = rng.chance(0.15) ? 0 : rng.range(1, Math.min(3, drugs.length));
    const traced = rng.chance(inst.level === 'tertiary' ? 0.6 : 0.35);
    const picked = rng.sampleInto(drugs, drugCount, this.drugSample);
    for (let i = 0; i < picked; i++) this.drugLines(lines, this.drugSample[i]!, inst, rng.chance(0.7) ? 1 : rng.range(2, 3), traced);
    if (dx.exams.length && rng.chance(0.35)) {
      const exam = rng.pick(dx.exams);
      if (this.allowed(exam, inst, person, day)) lines.push(this.line(exam, inst, 1));
    }
    if (dx.treatments.length && rng.chance(0.4)) {
      const tr = rng.pick(dx.treatments);
      if (this.allowed(tr, inst, person, day)) lines.push(this.line(tr, inst, rng.range(1, 2)));
    }
    return lines;
  }

  /**
   * The diagnosis's drugs the catalog allows for this person: honest claims never bill a paediatric drug
   * to an adult's own treatment (buying for a child on one's card is modelled separately, see buyFor).
   */
  drugChoices(dxIndex: number, person: number, day: number): readonly number[] {
    const p = this.pop.persons;
    const age = Math.min(120, ageOn(p.birthDay[person]!, this.period.startDay + day));
    const key = (dxIndex * 121 + age) * 2 + p.gender[person]!;
    let list = this.drugLists[key];
    if (list === undefined) {
      const gender = p.gender[person] === 0 ? 'M' : 'F';
      const fits = DIAGNOSES[dxIndex]!.drugs.filter((d) => {
        const c = CATALOG[d]!;
        return (c.gender === '' || c.gender === gender) && (c.minAge === null || age >= c.minAge) && (c.maxAge === null || age <= c.maxAge);
      });
      list = fits.length > 0 ? fits : DIAGNOSES[dxIndex]!.drugs;
      this.drugLists[key] = list;
    }
    return list;
  }

  /** A doctor of the institution whose department treats the diagnosis at the patient's age. */
  doctorFor(rng: Rng, instIndex: number, dxIndex: number, person: number, day: number): number {
    const child = ageOn(this.pop.persons.birthDay[person]!, this.period.startDay + day) < CHILD_AGE;
    return rng.pick(this.fittingDoctors(instIndex, dxIndex, child));
  }

  fittingDoctors(instIndex: number, dxIndex: number, child: boolean): readonly number[] {
    const key = (instIndex * DIAGNOSES.length + dxIndex) * 2 + (child ? 1 : 0);
    let list = this.doctorLists[key];
    if (list === undefined) {
      list = eligibleDoctors(this.pop, instIndex, DIAGNOSES[dxIndex]!, child);
      this.doctorLists[key] = list;
    }
    return list;
  }

  /** Honest claims respect the catalog's level, gender and age limits. */
  allowed(item: number, inst: Institution, person: number, day: number): boolean {
    const c = CATALOG[item]!;
    const p = this.pop.persons;
    if (c.minLevel !== '' && levelRank(inst.level) < levelRank(c.minLevel)) return false;
    if (c.gender !== '' && (p.gender[person] === 0 ? 'M' : 'F') !== c.gender) return false;
    const age = ageOn(p.birthDay[person]!, this.period.startDay + day);
    if (c.minAge !== null && age < c.minAge) return false;
    if (c.maxAge !== null && age > c.maxAge) return false;
    return true;
  }

  inpatientLines(rng: Rng, dx: Diagnosis, inst: Institution, person: number, admit: number, stay: number, lines: ClaimLine[] = []): ClaimLine[] {
    lines.push(this.line(ITEM.wardBed, inst, stay), this.line(ITEM.nursing, inst, stay));
    // Inpatient drugs are dispensed daily; a stay's drug bill is the largest part of its cost.
    for (const d of this.drugChoices(dx.index, person, admit)) if (rng.chance(0.8)) lines.push(this.line(d, inst, rng.range(stay, stay * 3)));
    lines.push(this.line(ITEM.infusion, inst, rng.range(Math.ceil(stay / 2), stay * 2)));
    for (const e of dx.exams) if (this.allowed(e, inst, person, admit) && rng.chance(0.7)) lines.push(this.line(e, inst, rng.range(1, 2)));
    for (const t of dx.treatments) if (this.allowed(t, inst, person, admit) && rng.chance(0.8)) lines.push(this.line(t, inst, t === ITEM.appendectomy ? 1 : rng.range(1, stay)));
    lines.push(this.line(ITEM.infusionSet, inst, rng.range(1, stay)));
    if (rng.chance(0.1) && levelRank(inst.level) >= 2) lines.push(this.line(ITEM.icuBed, inst, rng.range(1, 3)));
    return lines;
  }

  seconds(day: number, hour: number, minute: number, second = 0): number {
    return day * 86400 + hour * 3600 + minute * 60 + second;
  }

  /** Office hours with a morning peak, as hospital settlement logs show. */
  officeTime(rng: Rng, day: number): number {
    const hour = rng.chance(0.6) ? rng.range(8, 11) : rng.range(13, 16);
    return this.seconds(day, hour, rng.int(60), rng.int(60));
  }

  shopTime(rng: Rng, day: number): number {
    return this.seconds(day, rng.range(8, 21), rng.int(60), rng.int(60));
  }

  base(kind: ClaimKind, t: number, institution: number, person: number, check: IdentityCheck): ClaimDraft {
    const c = this.draftPool.pop();
    if (c !== undefined) {
      c.t = t;
      c.kind = kind;
      c.institution = institution;
      c.department = '';
      c.doctor = -1;
      c.card = person * 2;
      c.served = check === 'none' ? -1 : person;
      c.check = check;
      c.diagnosis = 0;
      c.admitDay = -1;
      c.dischargeDay = -1;
      c.rxDoctor = -1;
      c.rxNumber = -1;
      c.fundRatio = 0.7;
      c.id = '';
      c.totalFen = 0;
      c.fundFen = 0;
      c.planted = false;
      c.ring = -1;
      return c;
    }
    return {
      t,
      kind,
      institution,
      department: '',
      doctor: -1,
      card: person * 2,
      served: check === 'none' ? -1 : person,
      check,
      diagnosis: 0,
      admitDay: -1,
      dischargeDay: -1,
      rxDoctor: -1,
      rxNumber: -1,
      lines: [],
      fundRatio: 0.7,
      id: '',
      totalFen: 0,
      fundFen: 0,
      planted: false,
      ring: -1,
    };
  }

  /** Hands a written background draft back for reuse. Planted drafts stay: the ground truth reads them. */
  release(c: ClaimDraft): void {
    if (c.planted) return;
    for (const l of c.lines) this.linePool.push(l);
    c.lines.length = 0;
    this.draftPool.push(c);
  }

  /** `count` honest claims for one person, appended to out. */
  background(rng: Rng, person: number, count: number, out: ClaimDraft[]): void {
    const p = this.pop.persons;
    const pop = this.pop;
    const regionPickers = pop.byRegion[p.region[person]!]!;
    let made = 0;
    while (made < count) {
      const r = rng.float();
      const day = this.randomDay(rng);
      if (r < KIND_MIX.inpatient) {
        const dxIndex = this.diagnosisFor(rng, person, day, true);
        const dx = DIAGNOSES[dxIndex]!;
        const instIndex = rng.chance(0.7) ? p.prefHospital[person]! : regionPickers.hospitals[regionPickers.hospitalPicker.pick(rng)]!;
        const inst = pop.institutions[instIndex]!;
        const stay = Math.min(30, Math.max(2, Math.round(rng.logNormal(1.8, 0.5))));
        const discharge = Math.min(this.days - 1, day + stay);
        const admit = discharge - stay;
        const c = this.base('inpatient', this.officeTime(rng, discharge), instIndex, person, this.identityCheck(rng, inst));
        c.card = this.cardFor(rng, person);
        c.diagnosis = dxIndex;
        c.doctor = this.doctorFor(rng, instIndex, dxIndex, person, admit);
        c.department = pop.doctors[c.doctor]!.department;
        c.admitDay = admit;
        c.dischargeDay = discharge;
        this.inpatientLines(rng, dx, inst, person, admit, stay, c.lines);
        c.fundRatio = this.fundRatio(rng, person, 'inpatient');
        out.push(c);
        made++;
      } else if (r < KIND_MIX.inpatient + KIND_MIX.outpatient) {
        const where = rng.float();
        const instIndex =
          where < 0.5
            ? p.homeClinic[person]!
            : where < 0.85
              ? p.prefHospital[person]!
              : where < 0.97
                ? regionPickers.hospitals[regionPickers.hospitalPicker.pick(rng)]!
                : this.remoteHospital(rng, p.region[person]!);
        const inst = pop.institutions[instIndex]!;
        const dxIndex = this.diagnosisFor(rng, person, day, false);
        const c = this.base('outpatient', this.officeTime(rng, day), instIndex, person, this.identityCheck(rng, inst));
        c.card = this.cardFor(rng, person);
        c.diagnosis = dxIndex;
        c.doctor = this.doctorFor(rng, instIndex, dxIndex, person, day);
        c.department = pop.doctors[c.doctor]!.department;
        this.outpatientLines(rng, DIAGNOSES[dxIndex]!, inst, person, day, c.lines);
        c.fundRatio = this.fundRatio(rng, person, 'outpatient');
        this.maybeFamilyCard(rng, person, c);
        out.push(c);
        made++;
        // External prescription (外配处方) filled at a pharmacy the same day.
        if (made < count && inst.kind === 'hospital' && rng.chance(0.18)) {
          // Filled near the hospital: at home, or in the other city when the visit was 异地就医.
          const nearby = inst.region === p.region[person] ? p.homePharmacy[person]! : this.randomPharmacy(rng, inst.region);
          const pharmacy = inst.besidePharmacy >= 0 && rng.chance(0.75) ? inst.besidePharmacy : nearby;
          out.push(this.prescriptionFill(rng, person, pharmacy, c.doctor, dxIndex, c.t + rng.range(1200, 10800)));
          made++;
        }
      } else {
        const pharmacy = rng.chance(0.75) ? p.homePharmacy[person]! : regionPickers.pharmacies[regionPickers.pharmacyPicker.pick(rng)]!;
        const inst = pop.institutions[pharmacy]!;
        // Medicine bought for a child or an elderly parent on one's own card (家庭共济): common and honest.
        const patient = this.buyFor(rng, person, day);
        const dxIndex = this.diagnosisFor(rng, patient, day, false);
        const c = this.base('pharmacy', this.shopTime(rng, day), pharmacy, person, this.identityCheck(rng, inst));
        c.card = this.cardFor(rng, person);
        if (c.served >= 0) c.served = patient;
        c.diagnosis = dxIndex;
        const drugs = this.drugChoices(dxIndex, patient, day);
        const picked = rng.sampleInto(drugs, rng.range(1, Math.min(2, drugs.length)), this.drugSample);
        for (let i = 0; i < picked; i++) this.drugLines(c.lines, this.drugSample[i]!, inst, rng.chance(0.75) ? 1 : 2, true);
        c.fundRatio = this.fundRatio(rng, person, 'pharmacy');
        if (patient === person) this.maybeFamilyCard(rng, person, c);
        out.push(c);
        made++;
      }
    }
  }

  prescriptionFill(rng: Rng, person: number, pharmacy: number, doctor: number, dxIndex: number, t: number): ClaimDraft {
    const inst = this.pop.institutions[pharmacy]!;
    const time = Math.min(t, this.days * 86400 - 1);
    const c = this.base('pharmacy', time, pharmacy, person, this.identityCheck(rng, inst));
    c.card = this.cardFor(rng, person);
    c.diagnosis = dxIndex;
    c.rxDoctor = doctor;
    c.rxNumber = this.newPrescriptionNumber();
    const drugs = this.drugChoices(dxIndex, person, Math.floor(time / 86400));
    const picked = rng.sampleInto(drugs, rng.range(1, Math.min(2, drugs.length)), this.drugSample);
    for (let i = 0; i < picked; i++) this.drugLines(c.lines, this.drugSample[i]!, inst, rng.range(1, 2), true);
    c.fundRatio = this.fundRatio(rng, person, 'pharmacy');
    return c;
  }

  /** Parents using their card for a child (and the like) happen honestly too; the recipient is a household member. */
  private maybeFamilyCard(rng: Rng, person: number, c: ClaimDraft): void {
    const p = this.pop.persons;
    const size = p.householdSize[person]!;
    if (size > 1 && c.check !== 'none' && rng.chance(0.01)) c.served = p.household[person]! + rng.int(size);
  }

  /**
   * Whom a pharmacy purchase is for: usually the cardholder; sometimes a child or an elderly parent of the
   * household (their medicine then contradicts the holder's age — noise a detector must tolerate), rarely
   * another adult (a spouse's gender-specific medicine).
   */
  buyFor(rng: Rng, person: number, day: number): number {
    const p = this.pop.persons;
    const size = p.householdSize[person]!;
    if (size < 2 || !rng.chance(FAMILY_PURCHASE_CHANCE)) return person;
    const other = p.household[person]! + rng.int(size);
    if (other === person) return person;
    const today = this.period.startDay + day;
    const holderAge = ageOn(p.birthDay[person]!, today);
    const otherAge = ageOn(p.birthDay[other]!, today);
    if (holderAge < 18) return person;
    if (otherAge < CHILD_AGE) return other;
    if (otherAge >= 65 && holderAge < 65) return rng.chance(0.5) ? other : person;
    return rng.chance(0.1) ? other : person;
  }

  private randomPharmacy(rng: Rng, region: number): number {
    const r = this.pop.byRegion[region]!;
    return r.pharmacies[r.pharmacyPicker.pick(rng)]!;
  }

  private remoteHospital(rng: Rng, home: number): number {
    const regions = this.pop.byRegion.length;
    const other = regions > 1 ? (home + 1 + rng.int(regions - 1)) % regions : home;
    const r = this.pop.byRegion[other]!;
    return r.hospitals[r.hospitalPicker.pick(rng)]!;
  }
}

/** Patients under this age are seen by paediatrics (儿科) at a hospital. */
export const CHILD_AGE = 15;
/** Share of pharmacy purchases that may be on behalf of another household member (see buyFor). */
const FAMILY_PURCHASE_CHANCE = 0.2;

const CHILD_DEPARTMENTS: readonly Department[] = ['儿科', '全科', '急诊科'];
const FALLBACK_DEPARTMENTS: readonly Department[] = ['全科', '内科', '急诊科'];

/**
 * Doctors of the institution whose department treats the diagnosis: children go to paediatrics, general
 * practice or the emergency room (surgery too for surgical conditions); adults to the diagnosis's
 * departments and never to paediatrics; only women to obstetrics. Falls back to general practice.
 */
export function eligibleDoctors(pop: Population, instIndex: number, dx: Diagnosis, child: boolean): number[] {
  const doctors = pop.institutions[instIndex]!.doctors;
  const wanted: readonly Department[] = child ? [...CHILD_DEPARTMENTS, ...dx.departments.filter((d) => d === '外科')] : dx.departments;
  const inDepartments = (depts: readonly Department[]) => doctors.filter((d) => depts.includes(pop.doctors[d]!.department));
  let list = inDepartments(wanted);
  if (list.length === 0) list = inDepartments(FALLBACK_DEPARTMENTS);
  if (list.length === 0) list = doctors.filter((d) => pop.doctors[d]!.department !== '儿科' && pop.doctors[d]!.department !== '妇产科');
  return list.length > 0 ? list : [...doctors];
}

export function levelRank(level: string): number {
  return level === 'tertiary' ? 3 : level === 'secondary' ? 2 : level === 'primary' ? 1 : 0;
}
