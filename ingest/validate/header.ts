import { CANONICAL_COLUMNS } from '../mapping/canonical-columns.ts';
import type { RowKind } from './rows.ts';

/** What a file's header must hold, and why a given header is refused. */
export type HeaderCheck = (header: readonly string[]) => string | undefined;

const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/**
 * A canonical file's header names exactly its kind's columns (any order, docs/canonical-format.md): a
 * missing or misspelled column would otherwise turn into "every row rejected" or, for an optional
 * column, into data silently dropped. A header that is another kind's, or that is data, says so.
 */
export function canonicalHeaderCheck(kind: RowKind): HeaderCheck {
  const expected = CANONICAL_COLUMNS[kind];
  return (header) => {
    const missing = expected.filter((c) => !header.includes(c));
    const unknown = header.filter((c) => !expected.includes(c));
    if (missing.length === 0 && unknown.length === 0) return undefined;
    const other = (Object.keys(CANONICAL_COLUMNS) as RowKind[]).find((k) => k !== kind && CANONICAL_COLUMNS[k].every((c) => header.includes(c)));
    if (other) return `has the header of ${other}.csv, not of ${kind}.csv`;
    if (missing.length === expected.length) {
      return `has no header row: line 1 (${list(header.slice(0, 3))}…) names none of the columns of ${kind}.csv (${list(expected)})`;
    }
    const parts = [];
    if (missing.length) parts.push(`lacks column${missing.length > 1 ? 's' : ''} ${list(missing)}`);
    if (unknown.length) parts.push(`has unknown column${unknown.length > 1 ? 's' : ''} ${list(unknown)}`);
    return `header ${parts.join(' and ')} (${kind}.csv has ${list(expected)})`;
  };
}

/** A foreign layout's header must hold every source column its mapping reads; other columns are its own business. */
export function mappingHeaderCheck(sourceColumns: readonly string[]): HeaderCheck {
  return (header) => {
    const missing = sourceColumns.filter((c) => !header.includes(c));
    if (missing.length === 0) return undefined;
    if (missing.length === sourceColumns.length) return `has no header row the mapping recognises: line 1 names none of its source columns (${list(sourceColumns)})`;
    return `header lacks column${missing.length > 1 ? 's' : ''} ${list(missing)} that the mapping reads`;
  };
}
