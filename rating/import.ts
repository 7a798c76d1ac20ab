/**
 * Imports external indicator values (self-inspection, training, penalties, satisfaction, public credit,
 * CMI …) from a CSV per period: the canonical columns `period,institution_code,indicator,value`, or any
 * layout through a mapping file with `target: credit_indicators` (docs/mapping-files.md). A doctor
 * model's indicators (payment-qualification points, training, complaints) come the same way with
 * `period,doctor_code,indicator,value` and `target: doctor_credit_indicators`. All or
 * nothing: every row is checked first and a file with a bad row stores nothing, the error naming each
 * bad row's line and field. An empty value is stored as missing (shown as missing, never as zero).
 */
import type { Driver } from 'neo4j-driver';
import { writeDoctorImports } from '../graph/rating/doctor-store.ts';
import { writeImports, type ImportRow } from '../graph/rating/store.ts';
import { compileMapping } from '../ingest/mapping/apply.ts';
import { CREDIT_INDICATOR_COLUMNS, DOCTOR_CREDIT_INDICATOR_COLUMNS } from '../ingest/mapping/canonical-columns.ts';
import { loadMapping } from '../ingest/mapping/load.ts';
import { FileError } from '../ingest/read/file-error.ts';
import { openRecords } from '../ingest/read/open-records.ts';
import type { RatingModel, SubjectKind } from './model.ts';
import { isPeriodKey, PERIOD_HINT } from './period.ts';

export interface ImportProblem {
  line: number | null;
  field: string;
  message: string;
}

export class RatingImportError extends Error {
  override name = 'RatingImportError';

  constructor(
    readonly file: string,
    readonly problems: readonly ImportProblem[],
  ) {
    const shown = problems.slice(0, 50).map((p) => `${file}${p.line === null ? '' : `:${p.line}`}: ${p.field}: ${p.message}`);
    if (problems.length > 50) shown.push(`… and ${problems.length - 50} more`);
    super(`${shown.join('\n')}\nnothing of ${file} was imported`);
  }
}

export interface ImportSummary {
  file: string;
  rows: number;
  stored: number;
  /** rows with an empty value: stored as missing */
  missing: number;
  periods: string[];
}

/** Per subject: the file's code column, the mapping target, where codes are looked up. */
export const IMPORT_SUBJECTS = {
  institution: { codeColumn: 'institution_code', columns: CREDIT_INDICATOR_COLUMNS, target: 'credit_indicators', label: 'Institution', noun: 'institution' },
  doctor: { codeColumn: 'doctor_code', columns: DOCTOR_CREDIT_INDICATOR_COLUMNS, target: 'doctor_credit_indicators', label: 'Doctor', noun: 'doctor' },
} as const satisfies Record<SubjectKind, unknown>;

/** One checked row: `value` null when the file says the value is missing (`institutionCode` holds a doctor's code in a doctor import). */
export type CheckedRow = Omit<ImportRow, 'value'> & { value: number | null };

/** Checks one canonical row against the model and the known institutions (pure). */
export function checkImportRow(
  rec: Readonly<Record<string, string>>,
  line: number,
  ctx: { model: RatingModel; institutions: ReadonlySet<string>; period?: string; file: string },
): { row: CheckedRow } | { problem: ImportProblem } {
  const subject = IMPORT_SUBJECTS[ctx.model.subject];
  const period = (rec.period ?? '').trim();
  const code = (rec[subject.codeColumn] ?? '').trim();
  const indicator = (rec.indicator ?? '').trim();
  const raw = (rec.value ?? '').trim();
  if (!isPeriodKey(period)) return { problem: { line, field: 'period', message: `"${period}" is not ${PERIOD_HINT}` } };
  if (ctx.period && period !== ctx.period) return { problem: { line, field: 'period', message: `"${period}" is not the period being imported (${ctx.period})` } };
  if (!code) return { problem: { line, field: subject.codeColumn, message: 'is empty' } };
  if (!ctx.institutions.has(code)) return { problem: { line, field: subject.codeColumn, message: `no ${subject.noun} "${code}" in the graph` } };
  const def = ctx.model.indicators.find((i) => 'imported' in i.source && i.source.imported === indicator);
  if (!def || !('imported' in def.source)) {
    const known = ctx.model.indicators.flatMap((i) => ('imported' in i.source ? [i.source.imported] : []));
    return { problem: { line, field: 'indicator', message: `"${indicator}" is not an imported indicator of model ${ctx.model.id} (known: ${known.join(', ')})` } };
  }
  if (raw === '') return { row: { period, institutionCode: code, indicator, value: null, file: ctx.file, line } };
  if (!/^-?\d+(\.\d+)?$/.test(raw)) return { problem: { line, field: 'value', message: `"${raw}" is not a number` } };
  const value = Number(raw);
  const [lo, hi] = def.source.range;
  if (value < lo || value > hi) return { problem: { line, field: 'value', message: `${raw} is outside ${indicator}'s range [${lo}, ${hi}]` } };
  return { row: { period, institutionCode: code, indicator, value, file: ctx.file, line } };
}

export async function importIndicators(
  driver: Driver,
  file: string,
  opts: { model: RatingModel; period?: string; mappingFile?: string },
): Promise<ImportSummary> {
  const subject = IMPORT_SUBJECTS[opts.model.subject];
  const mapping = opts.mappingFile ? await loadMapping(opts.mappingFile) : undefined;
  if (mapping && mapping.target !== subject.target) {
    throw new RatingImportError(opts.mappingFile!, [{ line: null, field: 'target', message: `model ${opts.model.id} rates ${subject.noun}s: expected ${subject.target}, got ${mapping.target}` }]);
  }
  const map = mapping ? compileMapping(mapping) : undefined;
  // The label is one of two constants (IMPORT_SUBJECTS), never input.
  const { records } = await driver.executeQuery(`MATCH (i:${subject.label}) RETURN collect(i.code) AS codes`, {}, { routing: 'READ' });
  const institutions = new Set(records[0]!.get('codes') as string[]);
  const problems: ImportProblem[] = [];
  const rows: CheckedRow[] = [];
  const seen = new Map<string, number>();
  const source = mapping
    ? { encoding: mapping.format.encoding, format: mapping.format.type, delimiter: mapping.format.delimiter, columns: mapping.format.header ? undefined : mapping.format.names }
    : {
        checkHeader: (header: readonly string[]) => {
          const missing = subject.columns.filter((c) => !header.includes(c));
          return missing.length ? `header lacks ${missing.join(', ')} (expected ${subject.columns.join(',')}, or give a mapping file)` : undefined;
        },
      };
  try {
    for await (const rec of openRecords(file, source)) {
      if (rec.columnCountError) {
        problems.push({ line: rec.line, field: '(row)', message: rec.columnCountError });
        continue;
      }
      let canonical: Readonly<Record<string, string>> = rec.fields;
      if (map) {
        const m = map(rec.fields);
        if (!m.ok) {
          problems.push({ line: rec.line, field: m.field, message: m.reason });
          continue;
        }
        canonical = m.record;
      }
      const r = checkImportRow(canonical, rec.line, { model: opts.model, institutions, period: opts.period, file });
      if ('problem' in r) {
        problems.push(r.problem);
        continue;
      }
      const key = `${r.row.period}|${r.row.institutionCode}|${r.row.indicator}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({ line: rec.line, field: 'indicator', message: `${r.row.indicator} of ${r.row.institutionCode} for ${r.row.period} is already on line ${first}` });
        continue;
      }
      seen.set(key, rec.line);
      rows.push(r.row);
    }
  } catch (error) {
    if (error instanceof FileError) throw new RatingImportError(file, [{ line: error.line ?? null, field: '(file)', message: error.message }]);
    throw error;
  }
  if (problems.length) throw new RatingImportError(file, problems);
  if (opts.model.subject === 'doctor') await writeDoctorImports(driver, rows.map(({ institutionCode, ...r }) => ({ ...r, doctorCode: institutionCode })));
  else await writeImports(driver, rows as ImportRow[]);
  return { file, rows: rows.length, stored: rows.length, missing: rows.filter((r) => r.value === null).length, periods: [...new Set(rows.map((r) => r.period))].sort() };
}
