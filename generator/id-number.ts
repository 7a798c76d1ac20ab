/**
 * Chinese resident identity numbers (GB 11643-1999): 6-digit address code, birth date YYYYMMDD,
 * 3-digit sequence (odd = male, even = female) and an ISO 7064 MOD 11-2 check character.
 * Shared by the generator and the ingest so both agree on what a valid number is.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export interface ParsedIdNumber {
  regionCode: string;
  birthDate: string; // YYYY-MM-DD
  sequence: number;
  gender: 'M' | 'F';
}

export function idCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`"${first17}" is not 17 digits`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** Parses a number whose shape, birth date and check digit are valid; returns null otherwise. */
export function parseIdNumber(id: string): ParsedIdNumber | null {
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  if (idCheckDigit(id.slice(0, 17)) !== id[17]) return null;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || !isRealDate(y, m, d)) return null;
  const sequence = Number(id.slice(14, 17));
  return {
    regionCode: id.slice(0, 6),
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sequence,
    gender: sequence % 2 === 1 ? 'M' : 'F',
  };
}

export function isValidIdNumber(id: string): boolean {
  return parseIdNumber(id) !== null;
}

/** birthDate as YYYY-MM-DD; sequence parity must match gender (checked, since a mismatch is a silent data bug). */
export function makeIdNumber(regionCode: string, birthDate: string, sequence: number, gender: 'M' | 'F'): string {
  if (!/^\d{6}$/.test(regionCode)) throw new Error(`region code "${regionCode}" is not 6 digits`);
  if (sequence < 0 || sequence > 999 || (sequence % 2 === 1) !== (gender === 'M')) {
    throw new Error(`sequence ${sequence} does not fit gender ${gender}`);
  }
  const first17 = regionCode + birthDate.replaceAll('-', '') + String(sequence).padStart(3, '0');
  return first17 + idCheckDigit(first17);
}
