/**
 * Foreign amounts → canonical yuan with exactly two decimals. Done on the digits, never through a
 * float, so 1234567890123 fen stays exact. The sign is kept: refunds (冲正) are negative in some exports
 * and rejecting them is the canonical validator's call, not the mapping's.
 */

export type AmountUnit = 'fen' | 'yuan';

/** `undefined` means the value is not an amount in that unit. */
export type AmountConverter = (value: string) => string | undefined;

export function amountConverter(unit: AmountUnit): AmountConverter {
  return unit === 'fen' ? fenToYuan : normalizeYuan;
}

function isDigits(value: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Integer fen (分): `12345` → `123.45`, `5` → `0.05`. */
function fenToYuan(value: string): string | undefined {
  const negative = value.charCodeAt(0) === 45; // '-'
  const start = negative ? 1 : 0;
  if (!isDigits(value, start, value.length)) return undefined;
  let first = start;
  while (first < value.length - 1 && value.charCodeAt(first) === 48) first++;
  const digits = value.slice(first);
  const sign = negative && digits !== '0' ? '-' : '';
  if (digits.length <= 2) return `${sign}0.${digits.padStart(2, '0')}`;
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Yuan with 0-2 decimals: `12` → `12.00`, `012.5` → `12.50`; a third decimal is refused, not rounded. */
function normalizeYuan(value: string): string | undefined {
  const negative = value.charCodeAt(0) === 45;
  const start = negative ? 1 : 0;
  const dot = value.indexOf('.', start);
  const intEnd = dot < 0 ? value.length : dot;
  if (!isDigits(value, start, intEnd)) return undefined;
  let fraction = '00';
  if (dot >= 0) {
    const decimals = value.length - dot - 1;
    if (decimals < 1 || decimals > 2 || !isDigits(value, dot + 1, value.length)) return undefined;
    fraction = decimals === 1 ? `${value.slice(dot + 1)}0` : value.slice(dot + 1);
  }
  let first = start;
  while (first < intEnd - 1 && value.charCodeAt(first) === 48) first++;
  const integer = value.slice(first, intEnd);
  const sign = negative && (integer !== '0' || fraction !== '00') ? '-' : '';
  return `${sign}${integer}.${fraction}`;
}
