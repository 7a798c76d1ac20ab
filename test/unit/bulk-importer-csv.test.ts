import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { field, ImporterCsv, keepLastPerKey } from '../../ingest/bulk/importer-csv.ts';
import { AsciiKeySet } from '../../ingest/bulk/ascii-key-set.ts';
import { KeyMap, KeySet } from '../../ingest/bulk/key-set.ts';

const file = (rows: string[], header = 'id:ID(X),name,n:double') => {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringlens-importer-csv-')), 'x.csv');
  const csv = new ImporterCsv(f, header);
  for (const r of rows) csv.line(r);
  csv.close();
  return f;
};

describe('importer CSV files', () => {
  it('quotes text only when it holds a comma, quote or line break; absent values are empty', () => {
    expect(field('杭州市')).toBe('杭州市');
    expect(field('a,b')).toBe('"a,b"');
    expect(field('王"小"伟')).toBe('"王""小""伟"');
    expect(field('1号\n2单元')).toBe('"1号\n2单元"');
    expect(field(12.5)).toBe('12.5');
    expect(field(undefined)).toBe('');
    expect(field(null)).toBe('');
  });

  it('keeps the last row per key for the affected keys and copies every other row as it was', async () => {
    const f = file(['A,first,1', 'B,"x,y",2', 'A,"second\nline",3', 'C,,4', 'A,third,5', 'B,"x,y",2']);
    const dropped = await keepLastPerKey(f, 1, new Set(['A']));
    expect(dropped).toBe(2);
    expect(readFileSync(f, 'utf8')).toBe('id:ID(X),name,n:double\nB,"x,y",2\nC,,4\nB,"x,y",2\nA,third,5\n');
  });

  it('keys on the first fields: one row per (start, end, lineNo), the last one', async () => {
    const f = file(['C1,I1,1,10', 'C1,I1,2,20', 'C2,I1,1,30', 'C1,I1,1,11'], ':START_ID(C),:END_ID(I),lineNo:double,amount:double');
    await keepLastPerKey(f, 3, new Set(['C1']));
    expect(readFileSync(f, 'utf8').trim().split('\n').slice(1).sort()).toEqual(['C1,I1,1,11', 'C1,I1,2,20', 'C2,I1,1,30']);
  });
});

describe('sharded key sets and maps', () => {
  it('behave as a Set and a Map over many keys', () => {
    const s = new KeySet();
    const m = new KeyMap<number>();
    let added = 0;
    for (let i = 0; i < 5000; i++) {
      if (s.add(`CL${i}`)) added++;
      m.set(`CL${i}`, i);
    }
    expect(added).toBe(5000);
    expect(s.add('CL42')).toBe(false);
    m.set('CL42', -1);
    expect(s.size).toBe(5000);
    expect(m.size).toBe(5000);
    expect(s.has('CL4999') && !s.has('CL5000')).toBe(true);
    expect(m.get('CL42')).toBe(-1);
    expect(new Set(s.values()).size).toBe(5000);
    expect([...m.entries()].length).toBe(5000);
  });
});

describe('ASCII key set', () => {
  it('is an exact set across growth, and gives every key back', () => {
    const s = new AsciiKeySet();
    const n = 300_000; // past the first growth of every internal array
    let added = 0;
    for (let i = 0; i < n; i++) if (s.add(`CL${i}`)) added++;
    expect(added).toBe(n);
    expect(s.add('CL0')).toBe(false);
    expect(s.add(`CL${n - 1}`)).toBe(false);
    expect(s.size).toBe(n);
    expect(s.has('CL123456') && !s.has(`CL${n}`) && !s.has('CL')).toBe(true);
    const back = [...s.values()];
    expect(back.length).toBe(n);
    expect(new Set(back).size).toBe(n);
    expect(back[0]).toBe('CL0');
    expect(back[n - 1]).toBe(`CL${n - 1}`);
  });

  it('refuses a key it cannot store exactly', () => {
    expect(() => new AsciiKeySet().add('病历1')).toThrow(/outside Latin-1/);
  });
});
