import { describe, expect, it } from 'vitest';
import { ClaimSetBuilder, type ClaimRecord } from '../../../algorithms/claim-set-builder.ts';
import { claimSetDigests } from '../../../algorithms/claim-set-digest.ts';
import { claimIdList } from '../../../algorithms/claim-set.ts';

function reference(b: ClaimSetBuilder): void {
  b.region('330100', '杭州市');
  b.institution({ id: 'H1', name: '医院', kind: 'hospital', level: 'tertiary', region: '330100' });
  b.institution({ id: 'H2', name: '药店', kind: 'pharmacy', region: '330100' });
  b.doctor({ id: 'D1', name: '李', institutionId: 'H1', department: '内科' });
  b.item({ id: 'I1', name: '胰岛素', category: 'drug' });
  b.item({ id: 'I2', name: '糖化血红蛋白', category: 'exam' });
  b.person({ id: 'P1', name: '王伟', gender: 'M', birthDate: '1950-03-04', householdId: 'HH1', region: '330100' });
  b.card({ id: 'C1', holderId: 'P1' });
  b.card({ id: 'C2', holderId: 'P1' });
}

// Diagnoses named differently within and across the halves, a code only the second half has, ids with
// non-ASCII characters, claims without lines.
const dx = [
  ['E11', '糖尿病'], ['I10', '高血压'], ['E11', '2型糖尿病'], ['J06', '上感'], ['I10', '高血压'], ['K29', '胃炎'], ['E11', '糖尿病'], [null, null],
] as const;
const claims: ClaimRecord[] = dx.map(([code, name], k) => ({
  id: k % 3 === 0 ? `结算${k}` : `CL${k}`,
  settledAt: 1_700_000_000 + k * 3600,
  kind: k % 2 ? 'pharmacy' : 'outpatient',
  institutionId: k % 2 ? 'H2' : 'H1',
  cardId: k % 2 ? 'C2' : 'C1',
  doctorId: k % 2 ? null : 'D1',
  rxDoctorId: k % 2 ? 'D1' : null,
  servedId: k === 4 ? 'P1' : null,
  check: k === 4 ? 'face' : null,
  diagnosisCode: code,
  diagnosisName: name,
  admissionDate: null,
  dischargeDate: null,
  total: 10 + k,
  fund: 5 + k,
  lines: k === 5 ? [] : [{ itemId: k % 2 ? 'I1' : 'I2' }, { itemId: 'I1' }],
}));

describe('ClaimSetBuilder.appendFrom', () => {
  for (const cut of [0, 1, 3, 4, 8]) {
    it(`gives the set one builder gives (first ${cut} claims in the first part)`, () => {
      const one = new ClaimSetBuilder(claims.length, { uniqueClaims: true });
      reference(one);
      for (const c of claims) one.claim(c);
      const whole = one.build();

      const b = new ClaimSetBuilder(2, { uniqueClaims: true });
      reference(b);
      const part = new ClaimSetBuilder(2, { uniqueClaims: true, tablesOf: b });
      claims.slice(0, cut).forEach((c) => b.claim(c));
      claims.slice(cut).forEach((c) => part.claim(c));
      b.appendFrom(part, claims.length);
      const joined = b.build();
      expect(claimSetDigests(joined)).toEqual(claimSetDigests(whole));
      expect(b.extras()).toEqual(one.extras());
      expect(claimIdList(joined.claims.id)).toEqual(claims.map((c) => c.id));
    });
  }
});
