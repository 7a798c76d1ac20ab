import { describe, expect, it } from 'vitest';
import { ClaimSetBuilder, type ClaimRecord } from '../../../algorithms/claim-set-builder.ts';
import { claimSetDigests } from '../../../algorithms/claim-set-digest.ts';

const claims: ClaimRecord[] = [
  { id: 'CL1', settledAt: 1_700_000_000, kind: 'outpatient', institutionId: 'H1', cardId: 'C1', doctorId: 'D1', diagnosisCode: 'E11', diagnosisName: '糖尿病', total: 52.5, fund: 30, lines: [{ itemId: 'I2' }, { itemId: 'I1' }] },
  { id: 'CL2', settledAt: 1_700_086_400, kind: 'inpatient', institutionId: 'H1', cardId: 'C1', admissionDate: '2023-11-15', dischargeDate: '2023-11-20', total: 900.5, fund: 800, lines: [] },
  { id: 'CL3', settledAt: 1_700_090_000, kind: 'pharmacy', institutionId: 'H1', cardId: 'C1', rxDoctorId: 'D1', diagnosisCode: 'E11', diagnosisName: '2型糖尿病', total: 3, fund: 0, lines: [{ itemId: 'I1' }] },
];

function withReference(): ClaimSetBuilder {
  const b = new ClaimSetBuilder(4, { uniqueClaims: true });
  b.institution({ id: 'H1', name: '医院', kind: 'hospital', level: 'tertiary' });
  b.doctor({ id: 'D1', name: '李', institutionId: 'H1', department: '内科' });
  b.item({ id: 'I1', name: '胰岛素', category: 'drug' });
  b.item({ id: 'I2', name: '糖化血红蛋白', category: 'exam' });
  b.card({ id: 'C1', holderId: 'P1' });
  return b;
}

describe('ClaimSetBuilder.claimFlatLines', () => {
  it('builds the same set as claim() with line records, items named by number', () => {
    const byRecord = withReference();
    for (const c of claims) byRecord.claim(c);
    const flat = withReference();
    // The projection names items by node id: any numbering the caller maps to the builder's indices.
    const nodeOf = { I1: 901, I2: 77 } as Record<string, number>;
    const itemOf = new Map([[901, flat.itemIndex('I1')], [77, flat.itemIndex('I2')]]);
    for (const { lines, ...head } of claims) {
      const row = (lines ?? []).map((l) => nodeOf[l.itemId]!);
      flat.claimFlatLines(head, lines?.length ? row : null, (n) => itemOf.get(n)!);
    }
    const a = byRecord.build();
    const z = flat.build();
    expect(claimSetDigests(z)).toEqual(claimSetDigests(a));
    expect(Array.from(z.lines.item)).toEqual([1, 0, 0]);
    expect(Array.from(z.claims.lineStart)).toEqual([0, 2, 2, 3]);
  });
});
