import { describe, expect, it } from 'vitest';
import { ClaimSetBuilder } from '../../../algorithms/claim-set-builder.ts';
import { concentrate, concentrateScan, departmentIds, type FlaggedPatient } from '../../../algorithms/detectors/concentration.ts';

/**
 * 40 primary clinics with one general practitioner each, 1,000 patients each; peers flag 0–3 patients
 * (about 1.5 in 1,000). Patients are plain numbers: concentrate() only counts them.
 */
function clinics(flaggedPerDoctor: number[]) {
  const b = new ClaimSetBuilder();
  b.region('330100', '杭州市');
  for (let g = 0; g < flaggedPerDoctor.length; g++) {
    b.institution({ id: `C${g}`, name: `社区卫生服务中心${g}`, kind: 'clinic', level: 'primary', region: '330100', lat: 30, lon: 120 });
    b.doctor({ id: `DR${g}`, name: `医生${g}`, institutionId: `C${g}`, department: '全科' });
  }
  const set = b.build();
  const n = Int32Array.from(flaggedPerDoctor, () => 1000);
  const exposure = { doctor: n, department: n, institution: n };
  const flagged: FlaggedPatient[] = [];
  let patient = 0;
  flaggedPerDoctor.forEach((k, g) => {
    for (let j = 0; j < k; j++) flagged.push({ patient: patient++, institution: g, doctors: [g], claims: [patient] });
  });
  return { set, exposure, flagged };
}

describe('concentration against peers', () => {
  it('two weak rings in one peer group do not hide a strong third one by widening the peers’ spread', () => {
    // Honest doctors flag 0–3 of 1,000; DR0 flags 12; DR1 and DR2 flag 8 each — each alone too weak to
    // report after charging for 120 tests, yet beyond chance at the 1 % level. Counted as honest spread,
    // those two made DR0 look ordinary.
    const honest = Array.from({ length: 37 }, (_, g) => [0, 1, 2, 3, 1, 2][g % 6]!);
    const { set, exposure, flagged } = clinics([12, 8, 8, ...honest]);
    const result = concentrate(set, flagged, exposure, undefined, departmentIds(set));
    expect(result.found.map((f) => set.institutions.id[f.institution])).toEqual(['C0']);
  });
  it('a ring doctor’s weak flags join the ring only where they are beyond chance, not merely twice the expected count', () => {
    // DR0 has a ring of 15 strongly flagged patients and, like the honest doctors (1–2 of 1,000), three
    // weak flags: three where 1.5 are expected is twice the rate but no surprise (binomial tail ≈ 0.19).
    const honest = Array.from({ length: 39 }, (_, g) => 1 + (g % 2));
    const { set, exposure, flagged } = clinics([18, ...honest]);
    for (const f of flagged) f.strength = f.institution === 0 && f.patient < 15 ? 10 : 1.5;
    const rings = concentrateScan(set, flagged, exposure, [1.3, 6], undefined, departmentIds(set));
    expect(rings.map((r) => set.institutions.id[r.institution])).toEqual(['C0']);
    expect(rings[0]!.patients).toEqual(Array.from({ length: 15 }, (_, j) => j));
  });
});
