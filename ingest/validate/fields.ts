import { z } from 'zod';
import { parseIdNumber } from '../../generator/id-number.ts';

/**
 * Field rules shared by the row schemas. Every input is a string (CSV); empty means absent. Every rule
 * keeps the value contract (docs/canonical-format.md): numbers are finite, bounded and exact as
 * written; dates are real calendar dates inside a plausible window; text holds no control characters
 * and is bounded in length. A value that breaks it rejects the row, naming the field and the reason.
 *
 * Each rule is one function over the trimmed string that returns the value to store or a `Refusal`:
 * the ingest runs it on every field of millions of rows, and one call per field costs a fraction of a
 * chain of zod checks (trim, regex, transform, refine …, each with its own call and issue handling).
 */

/** Why a value is refused; a rule returns one instead of the value. */
class Refusal {
  constructor(readonly reason: string) {}
}
const refuse = (reason: string) => new Refusal(reason);

/** A zod schema for a string field, from a rule over its trimmed text. */
function rule<T>(check: (v: string, raw: string) => T | Refusal) {
  return z.string().transform((raw, ctx): T => {
    const r = check(raw.trim(), raw);
    if (r instanceof Refusal) {
      ctx.addIssue({ code: 'custom', message: r.reason, input: raw });
      return z.NEVER;
    }
    return r;
  });
}

export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

// Tab, line feed and carriage return are legitimate inside quoted text (addresses); NUL, the other C0/C1
// controls and U+FFFD (the mark of a character an earlier conversion already lost) are not.
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;

const describeCharacter = (v: string) => {
  const c = FORBIDDEN_CHARACTER.exec(v)![0];
  return c === '\uFFFD' ? 'contains U+FFFD, a character lost by an earlier encoding conversion' : `contains the control character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
};

export const text = (max = 200) => {
  const tooLong = `is longer than ${max} characters`;
  // A 10 MB field is refused on its raw length, before any work over its characters.
  return rule((v, raw) =>
    raw.length > max * 4 ? refuse(tooLong) : v === '' ? refuse('is empty') : v.length > max ? refuse(tooLong) : FORBIDDEN_CHARACTER.test(v) ? refuse(describeCharacter(v)) : v,
  );
};

const CODE = /^[\w:.\-/]+$/;
export const key = () =>
  rule((v, raw) =>
    raw.length > 256 || v.length > 64 ? refuse('is longer than 64 characters') : v === '' ? refuse('is empty') : CODE.test(v) ? v : refuse('contains characters not allowed in a code'),
  );

const ID_NUMBER = /^\d{17}[\dX]$/;
export const idNumber = () =>
  rule((trimmed, raw) => {
    if (raw.length > 64) return refuse('is not an 18-character ID number');
    const v = trimmed.toUpperCase();
    if (!ID_NUMBER.test(v)) return refuse('is not an 18-character ID number');
    return parseIdNumber(v) === null ? refuse('fails the GB 11643 check digit or has an impossible birth date') : v;
  });

const REGION_CODE = /^\d{6}$/;
export const regionCode = () => rule((v) => (REGION_CODE.test(v) ? v : refuse('is not a 6-digit region code')));

/** A value matching `pattern` (after trimming), else refused with `reason`. */
export const matching = (pattern: RegExp, reason: string) => rule((v) => (pattern.test(v) ? v : refuse(reason)));

// zod's ISO rules as plain patterns: they check the calendar (days per month, leap years) and the clock.
const ISO_DATE = z.core.regexes.date;
const ISO_DATETIME = z.core.regexes.datetime({ offset: true, local: false, precision: null });
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date YYYY-MM-DD that exists (no 2024-02-30) and lies in [earliest, latest]. */
export const date = (earliest: string, latest: string) =>
  rule((v) =>
    !DATE_SHAPE.test(v)
      ? refuse('is not a date YYYY-MM-DD')
      : !ISO_DATE.test(v)
        ? refuse(`is not a real calendar date (${v})`)
        : v < earliest || v > latest
          ? refuse(`${v} is outside the plausible range ${earliest} … ${latest}`)
          : v,
  );

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 timestamp with offset whose date and time exist, its date inside [earliest, latest]. */
export const timestamp = (earliest: string, latest: string) =>
  rule((v) => {
    const m = TIMESTAMP.exec(v);
    if (!m) return refuse('is not an ISO 8601 timestamp with offset (2024-03-01T09:30:00+08:00)');
    // The ISO pattern wants seconds.
    const withSeconds = m[2] ? v : v.replace(/(T\d{2}:\d{2})/, '$1:00');
    if (!ISO_DATETIME.test(withSeconds)) return refuse(`is not a real date and time (${v})`);
    const day = m[1]!;
    return day < earliest || day > latest ? refuse(`${day} is outside the plausible range ${earliest} … ${latest}`) : v;
  });

const AMOUNT = /^-?\d{1,20}(\.\d{1,2})?$/;
/** Yuan with at most two decimals, not negative, at most `max`: the digits stay exact as a double. */
export const amount = (max: number) => {
  const tooLarge = `exceeds the largest amount allowed (${max} yuan)`;
  return rule((v) => {
    if (!AMOUNT.test(v)) return refuse('is not an amount in yuan with at most 2 decimals');
    const n = Number(v);
    return n < 0 || Object.is(n, -0) ? refuse('is negative') : n > max ? refuse(tooLarge) : n;
  });
};

const DECIMAL = /^\d{1,20}(\.\d{1,3})?$/;
/** A non-negative decimal with at most 3 decimals, at most `max`. */
export const decimal = (max: number) => {
  const tooLarge = `exceeds the largest quantity allowed (${max})`;
  return rule((v) => {
    if (!DECIMAL.test(v)) return refuse('is not a non-negative number with at most 3 decimals');
    const n = Number(v);
    return n > max ? refuse(tooLarge) : n;
  });
};

const WHOLE = /^\d{1,20}$/;
export const integer = (min: number, max: number) => {
  const tooSmall = `is below ${min}`;
  const tooLarge = `exceeds the largest count allowed (${max})`;
  return rule((v) => {
    if (!WHOLE.test(v)) return refuse('is not a whole number');
    const n = Number(v);
    return n < min ? refuse(tooSmall) : n > max ? refuse(tooLarge) : n;
  });
};

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => {
  const allowed = new Set<string>(values);
  const reason = `is not one of ${values.join(', ')}`;
  return rule((v) => (allowed.has(v) ? (v as T[number]) : refuse(reason)));
};

const COORDINATE = /^-?\d{1,3}(\.\d{1,10})?$/;
/** WGS-84 degrees: latitude within ±90, longitude within ±180. */
export const coordinate = (bound: 90 | 180) => {
  const outside = `is not within ±${bound} degrees`;
  return rule((v) => {
    if (!COORDINATE.test(v)) return refuse('is not a decimal coordinate');
    const n = Number(v);
    return Math.abs(n) > bound ? refuse(outside) : n;
  });
};
