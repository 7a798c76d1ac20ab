/** Builders for planted rings and look-alike groups, and person/institution selection helpers. */
import type { Rng } from './rng.ts';
import type { Institution, Person, World } from './world.ts';

export type MemberType = 'person' | 'card' | 'doctor' | 'institution';

export interface MemberRec {
  type: MemberType;
  id: string;
  role: string;
  core?: boolean;
}

export class Group {
  readonly members = new Map<string, MemberRec>();
  readonly claims: number[] = [];
  personIdx = new Set<number>();
  period: [number, number] = [0, 365];
  size = 0;
  description = '';
  variant = '';

  constructor(readonly w: World, readonly family: string) {}

  person(p: number, role: string): void {
    this.personIdx.add(p);
    this.add('person', this.w.persons[p]!.id, role);
  }
  card(c: number, role: string): void {
    this.add('card', this.w.cards[c]!.id, role);
  }
  doctor(d: number, role: string): void {
    this.add('doctor', this.w.doctors[d]!.code, role);
  }
  inst(i: number, role: string, core = false): void {
    this.add('institution', this.w.insts[i]!.code, role, core);
  }
  private add(type: MemberType, id: string, role: string, core = false): void {
    const key = type + ':' + id;
    if (this.members.has(key)) {
      if (core) this.members.get(key)!.core = true;
      return;
    }
    const m: MemberRec = { type, id, role };
    if (core) m.core = true;
    this.members.set(key, m);
  }
  claim(idx: number): number {
    this.claims.push(idx);
    return idx;
  }
}

/** persons living in region r, not reserved, passing the filter, in random order */
export function freePersons(w: World, rng: Rng, filter: (p: Person) => boolean): Person[] {
  const out = w.persons.filter((p) => p.reserved === 0 && filter(p));
  return rng.shuffle(out);
}

export function reserve(ps: Person[], how: 1 | 2): void {
  for (const p of ps) p.reserved = how;
}

export function freeInsts(w: World, region: number, filter: (i: Institution) => boolean): Institution[] {
  const br = w.byRegion[region]!;
  return [...br.hospitals, ...br.clinics, ...br.pharmacies].map((i) => w.insts[i]!).filter((i) => !i.hnCore && !i.ringUsed && !i.tags.has('hn-used') && filter(i));
}

export function pickInst(w: World, rng: Rng, region: number, filter: (i: Institution) => boolean, weight?: (i: Institution) => number): Institution {
  let list = freeInsts(w, region, filter);
  if (!list.length) list = [...w.byRegion[region]!.hospitals, ...w.byRegion[region]!.clinics, ...w.byRegion[region]!.pharmacies].map((i) => w.insts[i]!).filter((i) => !i.hnCore && !i.ringUsed && filter(i));
  if (!list.length) list = [...w.byRegion[region]!.hospitals, ...w.byRegion[region]!.clinics, ...w.byRegion[region]!.pharmacies].map((i) => w.insts[i]!).filter((i) => !i.hnCore && filter(i));
  if (!list.length) throw new Error(`no institution fits in region ${region}`);
  return weight ? rng.weighted(list, list.map(weight)) : rng.pick(list);
}
