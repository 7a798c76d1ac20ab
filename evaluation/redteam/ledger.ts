/**
 * The ledger of settlements: builds claims (ids, times, identity check, prices, trace codes, fund split)
 * and keeps per-person inpatient stays so honest claims never fall inside a stay.
 */
import type { Diagnosis, Item } from './catalog.ts';
import { Rng, unitHash } from './rng.ts';
import { DAY, DAYS } from './time.ts';
import type { Institution, Person, World } from './world.ts';
import { ageAt } from './world.ts';

export type ClaimKind = 'outpatient' | 'inpatient' | 'pharmacy';
export type Check = 'face' | 'real_name' | 'none';

export interface Line {
  item: Item;
  qty: number;
  price: number;
  amount: number;
  trace: string;
}

export interface Claim {
  idx: number;
  id: string;
  t: number;
  kind: ClaimKind;
  inst: number;
  dept: string;
  doctor: number;
  card: number;
  insured: number;
  served: number;
  check: Check;
  dx: Diagnosis;
  adm: number;
  dis: number;
  rx: string;
  rxDoctor: number;
  rxInst: number;
  lines: Line[];
  total: number;
  fund: number;
  droppable: boolean;
  dropped: boolean;
}

export type LineSpec = [Item, number] | [Item, number, { trace?: string; priceFactor?: number; noTrace?: boolean }];

export interface ClaimSpec {
  t: number;
  kind: ClaimKind;
  inst: number;
  doctor?: number;
  dept?: string;
  /** person whose card is charged */
  holder: number;
  /** card index; default: the holder's e-voucher or physical card by habit */
  card?: number;
  /** person actually served (default the holder) */
  served?: number;
  /** force identity check outcome; default from the institution's policy */
  check?: Check;
  dx: Diagnosis;
  adm?: number;
  dis?: number;
  rx?: string;
  rxDoctor?: number;
  lines: LineSpec[];
  /** drug lines get traceability codes per the institution's rate unless false */
  trace?: boolean;
  priceFactor?: number;
  droppable?: boolean;
}

const LEVEL_SERVICE_FACTOR: Record<string, number> = { tertiary: 1.1, secondary: 1.0, primary: 0.85, none: 1 };

export class Ledger {
  readonly claims: Claim[] = [];
  private readonly ids = new Set<string>();
  private readonly rxIds = new Set<string>();
  private traceCounter = 1;
  private readonly stays = new Map<number, Array<[number, number]>>();
  readonly rng: Rng;

  constructor(readonly world: World, seed: number) {
    this.rng = new Rng(seed, 'ledger');
  }

  newClaimId(): string {
    for (;;) {
      const id = 'CL' + this.rng.digits(14);
      if (!this.ids.has(id)) {
        this.ids.add(id);
        return id;
      }
    }
  }

  newRxId(): string {
    for (;;) {
      const id = 'RX' + this.rng.digits(14);
      if (!this.rxIds.has(id)) {
        this.rxIds.add(id);
        return id;
      }
    }
  }

  /** A fresh, never-used 20-digit traceability code for one package of the drug. */
  newTrace(item: Item): string {
    const n = this.traceCounter++;
    const serial = (n * 387420489 + 7340033) % 1000000000;
    const tail = Math.floor(unitHash(n, item.idx, 99) * 10000);
    return item.tracePrefix + String(serial).padStart(9, '0') + String(tail).padStart(4, '0');
  }

  priceAt(inst: Institution, item: Item): number {
    if (inst.kind === 'pharmacy') {
      const f = 0.9 + 0.3 * unitHash(inst.idx, item.idx, 7);
      return Math.max(10, Math.round((item.price * f) / 10) * 10);
    }
    if (item.category === 'drug' || item.category === 'material') return Math.round(item.price * (0.985 + 0.03 * unitHash(inst.region, item.idx, 3)));
    return Math.round(item.price * (LEVEL_SERVICE_FACTOR[inst.level] ?? 1));
  }

  addStay(person: number, adm: number, dis: number): void {
    const list = this.stays.get(person);
    if (list) list.push([adm, dis]);
    else this.stays.set(person, [[adm, dis]]);
  }

  /** true when [a, b] overlaps a registered stay of the person (with margin days either side) */
  staysOverlap(person: number, a: number, b: number, margin = 0): boolean {
    const list = this.stays.get(person);
    if (!list) return false;
    for (const [s, e] of list) if (a <= e + margin && b >= s - margin) return true;
    return false;
  }

  inpatientOn(person: number, day: number): boolean {
    const list = this.stays.get(person);
    if (!list) return false;
    for (const [s, e] of list) if (day >= s && day <= e) return true;
    return false;
  }

  staysOf(person: number): Array<[number, number]> {
    return this.stays.get(person) ?? [];
  }

  defaultCard(p: Person): number {
    if (p.ev >= 0 && this.rng.chance(p.age < 60 ? 0.62 : 0.35)) return p.ev;
    return p.physical;
  }

  add(spec: ClaimSpec): number {
    const w = this.world;
    const inst = w.insts[spec.inst]!;
    const holder = w.persons[spec.holder]!;
    const card = spec.card ?? this.defaultCard(holder);
    const served = spec.served ?? spec.holder;
    let check: Check;
    if (spec.check) check = spec.check;
    else if (inst.idRate > 0 && this.rng.chance(inst.idRate)) check = this.rng.chance(inst.faceShare) ? 'face' : 'real_name';
    else check = 'none';
    const traceOn = spec.trace ?? (spec.kind !== 'inpatient');
    const lines: Line[] = [];
    let total = 0;
    const pf = spec.priceFactor ?? 1;
    for (const ls of spec.lines) {
      const [it, qty] = ls;
      const opt = ls[2];
      if (qty <= 0) continue;
      const base = this.priceAt(inst, it);
      const price = Math.max(1, Math.round(base * pf * (opt?.priceFactor ?? 1)));
      const wantTrace = it.category === 'drug' && traceOn && !opt?.noTrace && (opt?.trace !== undefined || this.rng.chance(inst.traceRate));
      if (wantTrace && Number.isInteger(qty)) {
        for (let k = 0; k < qty; k++) {
          const trace = k === 0 && opt?.trace ? opt.trace : this.newTrace(it);
          lines.push({ item: it, qty: 1, price, amount: price, trace });
          total += price;
        }
      } else {
        const amount = Math.round(qty * price);
        lines.push({ item: it, qty, price, amount, trace: '' });
        total += amount;
      }
    }
    if (lines.length === 0) throw new Error('claim without lines');
    const doctor = spec.doctor ?? -1;
    const dept = spec.dept ?? (doctor >= 0 ? w.doctors[doctor]!.dept : '');
    let rxInst = -1;
    if (spec.rxDoctor !== undefined && spec.rxDoctor >= 0) rxInst = w.doctors[spec.rxDoctor]!.inst;
    const claim: Claim = {
      idx: this.claims.length,
      id: this.newClaimId(),
      t: Math.max(0, Math.min(DAYS * DAY - 1, Math.round(spec.t))),
      kind: spec.kind,
      inst: spec.inst,
      dept: spec.kind === 'pharmacy' ? '' : dept,
      doctor: spec.kind === 'pharmacy' ? -1 : doctor,
      card,
      insured: w.cards[card]!.holder,
      served: check === 'none' ? -1 : served,
      check,
      dx: spec.dx,
      adm: spec.kind === 'inpatient' ? (spec.adm ?? -1) : -1,
      dis: spec.kind === 'inpatient' ? (spec.dis ?? -1) : -1,
      rx: spec.rx ?? '',
      rxDoctor: spec.rxDoctor ?? -1,
      rxInst,
      lines,
      total,
      fund: 0,
      droppable: spec.droppable ?? false,
      dropped: false,
    };
    claim.fund = this.fundPaid(claim, inst);
    this.claims.push(claim);
    return claim.idx;
  }

  /** Fund share: 统筹 by claim kind, level and insurance type, plus the employee personal account. */
  private fundPaid(c: Claim, inst: Institution): number {
    const p = this.world.persons[c.insured]!;
    const emp = p.insured === 'employee';
    const lvl = inst.level;
    let pool = 0;
    if (c.kind === 'inpatient') {
      const deductible = (lvl === 'tertiary' ? 1000 : lvl === 'secondary' ? 600 : 300) * 100 * (emp ? 1 : 0.8);
      const share = emp ? (lvl === 'tertiary' ? 0.82 : lvl === 'secondary' ? 0.87 : 0.9) : lvl === 'tertiary' ? 0.62 : lvl === 'secondary' ? 0.7 : 0.8;
      pool = Math.max(0, c.total - deductible) * share;
    } else if (c.kind === 'outpatient') {
      const share = emp ? (lvl === 'tertiary' ? 0.55 : lvl === 'secondary' ? 0.62 : 0.7) : lvl === 'tertiary' ? 0.4 : lvl === 'secondary' ? 0.5 : 0.6;
      pool = c.total * share;
    } else {
      pool = c.rx ? c.total * (emp ? 0.5 : 0.45) : 0;
    }
    pool = Math.floor(pool);
    let fund = pool;
    if (emp) fund += Math.floor((c.total - pool) * p.acct);
    const age = ageAt(p, Math.floor(c.t / DAY));
    if (!emp && c.kind === 'pharmacy' && !c.rx && age >= 0) fund = Math.floor(c.total * 0.2); // 门诊统筹 small share at designated pharmacies
    return Math.max(0, Math.min(c.total, fund));
  }
}
