import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer, type CsvRecord } from '../../ingest/read/csv-tokenizer.ts';

/** What csv-parse (the reader the ingest used before) makes of the input, with the ingest's options. */
function reference(text: string, delimiter = ','): { records: CsvRecord[] } | { error: true } {
  try {
    const rows = parse(text, { delimiter, relax_column_count: true, info: true, skip_empty_lines: true, trim: false }) as unknown as { record: string[]; info: { lines: number } }[];
    const eol = text.includes('\n') || !text.includes('\r') ? '\n' : '\r';
    return { records: rows.map(({ record, info }) => ({ line: info.lines - record.reduce((n, f) => n + f.split(eol).length - 1, 0), fields: record })) };
  } catch {
    return { error: true };
  }
}

function tokenize(chunks: string[], delimiter = ','): { records: CsvRecord[] } | { error: true } {
  const t = new CsvTokenizer(delimiter);
  try {
    const records: CsvRecord[] = [];
    chunks.forEach((c, i) => records.push(...t.push(c, i === chunks.length - 1)));
    return { records };
  } catch {
    return { error: true };
  }
}

const CASES: [string, string][] = [
  ['plain', 'a,b,c\n1,2,3\n4,5,6\n'],
  ['no final newline', 'a,b\n1,2'],
  ['CRLF', 'a,b\r\n1,2\r\n3,4\r\n'],
  ['lone CR line breaks', 'a,b\r1,2\r3,4'],
  ['empty lines skipped, numbering kept', 'a,b\n\n1,2\n\n\n3,4\n'],
  ['empty fields', 'a,b,c\n,,\n1,,\n'],
  ['quoted fields', 'a,b\n"x, y","z"\n"",1\n'],
  ['doubled quotes', 'a,b\n"say ""hi""",2\n'],
  ['quoted newline', 'a,b\n"line1\nline2",2\n3,4\n'],
  ['quoted field last on the line', 'a,b\n1,"2"\n3,"4"'],
  ['Chinese text', '名称,地址\n"杭州市第一人民医院","浙江省杭州市, 上城区"\n'],
  ['column count varies', 'a,b,c\n1,2\n1,2,3,4\n'],
  ['unterminated quote', 'a,b\n1,"never closed\n2,3\n'],
  ['quote inside unquoted field', 'a,b\n1,ab"c\n'],
  ['text after closing quote', 'a,b\n1,"ab"c\n'],
  ['space before opening quote', 'a,b\n1, "ab"\n'],
  ['only a header', 'a,b\n'],
  ['empty input', ''],
];

describe('CSV tokenizer', () => {
  for (const [name, text] of CASES) {
    it(`agrees with csv-parse: ${name}`, () => {
      const expected = reference(text);
      expect(tokenize([text])).toEqual(expected);
      // However the input is cut into chunks, the records are the same.
      for (let cut = 1; cut < text.length; cut++) expect(tokenize([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(expected);
      expect(tokenize([...text, ''])).toEqual(expected);
    });
  }

  it('numbers lines as an editor does when a quoted field holds CRLF (csv-parse counts it twice)', () => {
    const text = 'a,b\r\n"line1\r\nline2",2\r\n3,4\r\n';
    expect(tokenize([text])).toEqual({ records: [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['line1\r\nline2', '2'] }, { line: 4, fields: ['3', '4'] }] });
  });

  it('agrees with csv-parse on other delimiters', () => {
    for (const d of ['|', '\t', ';']) {
      const text = `a${d}b\n"x${d}y"${d}2\n3${d}4\n`;
      expect(tokenize([text], d)).toEqual(reference(text, d));
    }
  });

  it('finds the same records and errors without building fields (the survey pass)', () => {
    for (const [, text] of CASES) {
      const full = tokenize([text]);
      const t = new CsvTokenizer(',', false);
      let counted: number | 'error';
      try {
        counted = t.push(text, true).length;
      } catch {
        counted = 'error';
      }
      expect(counted).toEqual('error' in full ? 'error' : full.records.length);
    }
  });
});
