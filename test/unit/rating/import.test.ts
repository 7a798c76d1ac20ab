import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../../ingest/mapping/apply.ts';
import { loadMapping } from '../../../ingest/mapping/load.ts';
import { checkImportRow } from '../../../rating/import.ts';
import { loadRatingModel } from '../../../rating/load.ts';

const model = loadRatingModel();
const ctx = { model, institutions: new Set(['P1', 'H1']), file: 'credit.csv' };
const row = (period: string, institution_code: string, indicator: string, value: string) => ({ period, institution_code, indicator, value });

describe('import rows of external indicators', () => {
  it('accepts a value within the range, and an empty value as missing (null), never 0', () => {
    expect(checkImportRow(row('2024-H2', 'P1', 'admin-penalties', '150'), 2, ctx)).toEqual({ row: { period: '2024-H2', institutionCode: 'P1', indicator: 'admin-penalties', value: 150, file: 'credit.csv', line: 2 } });
    expect(checkImportRow(row('2024-H2', 'P1', 'cmi', ''), 3, ctx)).toEqual({ row: { period: '2024-H2', institutionCode: 'P1', indicator: 'cmi', value: null, file: 'credit.csv', line: 3 } });
  });
  it('names line and field of every kind of bad row', () => {
    const problem = (r: ReturnType<typeof row>, extra: Partial<typeof ctx> & { period?: string } = {}) => {
      const out = checkImportRow(r, 7, { ...ctx, ...extra });
      return 'problem' in out ? out.problem : null;
    };
    expect(problem(row('2024-H3', 'P1', 'cmi', '1'))).toEqual({ line: 7, field: 'period', message: expect.stringContaining('"2024-H3" is not a period like') });
    expect(problem(row('2024-H1', 'P1', 'cmi', '1'), { period: '2024-H2' })).toEqual({ line: 7, field: 'period', message: '"2024-H1" is not the period being imported (2024-H2)' });
    expect(problem(row('2024-H2', 'X9', 'cmi', '1'))).toEqual({ line: 7, field: 'institution_code', message: 'no institution "X9" in the graph' });
    expect(problem(row('2024-H2', 'P1', 'ring-fund-share', '0.1'))).toEqual({ line: 7, field: 'indicator', message: expect.stringContaining('"ring-fund-share" is not an imported indicator of model wenzhou-1000') });
    expect(problem(row('2024-H2', 'P1', 'training', '1,5'))).toEqual({ line: 7, field: 'value', message: '"1,5" is not a number' });
    expect(problem(row('2024-H2', 'P1', 'training', '51'))).toEqual({ line: 7, field: 'value', message: "51 is outside training's range [0, 50]" });
  });
  it('the shipped example mapping turns a bureau export row into canonical columns', async () => {
    const mapping = await loadMapping('examples/mappings/credit-indicators.yaml');
    expect(mapping.target).toBe('credit_indicators');
    const map = compileMapping(mapping);
    expect(map({ PJQJ: '2024-H2', DDJGBM: 'P1', ZBDM: 'XZ01', DF: '120' })).toEqual({ ok: true, record: { period: '2024-H2', institution_code: 'P1', indicator: 'admin-penalties', value: '120' } });
    expect(map({ PJQJ: '2024-H2', DDJGBM: 'P1', ZBDM: 'ZZ99', DF: '1' })).toMatchObject({ ok: false, field: 'indicator' });
  });
});
