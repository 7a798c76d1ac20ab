import type { Role } from './roles.ts';

/**
 * How much of a person's data a role sees. Investigators work cases and liaisons hand them to the
 * police: both need to identify people, so they see everything. Supervisors steer the work from
 * aggregates and admins run the system: neither needs to know who a person is, so identifiers are
 * partly hidden — enough left to tell two people apart on a screen, not enough to identify them.
 */
export type MaskLevel = 'full' | 'masked';

export const MASK_LEVEL: Record<Role, MaskLevel> = {
  investigator: 'full',
  liaison: 'full',
  supervisor: 'masked',
  admin: 'masked',
};

const stars = (n: number) => '*'.repeat(Math.max(n, 0));

/** Keeps the first `head` and last `tail` characters (code points, so Chinese names work). */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  if (chars.length <= head + tail) return chars.length <= 1 ? stars(chars.length) : chars[0] + stars(chars.length - 1);
  return chars.slice(0, head).join('') + stars(chars.length - head - tail) + (tail ? chars.slice(-tail).join('') : '');
}

/** 张三丰 → 张**, Zhang San → Z*********. */
export const maskName = (name: string) => keepEnds(name, 1, 0);
/** 18-digit ID: the 6-digit region code and the last 4 stay (320505********0461). */
export const maskIdNumber = (id: string) => keepEnds(id, 6, 4);
/** Card numbers: the last 4 stay. */
export const maskCardNo = (cardNo: string) => keepEnds(cardNo, 0, 4);
/** Phone numbers: 138****5678. */
export const maskPhone = (phone: string) => keepEnds(phone, 3, 4);
/** Addresses: only the first 6 characters (province/city/district in Chinese addresses). */
export const maskAddress = (address: string) => keepEnds(address, 6, 0);
/** Birth dates keep the year only: age matters to the evidence, the day identifies. */
export const maskBirthDate = (date: string) => (/^\d{4}/.test(date) ? `${date.slice(0, 4)}-**-**` : stars(date.length));

/** Every resident ID number (18 digits, the last may be X; or the old 15-digit form) inside free text, masked. */
export const maskIdNumbersIn = (text: string) => text.replace(/(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g, (id) => maskIdNumber(id));

/**
 * Text someone typed to find a person (an ID number, a card number, a name or its first characters):
 * ID numbers keep their region code and last 4, anything else only its first character.
 */
export const maskSearchTerm = (text: string) => (/^\d{15}(\d{2}[\dXx])?$/.test(text) ? maskIdNumber(text) : maskName(text));

export interface Masker {
  level: MaskLevel;
  name(v: string | null | undefined): string | null;
  idNumber(v: string | null | undefined): string | null;
  cardNo(v: string | null | undefined): string | null;
  phone(v: string | null | undefined): string | null;
  address(v: string | null | undefined): string | null;
  birthDate(v: string | null | undefined): string | null;
  /** A natural key of an entity of the given type: persons' and cards' keys are personal data. */
  key(type: string, v: string): string;
  /** "person:320505…" style entity references, as evidence records carry them. */
  ref(ref: string): string;
  /** what someone typed to find a person (search queries, audit filters) */
  searchTerm(v: string): string;
  /** free text that may quote ID numbers (request paths, details) */
  text(v: string): string;
}

const nullable = (f: (v: string) => string) => (v: string | null | undefined) => (v === null || v === undefined ? null : f(String(v)));

export function maskerFor(role: Role): Masker {
  const level = MASK_LEVEL[role];
  if (level === 'full') {
    const same = (v: string | null | undefined) => (v === null || v === undefined ? null : String(v));
    const as = (v: string) => v;
    return { level, name: same, idNumber: same, cardNo: same, phone: same, address: same, birthDate: same, key: (_t, v) => v, ref: as, searchTerm: as, text: as };
  }
  const key = (type: string, v: string) => (type === 'person' ? maskIdNumber(v) : type === 'card' ? maskCardNo(v) : v);
  return {
    level,
    name: nullable(maskName),
    idNumber: nullable(maskIdNumber),
    cardNo: nullable(maskCardNo),
    phone: nullable(maskPhone),
    address: nullable(maskAddress),
    birthDate: nullable(maskBirthDate),
    key,
    ref: (r) => {
      const i = r.indexOf(':');
      return i < 0 ? maskIdNumbersIn(r) : `${r.slice(0, i)}:${maskIdNumbersIn(key(r.slice(0, i), r.slice(i + 1)))}`;
    },
    searchTerm: maskSearchTerm,
    text: maskIdNumbersIn,
  };
}
