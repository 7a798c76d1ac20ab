/**
 * Turns a validated mapping into a row function: foreign record in, canonical record (or the first
 * problem) out.
 *
 * Speed: ingest maps millions of rows, so `compileMapping` generates the row function's source once
 * (one straight-line block per column, ending in an object literal with every output column). A generic
 * loop over per-column closures was ~3× slower: its property reads, calls and stores all see every
 * column and go megamorphic, and the record grows one shape transition per column. The generated code
 * only wires together converters built here in plain TypeScript; column names enter it solely through
 * JSON.stringify, so a mapping file cannot inject code.
 */
import { amountConverter } from './amounts.ts';
import { CANONICAL_COLUMNS } from './canonical-columns.ts';
import { compileDateConverter, temporalKindOf, type DateConverter } from './dates.ts';
import type { ColumnRule, Mapping, SplitRule } from './schema.ts';

export type CanonicalRecord = Record<string, string>;

export type MappedRow =
  | { ok: true; record: CanonicalRecord }
  | { ok: false; /** canonical column */ field: string; reason: string };

export type RowMapper = (raw: Readonly<Record<string, string>>) => MappedRow;

type RowFailure = Extract<MappedRow, { ok: false }>;
type RawRow = Readonly<Record<string, string | undefined>>;
/** Source value → canonical string, or why it cannot be converted. */
type Conversion = (value: string) => string | RowFailure;
/** Fills `out[i]` with the value of split part `i`; returns a failure instead when the row is bad. */
type SplitInto = (raw: RawRow, out: string[]) => RowFailure | undefined;

/** `${source}` in a prefix stands for the mapping's `source`, so one mapping template serves many sources. */
export function expandPrefix(prefix: string, source: string): string {
  return prefix.replaceAll('${source}', source);
}

export function compileMapping(mapping: Mapping): RowMapper {
  const canonical = CANONICAL_COLUMNS[mapping.target];
  const trim = mapping.trim ? '.trim()' : '';
  const key = (name: string) => JSON.stringify(name);
  // Values the generated code refers to, passed in as `env[i]`.
  const env: unknown[] = [];
  const ref = (value: unknown) => `env[${env.push(value) - 1}]`;

  const lines: string[] = [];
  /** Canonical column → expression holding its value once the block above has run. */
  const outputs = new Map<string, string>();

  Object.entries(mapping.columns).forEach(([column, rule], i) => {
    if (rule.const !== undefined) {
      outputs.set(column, key(rule.const));
      return;
    }
    const from = rule.from!;
    const sourceLabel = typeof from === 'string' ? from : from.join('+');
    if (typeof from === 'string') {
      lines.push(
        `let v${i} = raw[${key(from)}];`,
        `if (v${i} === undefined) return ${ref(missing(column, from))};`,
        trim ? `v${i} = v${i}${trim};` : '',
      );
    } else {
      const joinFailure = (raw: RawRow) => missing(column, from.find((s) => raw[s] === undefined)!);
      const parts = from.map((source, k) => `p${i}_${k}`);
      from.forEach((source, k) => {
        lines.push(`const ${parts[k]} = raw[${key(source)}];`, `if (${parts[k]} === undefined) return ${ref(joinFailure)}(raw);`);
      });
      lines.push(`let v${i} = ${parts.map((p) => `${p}${trim}`).join(` + ${key(rule.join ?? '')} + `)};`);
    }
    const conversion = compileConversion(column, rule, mapping.source, sourceLabel);
    if (conversion === undefined) {
      outputs.set(column, `v${i}`);
    } else {
      lines.push(`const c${i} = ${ref(conversion)}(v${i});`, `if (typeof c${i} !== 'string') return c${i};`);
      outputs.set(column, `c${i}`);
    }
  });

  mapping.split.forEach((rule, j) => {
    // Parts land in a scratch array reused for every row: they are copied into the record at once.
    const scratch = ref(new Array<string>(rule.into.length).fill(''));
    lines.push(`const f${j} = ${ref(compileSplit(rule, mapping.trim))}(raw, ${scratch});`, `if (f${j} !== undefined) return f${j};`);
    rule.into.forEach((column, k) => {
      if (column !== null) outputs.set(column, `${scratch}[${k}]`);
    });
  });

  // Canonical column order, so every record has the same shape.
  const fields = canonical.filter((c) => outputs.has(c)).map((c) => `${key(c)}: ${outputs.get(c)}`);
  lines.push(`const record = { ${fields.join(', ')} };`);
  // A source that already uses a canonical name needs no rule for it: a partial mapping is enough.
  for (const column of canonical.filter((c) => !outputs.has(c))) {
    lines.push(`{ const v = raw[${key(column)}]; if (v !== undefined) record[${key(column)}] = v${trim}; }`);
  }
  lines.push('return { ok: true, record };');

  const body = lines.filter((line) => line !== '').join('\n');
  return new Function('env', `'use strict';\nreturn function mapRow(raw) {\n${body}\n};`)(env) as RowMapper;
}

function fail(field: string, reason: string): RowFailure {
  return { ok: false, field, reason };
}

/** Shared by every row that lacks the column, hence frozen. */
function missing(field: string, source: string): RowFailure {
  return Object.freeze(fail(field, `source column "${source}" is missing from the row`));
}

/**
 * The rule's conversion, or undefined when the value is used as read. Empty stays empty (canonical
 * "not recorded") unless a translation table has an entry for "".
 */
function compileConversion(column: string, rule: ColumnRule, source: string, sourceLabel: string): Conversion | undefined {
  if (rule.values !== undefined) {
    const table = new Map(Object.entries(rule.values));
    const known = [...table.keys()].slice(0, 12).map((k) => JSON.stringify(k)).join(', ');
    const prefix = rule.prefix === undefined ? '' : expandPrefix(rule.prefix, source);
    return (value) => {
      const translated = table.get(value);
      if (translated !== undefined) return prefix === '' || translated === '' ? translated : prefix + translated;
      if (value === '') return '';
      return fail(column, `value "${value}" of ${sourceLabel} is not in the translation table (${known})`);
    };
  }
  if (rule.format !== undefined) {
    const pattern = rule.format;
    const toCanonical: DateConverter = compileDateConverter(pattern, temporalKindOf(column) ?? 'date', rule.timezone);
    return (value) => {
      if (value === '') return '';
      return toCanonical(value) ?? fail(column, `value "${value}" of ${sourceLabel} is not a valid date/time in format ${pattern}`);
    };
  }
  if (rule.amount !== undefined) {
    const unit = rule.amount.unit;
    const toYuan = amountConverter(unit);
    const expected = unit === 'fen' ? 'a whole number of fen (分)' : 'an amount in yuan with at most 2 decimals';
    return (value) => {
      if (value === '') return '';
      return toYuan(value) ?? fail(column, `value "${value}" of ${sourceLabel} is not ${expected}`);
    };
  }
  if (rule.prefix !== undefined) {
    const prefix = expandPrefix(rule.prefix, source);
    return (value) => (value === '' ? '' : prefix + value);
  }
  return undefined;
}

function compileSplit(rule: SplitRule, trim: boolean): SplitInto {
  const { from, separator, into } = rule;
  const partCount = into.length;
  const firstColumn = into.find((c) => c !== null)!;
  const missingSource = missing(firstColumn, from);
  const converters: (DateConverter | undefined)[] = into.map((column, i) => {
    const pattern = rule.formats?.[i];
    if (column === null || pattern === null || pattern === undefined) return undefined;
    return compileDateConverter(pattern, temporalKindOf(column) ?? 'date', rule.timezone);
  });
  return (raw, out) => {
    const rawValue = raw[from];
    if (rawValue === undefined) return missingSource;
    const value = trim ? rawValue.trim() : rawValue;
    if (value === '') {
      out.fill('');
      return undefined;
    }
    const parts = value.split(separator);
    if (parts.length !== partCount) {
      return fail(
        firstColumn,
        `value "${value}" of ${from} has ${parts.length} part(s) separated by "${separator}", expected ${partCount}`,
      );
    }
    for (let i = 0; i < partCount; i++) {
      if (into[i] === null) continue;
      const part = trim ? parts[i]!.trim() : parts[i]!;
      const convert = converters[i];
      if (convert === undefined || part === '') {
        out[i] = part;
        continue;
      }
      const converted = convert(part);
      if (converted === undefined) {
        return fail(into[i]!, `part ${i + 1} "${part}" of ${from} is not a valid date/time in format ${rule.formats![i]}`);
      }
      out[i] = converted;
    }
    return undefined;
  };
}
