import { z } from 'zod';
import { parseIdNumber } from '../../generator/id-number.ts';
import type { ValueLimits } from './limits.ts';

/**
 * Field rules shared by the row schemas. Every input is a string (CSV); empty means absent. Every rule
 * keeps the value contract (docs/canonical-format.md): numbers are finite, bounded and exact as
 * written; dates are real calendar dates inside a plausible window; text holds no control characters
 * and is bounded in length. A value that breaks it rejects the row, naming the field and the reason.
 */

export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

// Tab, line feed and carriage return are legitimate inside quoted text (addresses); NUL, the other C0/C1
// controls and U+FFFD (the mark of a character an earlier conversion already lost) are not.
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;

const describeCharacter = (v: string) => {
  const c = FORBIDDEN_CHARACTER.exec(v)![0];
  return c === '\uFFFD' ? 'contains U+FFFD, a character lost by an earlier encoding conversion' : `contains the control character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
};

export const text = (max = 200) =>
  z
    .string()
    .max(max * 4, `is longer than ${max} characters`)
    .trim()
    .min(1, 'is empty')
    .max(max, `is longer than ${max} characters`)
    .superRefine((v, ctx) => {
      if (FORBIDDEN_CHARACTER.test(v)) ctx.addIssue({ code: 'custom', message: describeCharacter(v) });
    });

export const key = () =>
  z.string().max(256, 'is longer than 64 characters').trim().min(1, 'is empty').max(64, 'is longer than 64 characters').regex(/^[\w:.\-/]+$/, 'contains characters not allowed in a code');

export const idNumber = () =>
  z
    .string()
    .max(64, 'is not an 18-character ID number')
    .trim()
    .toUpperCase()
    .refine((v) => /^\d{17}[\dX]$/.test(v), 'is not an 18-character ID number')
    .refine((v) => parseIdNumber(v) !== null, 'fails the GB 11643 check digit or has an impossible birth date');

export const regionCode = () => z.string().trim().regex(/^\d{6}$/, 'is not a 6-digit region code');

/** A calendar date YYYY-MM-DD that exists (no 2024-02-30) and lies in [earliest, latest]. */
export const date = (earliest: string, latest: string) =>
  z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) ctx.addIssue({ code: 'custom', message: 'is not a date YYYY-MM-DD' });
      else if (!z.iso.date().safeParse(v).success) ctx.addIssue({ code: 'custom', message: `is not a real calendar date (${v})` });
      else if (v < earliest || v > latest) ctx.addIssue({ code: 'custom', message: `${v} is outside the plausible range ${earliest} … ${latest}` });
    });

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const isoTimestamp = z.iso.datetime({ offset: true });

/** An ISO 8601 timestamp with offset whose date and time exist, its date inside [earliest, latest]. */
export const timestamp = (earliest: string, latest: string) =>
  z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const m = TIMESTAMP.exec(v);
      if (!m) return void ctx.addIssue({ code: 'custom', message: 'is not an ISO 8601 timestamp with offset (2024-03-01T09:30:00+08:00)' });
      // zod's ISO rule checks the calendar (days per month, leap years) and the clock; it wants seconds.
      const withSeconds = m[2] ? v : v.replace(/(T\d{2}:\d{2})/, '$1:00');
      if (!isoTimestamp.safeParse(withSeconds).success) return void ctx.addIssue({ code: 'custom', message: `is not a real date and time (${v})` });
      const day = m[1]!;
      if (day < earliest || day > latest) ctx.addIssue({ code: 'custom', message: `${day} is outside the plausible range ${earliest} … ${latest}` });
    });

/** Yuan with at most two decimals, not negative, at most `max`: the digits stay exact as a double. */
export const amount = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d{1,20}(\.\d{1,2})?$/, 'is not an amount in yuan with at most 2 decimals')
    .transform(Number)
    .refine((n) => n >= 0 && !Object.is(n, -0), 'is negative')
    .refine((n) => n <= max, `exceeds the largest amount allowed (${max} yuan)`);

/** A non-negative decimal with at most 3 decimals, at most `max`. */
export const decimal = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,20}(\.\d{1,3})?$/, 'is not a non-negative number with at most 3 decimals')
    .transform(Number)
    .refine((n) => n <= max, `exceeds the largest quantity allowed (${max})`);

export const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,20}$/, 'is not a whole number')
    .transform(Number)
    .refine((n) => n >= min, `is below ${min}`)
    .refine((n) => n <= max, `exceeds the largest count allowed (${max})`);

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().trim().pipe(z.enum(values, { error: `is not one of ${values.join(', ')}` }));

/** WGS-84 degrees: latitude within ±90, longitude within ±180. */
export const coordinate = (bound: 90 | 180) =>
  z
    .string()
    .trim()
    .regex(/^-?\d{1,3}(\.\d{1,10})?$/, 'is not a decimal coordinate')
    .transform(Number)
    .refine((n) => Math.abs(n) <= bound, `is not within ±${bound} degrees`);
