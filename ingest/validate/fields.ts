import { z } from 'zod';
import { parseIdNumber } from '../../generator/id-number.ts';

/** Field rules shared by the row schemas. Every input is a string (CSV); empty means absent. */

export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const text = (max = 200) => z.string().trim().min(1, 'is empty').max(max, `is longer than ${max} characters`);

export const key = () =>
  z.string().trim().min(1, 'is empty').max(64, 'is longer than 64 characters').regex(/^[\w:.\-/]+$/, 'contains characters not allowed in a code');

export const idNumber = () =>
  z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => /^\d{17}[\dX]$/.test(v), 'is not an 18-character ID number')
    .refine((v) => parseIdNumber(v) !== null, 'fails the GB 11643 check digit or has an impossible birth date');

export const regionCode = () => z.string().trim().regex(/^\d{6}$/, 'is not a 6-digit region code');

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const date = () =>
  z
    .string()
    .trim()
    .refine((v) => {
      const m = DATE.exec(v);
      if (!m) return false;
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
    }, 'is not a date YYYY-MM-DD');

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
export const timestamp = () =>
  z
    .string()
    .trim()
    .refine((v) => TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)), 'is not an ISO 8601 timestamp with offset (2024-03-01T09:30:00+08:00)');

export const amount = () =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d{1,2})?$/, 'is not an amount in yuan with at most 2 decimals')
    .transform(Number)
    .refine((n) => n >= 0, 'is negative');

export const decimal = () =>
  z.string().trim().regex(/^\d+(\.\d+)?$/, 'is not a non-negative number').transform(Number);

export const integer = (min = 0) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'is not a whole number')
    .transform(Number)
    .refine((n) => n >= min, `is below ${min}`);

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().trim().pipe(z.enum(values, { error: `is not one of ${values.join(', ')}` }));

export const coordinate = () => z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'is not a decimal coordinate').transform(Number);
