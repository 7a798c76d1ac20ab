import { describe, expect, it } from 'vitest';
import { idCheckDigit, isValidIdNumber, makeIdNumber, parseIdNumber } from '../../../generator/id-number.ts';

describe('GB 11643 identity numbers', () => {
  it('computes the check character of the standard example', () => {
    expect(idCheckDigit('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
  });

  it('rejects a wrong check digit, an impossible date and a bad shape', () => {
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    const feb30 = '11010519490230002';
    expect(isValidIdNumber(feb30 + idCheckDigit(feb30))).toBe(false);
    expect(isValidIdNumber('11010519491231002x')).toBe(false);
    expect(isValidIdNumber('1101051949123100')).toBe(false);
  });

  it('round-trips region, birth date and gender', () => {
    const id = makeIdNumber('330106', '1987-02-28', 137, 'M');
    expect(parseIdNumber(id)).toEqual({ regionCode: '330106', birthDate: '1987-02-28', sequence: 137, gender: 'M' });
    expect(parseIdNumber(makeIdNumber('440103', '2000-02-29', 58, 'F'))?.gender).toBe('F');
    expect(() => makeIdNumber('330106', '1987-02-28', 138, 'M')).toThrow(/gender/);
  });
});
