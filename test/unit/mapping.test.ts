import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { compileMapping, type MappedRow } from '../../ingest/mapping/apply.ts';
import { compileDateConverter } from '../../ingest/mapping/dates.ts';
import { loadMapping, MappingError, parseMapping } from '../../ingest/mapping/load.ts';
import type { Mapping } from '../../ingest/mapping/schema.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VENDOR_A_CLAIMS = path.join(ROOT, 'examples/mappings/vendor-a-claims.yaml');
const VENDOR_A_PERSONS = path.join(ROOT, 'examples/mappings/vendor-a-persons.yaml');
const VENDOR_A_FIXTURE = path.join(ROOT, 'test/fixtures/foreign/vendor-a-claims.txt');

/** Reads the fixture the way the mapping's format hints say: GBK, "|" delimited, header row. */
async function readForeignRows(mapping: Mapping, file: string): Promise<Record<string, string>[]> {
  const text = iconv.decode(await readFile(file), mapping.format.encoding);
  return parseCsv(text, { delimiter: mapping.format.delimiter, columns: true }) as Record<string, string>[];
}

function recordOf(row: MappedRow): Record<string, string> {
  if (!row.ok) throw new Error(`row failed: ${row.field}: ${row.reason}`);
  return row.record;
}

/** The message of the MappingError that parsing `text` as `file` throws. */
function mappingErrorOf(text: string, file = 'mappings/vendor-a.yaml'): string {
  try {
    parseMapping(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return (error as MappingError).message;
  }
  throw new Error('expected a MappingError');
}

const MINIMAL = `
version: 1
source: vendorA
target: claims
`;

describe('the vendor A example mapping', () => {
  it('loads, with its file-format hints', async () => {
    const mapping = await loadMapping(VENDOR_A_CLAIMS);
    expect(mapping.target).toBe('claims');
    expect(mapping.source).toBe('vendorA');
    expect(mapping.format).toEqual({ type: 'csv', delimiter: '|', encoding: 'gbk', header: true });
    expect(mapping.columns.claim_kind?.values).toEqual({ '11': 'outpatient', '14': 'outpatient', '21': 'inpatient', '41': 'pharmacy' });
    expect(mapping.split[0]?.into).toEqual(['admission_date', 'discharge_date']);
  });

  it('turns the GBK fixture into canonical claims', async () => {
    const mapping = await loadMapping(VENDOR_A_CLAIMS);
    const rows = await readForeignRows(mapping, VENDOR_A_FIXTURE);
    expect(rows).toHaveLength(10);
    const mapped = rows.map(compileMapping(mapping)).map(recordOf);

    const [outpatient, inpatient, pharmacy, paediatric] = mapped;
    expect(outpatient).toMatchObject({
      claim_id: 'vendorA:202401030001',
      settled_at: '2024-01-03T09:15:12+08:00',
      claim_kind: 'outpatient',
      institution_code: 'H33010000012',
      department: '内科',
      doctor_code: 'vendorA:YS0012',
      identity_check: 'face',
      region_code: '330100',
      diagnosis_code: 'E11.9',
      diagnosis_name: '2型糖尿病',
      admission_date: '',
      discharge_date: '',
      total_amount: '156.80',
      fund_paid: '109.76',
      self_paid: '47.04',
    });
    expect(inpatient).toMatchObject({
      claim_kind: 'inpatient',
      settled_at: '2024-01-10T16:30:00+08:00',
      admission_date: '2024-01-03',
      discharge_date: '2024-01-10',
      diagnosis_name: '急性心肌梗死',
      served_id_number: '',
      identity_check: 'none',
      total_amount: '28945.50',
      fund_paid: '23156.40',
      self_paid: '5789.10',
      item_count: '42',
    });
    // "~" with nothing around it is the same as an empty column: no dates.
    expect(pharmacy).toMatchObject({
      claim_kind: 'pharmacy',
      identity_check: 'real_name',
      department: '',
      doctor_code: '',
      prescription_id: 'RX20240105000123',
      prescribing_doctor_code: 'vendorA:YS0012',
      admission_date: '',
      discharge_date: '',
    });
    expect(paediatric?.department).toBe('儿科'); // padded "儿科  " in the export
    expect(mapped[4]?.claim_kind).toBe('outpatient'); // code 14, 门诊特殊病
    expect(mapped[7]?.total_amount).toBe('0.05'); // 5 fen
    expect(mapped[9]).toMatchObject({ diagnosis_name: '动脉粥样硬化性心脏病', settled_at: '2024-01-31T23:59:59+08:00' });

    // Every canonical claims column is produced, and nothing else.
    for (const record of mapped) {
      expect(Object.keys(record).sort()).toEqual(
        [
          'claim_id', 'settled_at', 'claim_kind', 'institution_code', 'department', 'doctor_code', 'card_id',
          'insured_id_number', 'served_id_number', 'identity_check', 'region_code', 'diagnosis_code',
          'diagnosis_name', 'admission_date', 'discharge_date', 'prescription_id', 'prescribing_doctor_code',
          'prescribing_institution_code', 'item_count', 'total_amount', 'fund_paid', 'self_paid',
        ].sort(),
      );
      // fen → yuan is exact: the parts still add up.
      expect(Math.round(Number(record.fund_paid) * 100) + Math.round(Number(record.self_paid) * 100)).toBe(
        Math.round(Number(record.total_amount) * 100),
      );
    }
  });

  it('maps persons: gender codes, a slashed date, three address columns joined', async () => {
    const toPerson = compileMapping(await loadMapping(VENDOR_A_PERSONS));
    const person = recordOf(
      toPerson({
        SFZH: '330106196504123010',
        XM: '王建国',
        XB: '1',
        CSRQ: '1965/04/12',
        XZLX: '390',
        HH: 'HH0000000001',
        HJDZ_SS: '浙江省杭州市',
        HJDZ_QX: '西湖区',
        HJDZ_XX: '文一路1号',
      }),
    );
    expect(person).toEqual({
      id_number: '330106196504123010',
      name: '王建国',
      gender: 'M',
      birth_date: '1965-04-12',
      region_code: '330100',
      insured_type: 'resident',
      household_id: 'vendorA:HH0000000001',
      address: '浙江省杭州市西湖区文一路1号',
    });
  });
});

describe('row errors', () => {
  const mappingP = loadMapping(VENDOR_A_CLAIMS);

  async function firstRowWith(change: Record<string, string | undefined>): Promise<MappedRow> {
    const mapping = await mappingP;
    const [row] = await readForeignRows(mapping, VENDOR_A_FIXTURE);
    const changed: Record<string, string> = { ...row };
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete changed[key];
      else changed[key] = value;
    }
    return compileMapping(mapping)(changed);
  }

  it('names the canonical field and the missing source column', async () => {
    expect(await firstRowWith({ JZLX: undefined })).toEqual({
      ok: false,
      field: 'claim_kind',
      reason: 'source column "JZLX" is missing from the row',
    });
  });

  it('names the field and the value that is not in the translation table', async () => {
    const row = await firstRowWith({ JZLX: '99' });
    expect(row.ok).toBe(false);
    if (row.ok) return;
    expect(row.field).toBe('claim_kind');
    expect(row.reason).toContain('"99"');
    expect(row.reason).toContain('JZLX');
    expect(row.reason).toContain('"11", "14", "21", "41"');
  });

  it('names the field, value and format of a bad date', async () => {
    expect(await firstRowWith({ JSSJ: '2024-01-03 09:15:12' })).toEqual({
      ok: false,
      field: 'settled_at',
      reason: 'value "2024-01-03 09:15:12" of JSSJ is not a valid date/time in format yyyyMMddHHmmss',
    });
    // Right shape, impossible day.
    const feb30 = await firstRowWith({ JSSJ: '20240230091512' });
    expect(feb30).toMatchObject({ ok: false, field: 'settled_at' });
  });

  it('refuses fen that are not whole numbers', async () => {
    expect(await firstRowWith({ ZFY: '156.8' })).toEqual({
      ok: false,
      field: 'total_amount',
      reason: 'value "156.8" of ZFY is not a whole number of fen (分)',
    });
  });

  it('reports a split with the wrong number of parts, and a bad part', async () => {
    expect(await firstRowWith({ RYRQ_CYRQ: '20240103' })).toEqual({
      ok: false,
      field: 'admission_date',
      reason: 'value "20240103" of RYRQ_CYRQ has 1 part(s) separated by "~", expected 2',
    });
    expect(await firstRowWith({ RYRQ_CYRQ: '20240103~2024011' })).toEqual({
      ok: false,
      field: 'discharge_date',
      reason: 'part 2 "2024011" of RYRQ_CYRQ is not a valid date/time in format yyyyMMdd',
    });
  });
});

describe('mapping rules', () => {
  it('passes through columns that already have canonical names (a partial mapping)', () => {
    const mapping = parseMapping(`${MINIMAL}columns:\n  claim_id: { from: LSH, prefix: "B-" }\n`, 'partial.yaml');
    const row = compileMapping(mapping)({ LSH: '77', claim_kind: 'inpatient', total_amount: '12.00', OTHER: 'x' });
    expect(recordOf(row)).toEqual({ claim_id: 'B-77', claim_kind: 'inpatient', total_amount: '12.00' });
  });

  it('converts yuan amounts and times from another offset', () => {
    const mapping = parseMapping(
      `${MINIMAL}columns:
  total_amount: { from: JE, amount: { unit: yuan } }
  settled_at: { from: [RQ, SJ], join: " ", format: "yyyy/MM/dd HH:mm:ss", timezone: "Z" }
  item_count: { const: "1" }
`,
      'yuan.yaml',
    );
    const toClaim = compileMapping(mapping);
    expect(recordOf(toClaim({ JE: '012.5', RQ: '2024/01/03', SJ: '20:30:00' }))).toEqual({
      settled_at: '2024-01-04T04:30:00+08:00',
      item_count: '1',
      total_amount: '12.50',
    });
    expect(toClaim({ JE: '1.234', RQ: '2024/01/03', SJ: '20:30:00' })).toMatchObject({ ok: false, field: 'total_amount' });
  });

  it('reads source columns whose names contain quotes and backslashes literally', () => {
    const mapping = parseMapping(
      JSON.stringify({ version: 1, source: 'x', target: 'claims', columns: { claim_id: 'a"]; throw 1; //\\', item_count: ['N"1', "N'2"] } }),
      'odd.json',
    );
    const row = compileMapping(mapping)({ 'a"]; throw 1; //\\': 'CL1', 'N"1': '1', "N'2": '2' });
    expect(recordOf(row)).toEqual({ claim_id: 'CL1', item_count: '12' });
  });

  it('skips split parts mapped to null', () => {
    const mapping = parseMapping(
      `${MINIMAL}split:\n  - { from: ZY, separator: "/", into: [admission_date, null, discharge_date], formats: [yyyyMMdd, null, yyyyMMdd] }\n`,
      'skip.yaml',
    );
    expect(recordOf(compileMapping(mapping)({ ZY: '20240103/7/20240110' }))).toEqual({
      admission_date: '2024-01-03',
      discharge_date: '2024-01-10',
    });
  });

  it('translates an empty value only when the table says how', () => {
    const mapping = parseMapping(`${MINIMAL}columns:\n  identity_check: { from: HY, values: { "1": face, "": none } }\n`, 'x.yaml');
    expect(recordOf(compileMapping(mapping)({ HY: '' })).identity_check).toBe('none');
    const strict = parseMapping(`${MINIMAL}columns:\n  claim_kind: { from: LX, values: { "1": outpatient } }\n`, 'x.yaml');
    expect(recordOf(compileMapping(strict)({ LX: '' })).claim_kind).toBe('');
  });
});

describe('bad mapping files', () => {
  it('names the file and lists the known targets for an unknown target', () => {
    expect(mappingErrorOf('version: 1\nsource: vendorA\ntarget: bills\ncolumns: { claim_id: LSH }\n')).toBe(
      'mappings/vendor-a.yaml: target: expected one of claims, claim_items, persons, cards, institutions, doctors, regions, items, credit_indicators, doctor_credit_indicators, got string "bills"',
    );
  });

  it('names an unknown canonical column with its key path', () => {
    const message = mappingErrorOf(`${MINIMAL}columns:\n  claim_id: LSH\n  gender: { from: XB, values: { "1": M } }\n`);
    expect(message).toMatch(/^mappings\/vendor-a\.yaml: columns\.gender: "gender" is not a claims column \(known: claim_id, /);
  });

  it('names an unknown column inside a split', () => {
    expect(mappingErrorOf(`${MINIMAL}split:\n  - { from: X, separator: "~", into: [admission_date, leave_date] }\n`)).toContain(
      'mappings/vendor-a.yaml: split[0].into[1]: "leave_date" is not a claims column',
    );
  });

  it('explains a rule of the wrong shape', () => {
    expect(mappingErrorOf(`${MINIMAL}columns:\n  claim_kind: { from: JZLX, values: [outpatient, inpatient] }\n`)).toBe(
      'mappings/vendor-a.yaml: columns.claim_kind.values: expected a record of strings (source value → canonical value)',
    );
    expect(mappingErrorOf(`${MINIMAL}columns:\n  region_code: { const: 330100 }\n`)).toBe(
      'mappings/vendor-a.yaml: columns.region_code.const: expected a constant value as a string, got number 330100 (quote it)',
    );
    expect(mappingErrorOf(`${MINIMAL}columns:\n  claim_id: { fromm: LSH }\n`)).toContain(
      'mappings/vendor-a.yaml: columns.claim_id: unknown key "fromm"',
    );
    expect(mappingErrorOf(`${MINIMAL}columns:\n  claim_id: { from: LSH, const: "x" }\n`)).toContain(
      'columns.claim_id: use either `from` or `const`, not both',
    );
    expect(mappingErrorOf(`${MINIMAL}columns:\n  total_amount: { from: ZFY, amount: { unit: jiao } }\n`)).toContain(
      'columns.total_amount.amount.unit: expected unit fen (分, integer) or yuan (元), got string "jiao"',
    );
  });

  it('checks date rules: a real pattern, on a date column, with a valid offset', () => {
    expect(mappingErrorOf(`${MINIMAL}columns:\n  settled_at: { from: JSSJ, format: YYYYMMdd }\n`)).toBe(
      'mappings/vendor-a.yaml: columns.settled_at.format: date pattern "YYYYMMdd": use `yyyy` for the year (`Y` is the week-numbering year)',
    );
    expect(mappingErrorOf(`${MINIMAL}columns:\n  settled_at: { from: JSSJ, format: "HH:mm" }\n`)).toContain(
      'columns.settled_at.format: date pattern "HH:mm" needs a year (yyyy), month (MM) and day (dd)',
    );
    expect(mappingErrorOf(`${MINIMAL}columns:\n  settled_at: { from: JSSJ, format: "yyyyMMdd xyz" }\n`)).toContain(
      'columns.settled_at.format: invalid date pattern "yyyyMMdd xyz": ',
    );
    expect(mappingErrorOf(`${MINIMAL}columns:\n  item_count: { from: N, format: yyyyMMdd }\n`)).toContain(
      'columns.item_count.format: "item_count" is not a date (*_date) or timestamp (*_at) column',
    );
    expect(mappingErrorOf(`${MINIMAL}columns:\n  settled_at: { from: T, format: yyyyMMdd, timezone: CST }\n`)).toContain(
      'columns.settled_at.timezone: expected an offset like "+08:00" or "Z", got "CST"',
    );
    expect(
      mappingErrorOf(`${MINIMAL}split:\n  - { from: X, separator: "~", into: [admission_date, discharge_date], formats: [yyyyMMdd] }\n`),
    ).toContain('split[0].formats: has 1 entries but `into` has 2');
  });

  it('refuses a column mapped twice', () => {
    expect(
      mappingErrorOf(`${MINIMAL}columns:\n  admission_date: RYRQ\nsplit:\n  - { from: X, separator: "~", into: [admission_date, discharge_date] }\n`),
    ).toContain('split[0].into[0]: "admission_date" is already mapped at columns.admission_date');
  });

  it('reports every problem at once, one line each', () => {
    const lines = mappingErrorOf('version: 2\nsource: "vendor A"\ntarget: claims\ncolumns: { claim_id: 5 }\n').split('\n');
    expect(lines).toEqual([
      'mappings/vendor-a.yaml: version: expected version: 1 (the only mapping format version)',
      'mappings/vendor-a.yaml: source: expected letters, digits, _ or - (it is used in id prefixes)',
      'mappings/vendor-a.yaml: columns.claim_id: expected a source column name or a rule object, got number 5',
    ]);
  });

  it('reports broken YAML and unknown extensions with the file name', () => {
    expect(mappingErrorOf('version: 1\ncolumns: { claim_id: [\n')).toMatch(/^mappings\/vendor-a\.yaml: invalid YAML: /);
    expect(mappingErrorOf(MINIMAL, 'mapping.toml')).toBe('mapping.toml: unknown extension ".toml": expected .json, .yaml or .yml');
  });

  describe('from disk', () => {
    let dir: string | undefined;
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('loads JSON and names the file in its errors', async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'ringlens-mapping-'));
      const good = path.join(dir, 'b.json');
      await writeFile(good, JSON.stringify({ version: 1, source: 'b', target: 'cards', columns: { card_id: 'KH' } }));
      expect((await loadMapping(good)).columns.card_id).toEqual({ from: 'KH' });

      const bad = path.join(dir, 'bad.json');
      await writeFile(bad, '{"version": 1,');
      await expect(loadMapping(bad)).rejects.toThrow(`${bad}: invalid JSON`);
      await expect(loadMapping(path.join(dir, 'none.yaml'))).rejects.toThrow(/none\.yaml: cannot read/);
    });
  });
});

describe('date conversion', () => {
  const VALUES = ['20240103091512', '20240229235959', '20230229000000', '20241301000000', '20240101240000', 'x0240103091512'];

  it('fast path and date-fns agree on fixed-width patterns, valid or not', () => {
    for (const timezone of ['+08:00', 'Z', '-05:30']) {
      for (const output of ['date', 'timestamp'] as const) {
        const fast = compileDateConverter('yyyyMMddHHmmss', output, timezone);
        const slow = compileDateConverter('yyyyMMddHHmmss', output, timezone, { fastPath: false });
        for (const value of VALUES) expect(fast(value), `${value} ${timezone} ${output}`).toBe(slow(value));
      }
    }
    expect(compileDateConverter('yyyyMMddHHmmss', 'timestamp', '-05:30')('20240103213000')).toBe('2024-01-04T11:00:00+08:00');
    expect(compileDateConverter('yyyyMMdd', 'timestamp')('20240103')).toBe('2024-01-03T00:00:00+08:00');
    expect(compileDateConverter('yyyyMMddHHmmss', 'timestamp', 'Z')('00500101000000')).toBe('0050-01-01T08:00:00+08:00');
    // date-fns would read a one-digit second here; the fixed-width parser insists on the full width.
    expect(compileDateConverter('yyyyMMddHHmmss', 'timestamp')('2024010309151')).toBeUndefined();
  });

  it('handles other patterns through date-fns, whatever the machine time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Shanghai']) {
        process.env.TZ = tz;
        expect(compileDateConverter('d/M/yyyy H:mm', 'timestamp')('3/1/2024 9:05'), tz).toBe('2024-01-03T09:05:00+08:00');
        expect(compileDateConverter("yyyy-MM-dd'T'HH:mm:ssXXX", 'timestamp')('2024-03-10T02:30:00-05:00'), tz).toBe(
          '2024-03-10T15:30:00+08:00',
        );
        expect(compileDateConverter('yyyy年M月d日', 'date')('2024年1月3日'), tz).toBe('2024-01-03');
        // 02:30 on 10 March 2024 does not exist in New York (DST starts); it must still come out as written.
        expect(compileDateConverter('d/M/yyyy H:mm', 'timestamp')('10/3/2024 2:30'), tz).toBe('2024-03-10T02:30:00+08:00');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
