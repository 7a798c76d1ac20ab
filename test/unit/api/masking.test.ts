import { describe, expect, it } from 'vitest';
import { MASK_LEVEL, maskAddress, maskBirthDate, maskCardNo, maskerFor, maskIdNumber, maskName, maskPhone } from '../../../access/masking.ts';
import { ROLES } from '../../../access/roles.ts';

describe('masking of personal data', () => {
  it('keeps the region code and last four digits of an ID number', () => {
    expect(maskIdNumber('320505199311080461')).toBe('320505********0461');
    expect(maskIdNumber('32050519931108046X')).toBe('320505********046X');
  });

  it('keeps the family name of Chinese and Latin names, counting characters not bytes', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('李')).toBe('*');
    expect(maskName('Zhang San')).toBe('Z********');
  });

  it('keeps the last four of a card number, the ends of a phone number, the start of an address, the year of birth', () => {
    expect(maskCardNo('A12345678')).toBe('*****5678');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskAddress('湖北省武汉市高新区胜利路282号')).toBe('湖北省武汉市**********');
    expect(maskBirthDate('1944-02-18')).toBe('1944-**-**');
  });

  it('never returns the value itself for short inputs', () => {
    expect(maskCardNo('1234')).toBe('1***');
    expect(maskIdNumber('12')).toBe('1*');
  });

  it('shows investigators and liaisons everything, and masks for supervisors and admins', () => {
    expect(ROLES.map((r) => [r, MASK_LEVEL[r]])).toEqual([
      ['investigator', 'full'],
      ['supervisor', 'masked'],
      ['liaison', 'full'],
      ['admin', 'masked'],
    ]);
    for (const role of ['investigator', 'liaison'] as const) {
      const m = maskerFor(role);
      expect(m.idNumber('320505199311080461')).toBe('320505199311080461');
      expect(m.name('张三丰')).toBe('张三丰');
      expect(m.ref('person:320505199311080461')).toBe('person:320505199311080461');
    }
    for (const role of ['supervisor', 'admin'] as const) {
      const m = maskerFor(role);
      expect(m.idNumber('320505199311080461')).toBe('320505********0461');
      expect(m.name(null)).toBeNull();
      expect(m.key('person', '320505199311080461')).toBe('320505********0461');
      expect(m.key('card', 'A12345678')).toBe('*****5678');
      // codes of doctors and institutions are not personal data
      expect(m.key('institution', 'H33010000001')).toBe('H33010000001');
      expect(m.ref('card:A12345678')).toBe('card:*****5678');
      expect(m.ref('institution:H1')).toBe('institution:H1');
    }
  });
});
