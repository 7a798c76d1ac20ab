import type { Gender, InstitutionKind, InstitutionLevel } from './format.ts';
import { makeIdNumber } from './id-number.ts';
import { Rng, WeightedPicker, permute } from './random.ts';
import { CLINIC_DEPARTMENTS, DEPARTMENTS, DISTRICT_NAMES, DOCTOR_TITLES, GIVEN_FEMALE, GIVEN_MALE, PHARMACY_BRANDS, REGION_SEEDS, STREETS, SURNAMES, type Department, type RegionSeed } from './reference-data.ts';
import { CHRONIC_DIAGNOSES, DIAGNOSES } from './catalog.ts';
import { DateCache, type Period } from './time.ts';

/**
 * The background world: regions, institutions, doctors, persons and cards. Persons live in typed
 * arrays because a 10M-claim dataset has well over a million of them.
 */

export interface Region extends RegionSeed {
  index: number;
}

export interface Institution {
  index: number;
  code: string;
  name: string;
  kind: InstitutionKind;
  level: InstitutionLevel;
  region: number;
  address: string;
  lat: number;
  lon: number;
  beds: number;
  /** Relative share of visits it attracts within its kind and region. */
  popularity: number;
  doctors: number[];
  /** Hospitals only: the pharmacy across the street that fills most external prescriptions (hard negative). */
  besidePharmacy: number;
}

export interface Doctor {
  index: number;
  code: string;
  name: string;
  gender: Gender;
  institution: number;
  department: Department;
  title: string;
}

export interface Persons {
  count: number;
  /** ID numbers as ASCII, 18 bytes per person: written into every claim row without building strings */
  idBytes: Uint8Array;
  gender: Uint8Array; // 0 = M, 1 = F
  birthDay: Int32Array; // days since 1970-01-01
  region: Uint8Array;
  household: Int32Array; // index of the household's first member
  householdSize: Uint8Array;
  employee: Uint8Array;
  hasEVoucher: Uint8Array;
  chronic: Int8Array; // diagnosis index or -1
  homeClinic: Int32Array;
  homePharmacy: Int32Array;
  prefHospital: Int32Array;
  activity: Float32Array;
}

export interface Population {
  regions: Region[];
  institutions: Institution[];
  doctors: Doctor[];
  persons: Persons;
  /** per region: institution indices by kind */
  byRegion: { hospitals: number[]; clinics: number[]; pharmacies: number[]; hospitalPicker: WeightedPicker; clinicPicker: WeightedPicker; pharmacyPicker: WeightedPicker }[];
  /** Overrides for persons whose address is not their household's (nursing-home residents). */
  addressOverride: Map<number, { householdId: string; address: string }>;
  /** Names set by a planted group (relatives sharing a surname across households); the drawn name otherwise. */
  nameOverride: Map<number, string>;
  referenceDay: number;
}

export function personName(rng: Rng, gender: Gender, surname: string = rng.pick(SURNAMES)): string {
  return surname + rng.pick(gender === 'M' ? GIVEN_MALE : GIVEN_FEMALE);
}

export function randomSurname(rng: Rng): string {
  return rng.pick(SURNAMES);
}

const AGE_BANDS = [
  [0, 9, 10],
  [10, 19, 10],
  [20, 29, 12],
  [30, 39, 15],
  [40, 49, 15],
  [50, 59, 16],
  [60, 69, 13],
  [70, 79, 7],
  [80, 95, 2],
] as const;
const AGE_PICKER = new WeightedPicker(AGE_BANDS.map((b) => b[2]));

/**
 * Every institution staffs its core departments first (each hospital has internal medicine, paediatrics,
 * surgery, general practice… before any department gets a second doctor), so a patient always finds a
 * fitting doctor; further doctors go mostly to internal medicine and general practice.
 */
function departmentOf(rng: Rng, kind: InstitutionKind, nth: number): Department {
  const core: readonly Department[] = kind === 'clinic' ? CLINIC_DEPARTMENTS : DEPARTMENTS;
  if (nth < core.length) return core[nth]!;
  return rng.chance(0.4) ? (kind === 'clinic' ? '全科' : '内科') : rng.pick(core);
}

/** A chronic condition the person's age allows (no hypertension at 20, no dementia at 40). */
export function chronicConditionFor(rng: Rng, age: number): number {
  for (let tries = 0; tries < 6; tries++) {
    const d = rng.pick(CHRONIC_DIAGNOSES);
    if (age >= DIAGNOSES[d]!.minAge && age <= DIAGNOSES[d]!.maxAge) return d;
  }
  return -1;
}

export function ageOn(birthDay: number, day: number): number {
  return Math.floor((day - birthDay) / 365.25);
}

function jitter(rng: Rng, spread: number): number {
  return (rng.float() - 0.5) * 2 * spread;
}

export function institutionCode(kind: InstitutionKind, regionCode: string, serial: number): string {
  return (kind === 'pharmacy' ? 'P' : 'H') + regionCode + String(serial).padStart(5, '0');
}

export function doctorCode(index: number): string {
  return 'D' + String(permute(index, 36, 0xd0c) + 100_000_000_000).padStart(12, '0');
}

export const ID_LENGTH = 18;

const CARD_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Card index 2p is person p's physical card, 2p+1 their e-voucher. */
export function cardId(cardIndex: number): string {
  const bytes = new Uint8Array(CARD_ID_MAX_LENGTH);
  return String.fromCharCode(...bytes.subarray(0, encodeCardId(cardIndex, bytes)));
}

export const CARD_ID_MAX_LENGTH = 18;

/** Writes the card id's ASCII bytes into out (from 0) and returns their count; the claim writer reuses one buffer. */
export function encodeCardId(cardIndex: number, out: Uint8Array): number {
  const person = cardIndex >>> 1;
  let digits: number;
  let width: number;
  let start: number;
  if ((cardIndex & 1) === 0) {
    out[0] = CARD_LETTERS.charCodeAt(Math.floor(person / 2 ** 26) % CARD_LETTERS.length);
    digits = permute(person % 2 ** 26, 26, 0xca4d);
    width = 8;
    start = 1;
  } else {
    out[0] = 69; // E
    out[1] = 86; // V
    digits = permute(person, 46, 0xe7);
    width = 16;
    start = 2;
  }
  for (let i = start + width - 1; i >= start; i--) {
    const q = Math.floor(digits / 10);
    out[i] = 48 + (digits - q * 10);
    digits = q;
  }
  return start + width;
}

export interface PopulationOptions {
  personCount: number;
  regionCount: number;
  period: Period;
  /** regions (from the first) whose leading tertiary hospital is a giant hub drawing far more patients */
  giantHospitals?: number;
  /** --profile varied: oncologists and nephrologists on top of the core departments (appended doctors) */
  specialists?: boolean;
}

export function buildPopulation(seed: number, opts: PopulationOptions): Population {
  const rng = Rng.stream(seed, 'population');
  const regions: Region[] = REGION_SEEDS.slice(0, opts.regionCount).map((r, index) => ({ ...r, index }));
  const institutions: Institution[] = [];
  const doctors: Doctor[] = [];
  const byRegion: Population['byRegion'] = [];
  const perRegion = Math.ceil(opts.personCount / regions.length);
  const scale = Math.min(4, Math.max(0.3, perRegion / 50_000));

  for (const region of regions) {
    const hospitals: number[] = [];
    const clinics: number[] = [];
    const pharmacies: number[] = [];
    let serialH = 1;
    let serialP = 1;
    const add = (kind: InstitutionKind, level: InstitutionLevel, name: string, beds: number, popularity: number, doctorCount: number, near?: Institution): Institution => {
      const street = rng.pick(STREETS);
      const inst: Institution = {
        index: institutions.length,
        code: institutionCode(kind, region.code, kind === 'pharmacy' ? serialP++ : serialH++),
        name,
        kind,
        level,
        region: region.index,
        address: `${region.province}${region.name}${rng.pick(DISTRICT_NAMES)}${street}${rng.range(1, 999)}号`,
        lat: near ? near.lat + 0.0008 : region.lat + jitter(rng, 0.12),
        lon: near ? near.lon + 0.0006 : region.lon + jitter(rng, 0.12),
        beds,
        popularity,
        doctors: [],
        besidePharmacy: -1,
      };
      institutions.push(inst);
      for (let i = 0; i < doctorCount; i++) {
        const gender: Gender = rng.chance(0.5) ? 'M' : 'F';
        const doctor: Doctor = {
          index: doctors.length,
          code: doctorCode(doctors.length),
          name: personName(rng, gender),
          gender,
          institution: inst.index,
          department: departmentOf(rng, kind, i),
          title: rng.pick(DOCTOR_TITLES),
        };
        doctors.push(doctor);
        inst.doctors.push(doctor.index);
      }
      (kind === 'hospital' ? hospitals : kind === 'clinic' ? clinics : pharmacies).push(inst.index);
      return inst;
    };
    const short = region.name.replace(/市$/, '');
    const tertiary = Math.max(1, Math.round(perRegion / 60_000));
    const tertiaryNames = ['第一人民医院', '中心医院', '中医院', '第二人民医院', '人民医院', '妇幼保健院', '第三人民医院', '儿童医院'];
    for (let i = 0; i < tertiary; i++) {
      const name = i < tertiaryNames.length ? `${region.name}${tertiaryNames[i]}` : `${region.name}第${i + 1}医院`;
      const giant = i === 0 && region.index < (opts.giantHospitals ?? 0);
      add('hospital', 'tertiary', name, rng.range(1200, 3500), rng.logNormal(2.2, 0.3) * (giant ? 4 : 1), Math.round(60 * scale * (giant ? 2 : 1)));
    }
    const secondary = Math.max(2, Math.round(perRegion / 15_000));
    for (let i = 0; i < secondary; i++) {
      const district = DISTRICT_NAMES[i % DISTRICT_NAMES.length] as string;
      const name = i < DISTRICT_NAMES.length ? `${short}${district}人民医院` : `${short}${district}第${Math.floor(i / DISTRICT_NAMES.length) + 1}医院`;
      add('hospital', 'secondary', name, rng.range(200, 800), rng.logNormal(1.2, 0.4), Math.round(25 * scale));
    }
    const clinicCount = Math.max(4, Math.round(perRegion / 4_000));
    for (let i = 0; i < clinicCount; i++) {
      const district = rng.pick(DISTRICT_NAMES);
      const street = STREETS[i % STREETS.length] as string;
      const name = i % 5 === 4 ? `${short}${district}${street.replace(/路|街|大道/, '')}镇卫生院` : `${short}${district}${street.replace(/路|街|大道/, '')}社区卫生服务中心`;
      add('clinic', 'primary', i >= STREETS.length ? `${name}(${Math.floor(i / STREETS.length) + 1}分中心)` : name, i % 5 === 4 ? rng.range(20, 60) : 0, rng.logNormal(0, 0.5), Math.max(3, Math.round(6 * scale)));
    }
    const pharmacyCount = Math.max(6, Math.round(perRegion / 2_500));
    for (let i = 0; i < pharmacyCount; i++) {
      add('pharmacy', 'none', `${rng.pick(PHARMACY_BRANDS)}(${short}${rng.pick(STREETS)}${i + 1}店)`, 0, rng.logNormal(0, 0.6), 0);
    }
    byRegion.push({
      hospitals,
      clinics,
      pharmacies,
      hospitalPicker: new WeightedPicker(hospitals.map((i) => (institutions[i] as Institution).popularity)),
      clinicPicker: new WeightedPicker(clinics.map((i) => (institutions[i] as Institution).popularity)),
      pharmacyPicker: new WeightedPicker(pharmacies.map((i) => (institutions[i] as Institution).popularity)),
    });
  }

  const persons = buildPersons(seed, opts, regions, byRegion);
  if (opts.specialists) addSpecialists(seed, institutions, doctors);
  return { regions, institutions, doctors, persons, byRegion, addressOverride: new Map(), nameOverride: new Map(), referenceDay: opts.period.startDay };
}

/**
 * Oncology (肿瘤科) and nephrology (肾内科, which runs the dialysis unit) in the hospitals, for the varied
 * profile: every tertiary hospital has two oncologists and a nephrologist, a secondary hospital a
 * nephrologist, half the time an oncologist, and a second internist (small datasets staff a secondary
 * hospital with one doctor per department, and no ward runs on one doctor). Appended after every other doctor, from a stream of their
 * own, so the rest of the world is drawn exactly as in the classic profile.
 */
function addSpecialists(seed: number, institutions: Institution[], doctors: Doctor[]): void {
  const rng = Rng.stream(seed, 'specialists');
  for (const inst of institutions) {
    if (inst.kind !== 'hospital') continue;
    const wanted: Department[] = inst.level === 'tertiary' ? ['肿瘤科', '肿瘤科', '肾内科'] : rng.chance(0.5) ? ['肾内科', '肿瘤科', '内科'] : ['肾内科', '内科'];
    for (const department of wanted) {
      const gender: Gender = rng.chance(0.5) ? 'M' : 'F';
      const doctor: Doctor = { index: doctors.length, code: doctorCode(doctors.length), name: personName(rng, gender), gender, institution: inst.index, department, title: rng.pick(DOCTOR_TITLES) };
      doctors.push(doctor);
      inst.doctors.push(doctor.index);
    }
  }
}

function buildPersons(seed: number, opts: PopulationOptions, regions: Region[], byRegion: Population['byRegion']): Persons {
  const rng = Rng.stream(seed, 'persons');
  const n = opts.personCount;
  const p: Persons = {
    count: n,
    idBytes: new Uint8Array(n * ID_LENGTH),
    gender: new Uint8Array(n),
    birthDay: new Int32Array(n),
    region: new Uint8Array(n),
    household: new Int32Array(n),
    householdSize: new Uint8Array(n),
    employee: new Uint8Array(n),
    hasEVoucher: new Uint8Array(n),
    chronic: new Int8Array(n),
    homeClinic: new Int32Array(n),
    homePharmacy: new Int32Array(n),
    prefHospital: new Int32Array(n),
    activity: new Float32Array(n),
  };
  // Sequence numbers are unique per (district, birth day, gender): one counter cell each.
  const firstBirthDay = opts.period.startDay - 96 * 366;
  const dayRange = 97 * 366;
  const districts = DISTRICT_NAMES.length;
  const counters = new Uint16Array(regions.length * districts * dayRange * 2);
  const refDay = opts.period.startDay;
  const dates = new DateCache();

  let i = 0;
  while (i < n) {
    const size = Math.min(n - i, rng.pick([1, 2, 2, 3, 3, 3, 4, 4, 5] as const));
    const region = rng.int(regions.length);
    const regionPickers = byRegion[region]!;
    const district = rng.int(districts);
    const homeClinic = regionPickers.clinics[regionPickers.clinicPicker.pick(rng)]!;
    const homePharmacy = regionPickers.pharmacies[regionPickers.pharmacyPicker.pick(rng)]!;
    const prefHospital = regionPickers.hospitals[regionPickers.hospitalPicker.pick(rng)]!;
    for (let k = 0; k < size; k++) {
      const idx = i + k;
      const band = AGE_BANDS[AGE_PICKER.pick(rng)]!;
      const age = rng.range(band[0], band[1]);
      const birthDay = refDay - age * 365 - rng.int(365) - 1;
      const gender: Gender = rng.chance(0.5) ? 'M' : 'F';
      const cell = ((region * districts + district) * dayRange + (birthDay - firstBirthDay)) * 2 + (gender === 'M' ? 0 : 1);
      const k2 = counters[cell]!;
      counters[cell] = k2 + 1;
      // A bucket-specific start keeps sequences from all being 001/002 without risking a collision.
      const start = (Math.imul(cell, 0x9e3779b1) >>> 0) % 200;
      const sequence = (2 * (start + k2) + (gender === 'M' ? 1 : 0)) % 1000;
      const districtCode = regions[region]!.code.slice(0, 4) + String(district + 2).padStart(2, '0');
      const idNumber = makeIdNumber(districtCode, dates.get(birthDay), sequence, gender);
      for (let c = 0; c < ID_LENGTH; c++) p.idBytes[idx * ID_LENGTH + c] = idNumber.charCodeAt(c);
      p.gender[idx] = gender === 'M' ? 0 : 1;
      p.birthDay[idx] = birthDay;
      p.region[idx] = region;
      p.household[idx] = i;
      p.householdSize[idx] = size;
      p.employee[idx] = age >= 22 && age < 60 && rng.chance(0.6) ? 1 : 0;
      p.hasEVoucher[idx] = rng.chance(age >= 75 ? 0.3 : 0.85) ? 1 : 0;
      const chronicChance = age < 30 ? 0.02 : age < 50 ? 0.1 : age < 65 ? 0.3 : 0.5;
      p.chronic[idx] = rng.chance(chronicChance) ? chronicConditionFor(rng, age) : -1;
      p.homeClinic[idx] = homeClinic;
      p.homePharmacy[idx] = rng.chance(0.85) ? homePharmacy : regionPickers.pharmacies[regionPickers.pharmacyPicker.pick(rng)]!;
      p.prefHospital[idx] = prefHospital;
      const ageFactor = age < 6 ? 1.6 : age < 20 ? 0.7 : age < 50 ? 0.8 : age < 70 ? 1.4 : 2.0;
      p.activity[idx] = rng.logNormal(0, 0.9) * ageFactor * (p.chronic[idx] >= 0 ? 2.2 : 1);
    }
    i += size;
  }
  return p;
}

/** A person's ID number as text (ground truth, tests); the claim writers copy idBytes directly. */
export function idNumberOf(p: Persons, person: number): string {
  return String.fromCharCode(...p.idBytes.subarray(person * ID_LENGTH, (person + 1) * ID_LENGTH));
}

export function householdId(householdStart: number): string {
  return 'HH' + String(permute(householdStart, 32, 0x40f)).padStart(10, '0');
}

export function homeAddress(rng: Rng, region: Region): string {
  return `${region.province}${region.name}${rng.pick(DISTRICT_NAMES)}${rng.pick(STREETS)}${rng.range(1, 300)}号${rng.range(1, 30)}幢${rng.range(1, 30)}0${rng.range(1, 4)}室`;
}
