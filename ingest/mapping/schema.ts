/**
 * The mapping-file format: how another system's export becomes one canonical file kind.
 * docs/mapping-files.md describes every rule; keep the two in step.
 *
 * Validation runs in two stages: zod checks the shape of the file, then `semanticIssues` checks what
 * needs the whole file at once (columns exist for the target, nothing mapped twice, date rules only on
 * date columns). Both report `{ path, message }` so the loader prints them alike.
 */
import { z } from 'zod';
import { CANONICAL_COLUMNS, TARGET_KINDS } from './canonical-columns.ts';
import { checkDatePattern, parseOffset, temporalKindOf } from './dates.ts';

export const MAPPING_VERSION = 1;

export interface MappingIssue {
  /** Dotted key path inside the mapping file, e.g. `columns.claim_kind.values`; empty for the whole file. */
  path: string;
  message: string;
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  return `${typeof input} ${JSON.stringify(input)}`;
}

/** A string field whose error says what it is for; YAML numbers are refused because 0330 would lose its zero. */
function text(what: string) {
  return z.string({
    error: (issue) =>
      issue.input === undefined
        ? `${what} is required`
        : `expected ${what} as a string, got ${describe(issue.input)}${typeof issue.input === 'number' ? ' (quote it)' : ''}`,
  });
}

const TIMEZONE_HINT = 'an offset like "+08:00" or "Z"';

function checkTimezone(timezone: string | undefined, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (timezone !== undefined && parseOffset(timezone) === undefined) {
    ctx.addIssue({ code: 'custom', path, message: `expected ${TIMEZONE_HINT}, got "${timezone}"` });
  }
}

function checkPattern(pattern: string | null | undefined, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (pattern === undefined || pattern === null) return;
  const problem = checkDatePattern(pattern);
  if (problem) ctx.addIssue({ code: 'custom', path, message: problem });
}

const AmountRule = z.strictObject(
  {
    unit: z.enum(['fen', 'yuan'], {
      error: (issue) => `expected unit fen (分, integer) or yuan (元), got ${describe(issue.input)}`,
    }),
  },
  { error: 'expected an object like { unit: fen }' },
);

const ColumnRuleObject = z
  .strictObject(
    {
      from: z
        .union([text('a source column name'), z.array(text('a source column name')).min(1)], {
          error: 'expected a source column name or a list of them',
        })
        .optional(),
      join: text('a join separator').optional(),
      const: text('a constant value').optional(),
      prefix: text('a prefix').optional(),
      values: z
        .record(text('a value key'), text('a translated value'), {
          error: 'expected a record of strings (source value → canonical value)',
        })
        .optional(),
      format: text('a date-fns pattern such as yyyyMMddHHmmss').optional(),
      timezone: text(TIMEZONE_HINT).optional(),
      amount: AmountRule.optional(),
    },
    { error: (issue) => `expected a source column name or a rule object, got ${describe(issue.input)}` },
  )
  .superRefine((rule, ctx) => {
    const has = (key: keyof typeof rule) => rule[key] !== undefined;
    if (has('from') === has('const')) {
      ctx.addIssue({
        code: 'custom',
        message: has('from') ? 'use either `from` or `const`, not both' : 'needs `from` (source column) or `const`',
      });
    }
    if (has('const')) {
      for (const key of ['join', 'prefix', 'values', 'format', 'timezone', 'amount'] as const) {
        if (has(key)) ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` cannot be combined with \`const\`` });
      }
    }
    const conversions = (['values', 'format', 'amount'] as const).filter(has);
    if (conversions.length > 1) {
      ctx.addIssue({ code: 'custom', message: `use only one of \`values\`, \`format\`, \`amount\` (got ${conversions.join(', ')})` });
    }
    if (has('prefix') && (has('format') || has('amount'))) {
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: '`prefix` applies to ids, not to dates or amounts' });
    }
    if (has('timezone') && !has('format')) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: '`timezone` only applies together with `format`' });
    }
    if (has('join') && !Array.isArray(rule.from)) {
      ctx.addIssue({ code: 'custom', path: ['join'], message: '`join` only applies when `from` lists several columns' });
    }
    checkPattern(rule.format, ['format'], ctx);
    checkTimezone(rule.timezone, ['timezone'], ctx);
  });

/** `claim_id: JSLSH` is short for `claim_id: { from: JSLSH }`, and `address: [A, B]` for `{ from: [A, B] }`. */
const ColumnRule = z.preprocess((v) => (typeof v === 'string' || Array.isArray(v) ? { from: v } : v), ColumnRuleObject);

const SplitRule = z
  .strictObject(
    {
      from: text('a source column name'),
      separator: text('a separator').min(1, 'separator must not be empty'),
      into: z
        .array(z.union([text('a canonical column name'), z.null()], { error: 'expected a canonical column name or null' }), {
          error: 'expected a list of canonical column names (null skips a part)',
        })
        .min(2, 'a split needs at least two parts'),
      formats: z
        .array(z.union([text('a date-fns pattern'), z.null()], { error: 'expected a date-fns pattern or null' }), {
          error: 'expected a list of date-fns patterns (null for parts that are not dates)',
        })
        .optional(),
      timezone: text(TIMEZONE_HINT).optional(),
    },
    { error: 'expected an object like { from, separator, into }' },
  )
  .superRefine((rule, ctx) => {
    if (rule.formats && rule.formats.length !== rule.into.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['formats'],
        message: `has ${rule.formats.length} entries but \`into\` has ${rule.into.length}`,
      });
    }
    rule.formats?.forEach((pattern, i) => checkPattern(pattern, ['formats', i], ctx));
    checkTimezone(rule.timezone, ['timezone'], ctx);
  });

const FileFormat = z
  .strictObject(
    {
      type: z.enum(['csv', 'tsv', 'jsonl'], { error: 'expected type csv, tsv or jsonl' }).default('csv'),
      delimiter: text('a delimiter').min(1, 'delimiter must not be empty').optional(),
      encoding: z.enum(['auto', 'utf8', 'gbk', 'gb18030'], { error: 'expected encoding auto, utf8, gbk or gb18030' }).default('auto'),
      header: z.boolean({ error: 'expected header: true or false' }).default(true),
      names: z.array(text('a source column name')).min(1).optional(),
    },
    { error: 'expected an object like { type: csv, delimiter: "|", encoding: gbk }' },
  )
  .superRefine((f, ctx) => {
    if (f.type === 'jsonl' && f.delimiter !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['delimiter'], message: 'jsonl files have no delimiter' });
    }
    if (f.type !== 'jsonl' && !f.header && !f.names) {
      ctx.addIssue({ code: 'custom', path: ['names'], message: 'a file without a header row needs `names` (its column names in order)' });
    }
  })
  .transform((f) => ({ ...f, delimiter: f.delimiter ?? (f.type === 'tsv' ? '\t' : f.type === 'csv' ? ',' : undefined) }));

export const MappingSchema = z.strictObject(
  {
    version: z.literal(MAPPING_VERSION, { error: `expected version: ${MAPPING_VERSION} (the only mapping format version)` }),
    name: text('a descriptive name').optional(),
    source: text('a source system id').regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, _ or - (it is used in id prefixes)'),
    target: z.enum(TARGET_KINDS, {
      error: (issue) => `expected one of ${TARGET_KINDS.join(', ')}, got ${describe(issue.input)}`,
    }),
    format: FileFormat.prefault({}),
    /** Foreign exports often pad fixed-width fields with spaces; trimming is the safe default. */
    trim: z.boolean({ error: 'expected trim: true or false' }).default(true),
    columns: z.record(text('a canonical column name'), ColumnRule, { error: 'expected a map of canonical column → rule' }).default({}),
    split: z.array(SplitRule, { error: 'expected a list of split rules' }).default([]),
  },
  { error: (issue) => `expected a mapping object, got ${describe(issue.input)}` },
);

export type Mapping = z.output<typeof MappingSchema>;
export type ColumnRule = z.output<typeof ColumnRuleObject>;
export type SplitRule = z.output<typeof SplitRule>;
export type FileFormat = z.output<typeof FileFormat>;

/** Checks that need the whole, well-shaped mapping. */
export function semanticIssues(mapping: Mapping): MappingIssue[] {
  const issues: MappingIssue[] = [];
  const known = CANONICAL_COLUMNS[mapping.target];
  const mappedAt = new Map<string, string>();

  const claim = (column: string, path: string): boolean => {
    if (!known.includes(column)) {
      issues.push({ path, message: `"${column}" is not a ${mapping.target} column (known: ${known.join(', ')})` });
      return false;
    }
    const earlier = mappedAt.get(column);
    if (earlier !== undefined) {
      issues.push({ path, message: `"${column}" is already mapped at ${earlier}` });
      return false;
    }
    mappedAt.set(column, path);
    return true;
  };

  for (const [column, rule] of Object.entries(mapping.columns)) {
    if (claim(column, `columns.${column}`) && rule.format !== undefined && !temporalKindOf(column)) {
      issues.push({
        path: `columns.${column}.format`,
        message: `"${column}" is not a date (*_date) or timestamp (*_at) column`,
      });
    }
  }
  mapping.split.forEach((rule, i) => {
    rule.into.forEach((column, j) => {
      if (column === null) return;
      if (claim(column, `split[${i}].into[${j}]`) && rule.formats?.[j] && !temporalKindOf(column)) {
        issues.push({
          path: `split[${i}].formats[${j}]`,
          message: `"${column}" is not a date (*_date) or timestamp (*_at) column`,
        });
      }
    });
  });
  if (mappedAt.size === 0) issues.push({ path: '', message: 'maps no columns: add `columns` or `split`' });
  return issues;
}

/** Zod issue path → `columns.claim_kind.values` / `split[0].into[1]`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
