/**
 * Turns a validated mapping into a row function: foreign record in, canonical record (or the first
 * problem) out. All decisions — which converter, which source column, which prefix — are made once
 * here, so the per-row work is lookups and string building.
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

/** Writes its column(s) into `out`; returns a failure only when the row cannot be mapped. */
type Step = (raw: Readonly<Record<string, string | undefined>>, out: CanonicalRecord) => RowFailure | undefined;

/** `${source}` in a prefix stands for the mapping's `source`, so one mapping template serves many sources. */
export function expandPrefix(prefix: string, source: string): string {
  return prefix.replaceAll('${source}', source);
}

export function compileMapping(mapping: Mapping): RowMapper {
  const canonical = CANONICAL_COLUMNS[mapping.target];
  const order = (column: string) => canonical.indexOf(column);
  const mappedColumns = new Set<string>();

  // Canonical column order keeps every output record the same shape (one hidden class in V8).
  const columnSteps = Object.entries(mapping.columns)
    .sort(([a], [b]) => order(a) - order(b))
    .map(([column, rule]) => {
      mappedColumns.add(column);
      return compileColumn(column, rule, mapping);
    });
  const splitSteps = mapping.split.map((rule) => {
    for (const column of rule.into) if (column !== null) mappedColumns.add(column);
    return compileSplit(rule, mapping.trim);
  });
  // A source that already uses a canonical name needs no rule for it: a partial mapping is enough.
  const passThrough = canonical.filter((column) => !mappedColumns.has(column));
  const trim = mapping.trim;
  const passStep: Step = (raw, out) => {
    for (let i = 0; i < passThrough.length; i++) {
      const column = passThrough[i]!;
      const value = raw[column];
      if (value !== undefined) out[column] = trim ? value.trim() : value;
    }
    return undefined;
  };

  const steps: Step[] = [...columnSteps, ...splitSteps, passStep];
  const count = steps.length;
  return (raw) => {
    const record: CanonicalRecord = {};
    for (let i = 0; i < count; i++) {
      const failure = steps[i]!(raw, record);
      if (failure !== undefined) return failure;
    }
    return { ok: true, record };
  };
}

function fail(field: string, reason: string): RowFailure {
  return { ok: false, field, reason };
}

function missing(field: string, source: string): RowFailure {
  return fail(field, `source column "${source}" is missing from the row`);
}

/** Reads the rule's source value(s); `undefined` when a source column is absent from the row. */
function compileReader(
  from: string | string[],
  join: string,
  trim: boolean,
): (raw: Readonly<Record<string, string | undefined>>) => string | undefined {
  if (typeof from === 'string') {
    return trim ? (raw) => raw[from]?.trim() : (raw) => raw[from];
  }
  return (raw) => {
    let joined = '';
    for (let i = 0; i < from.length; i++) {
      const part = raw[from[i]!];
      if (part === undefined) return undefined;
      joined += i === 0 ? '' : join;
      joined += trim ? part.trim() : part;
    }
    return joined;
  };
}

function firstMissing(raw: Readonly<Record<string, string | undefined>>, from: string | string[]): string {
  const sources = typeof from === 'string' ? [from] : from;
  return sources.find((s) => raw[s] === undefined) ?? sources[0]!;
}

function compileColumn(column: string, rule: ColumnRule, mapping: Mapping): Step {
  if (rule.const !== undefined) {
    const value = rule.const;
    return (_raw, out) => {
      out[column] = value;
      return undefined;
    };
  }
  const from = rule.from!;
  const sourceLabel = typeof from === 'string' ? from : from.join('+');
  const read = compileReader(from, rule.join ?? '', mapping.trim);
  const convert = compileConversion(column, rule, mapping.source, sourceLabel);
  return (raw, out) => {
    const value = read(raw);
    if (value === undefined) return missing(column, firstMissing(raw, from));
    const converted = convert(value);
    if (typeof converted !== 'string') return converted;
    out[column] = converted;
    return undefined;
  };
}

/** Value → canonical string, or the failure. Empty stays empty (canonical "not recorded") unless translated. */
function compileConversion(
  column: string,
  rule: ColumnRule,
  source: string,
  sourceLabel: string,
): (value: string) => string | RowFailure {
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
  return (value) => value;
}

function compileSplit(rule: SplitRule, trim: boolean): Step {
  const { from, separator, into } = rule;
  const partCount = into.length;
  const firstColumn = into.find((c) => c !== null)!;
  const converters: (DateConverter | undefined)[] = into.map((column, i) => {
    const pattern = rule.formats?.[i];
    if (column === null || pattern === null || pattern === undefined) return undefined;
    return compileDateConverter(pattern, temporalKindOf(column) ?? 'date', rule.timezone);
  });
  return (raw, out) => {
    const rawValue = raw[from];
    if (rawValue === undefined) return missing(firstColumn, from);
    const value = trim ? rawValue.trim() : rawValue;
    if (value === '') {
      for (let i = 0; i < partCount; i++) if (into[i] !== null) out[into[i]!] = '';
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
      const column = into[i];
      if (column === null || column === undefined) continue;
      const part = trim ? parts[i]!.trim() : parts[i]!;
      const convert = converters[i];
      if (convert === undefined || part === '') {
        out[column] = part;
        continue;
      }
      const converted = convert(part);
      if (converted === undefined) {
        return fail(column, `part ${i + 1} "${part}" of ${from} is not a valid date/time in format ${rule.formats![i]}`);
      }
      out[column] = converted;
    }
    return undefined;
  };
}
