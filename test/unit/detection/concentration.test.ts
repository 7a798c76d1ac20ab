import { describe, expect, it } from 'vitest';
import { ClaimSetBuilder } from '../../../algorithms/claim-set-builder.ts';
import { CONCENTRATION_DEFAULTS, concentrate, concentrateScan, departmentIds, type FlaggedPatient } from '../../../algorithms/detectors/concentration.ts';

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
  it('a doctor found on their own lends no smaller bar to a colleague of another department', () => {
    // 40 hospitals, each with a rehabilitation doctor and a surgeon, 1,000 patients each; honest doctors
    // flag 0–3. At H0 the rehabilitation doctor flags 20 (a scheme); the surgeon flags 5 — the ordinary tail
    // of a busy surgeon (p≈0.02), beyond the nominal bar among the hospital's two doctors but nothing on
    // its own. Neither the hospital nor surgery stands out, so the surgeon is no member.
    const b = new ClaimSetBuilder();
    b.region('330100', '杭州市');
    const honest = (g: number) => [0, 1, 2, 3, 1, 2][g % 6]!;
    const counts: number[] = [];
    for (let g = 0; g < 40; g++) {
      b.institution({ id: `H${g}`, name: `医院${g}`, kind: 'hospital', level: 'tertiary', region: '330100', lat: 30, lon: 120 });
      b.doctor({ id: `R${g}`, name: `康复医生${g}`, institutionId: `H${g}`, department: '康复科' });
      b.doctor({ id: `S${g}`, name: `外科医生${g}`, institutionId: `H${g}`, department: '外科' });
      counts.push(g === 0 ? 20 : honest(g), g === 0 ? 5 : honest(g + 3));
    }
    const set = b.build();
    const dept = departmentIds(set);
    const doctors = Int32Array.from(counts, () => 1000);
    const exposure = { doctor: doctors, department: Int32Array.from(dept.name, () => 1000), institution: Int32Array.from(set.institutions.id, () => 2000) };
    const flagged: FlaggedPatient[] = [];
    let patient = 0;
    counts.forEach((k, d) => {
      for (let j = 0; j < k; j++) flagged.push({ patient: patient++, institution: set.doctors.institution[d]!, doctors: [d], claims: [patient] });
    });
    const result = concentrate(set, flagged, exposure, { ...CONCENTRATION_DEFAULTS, levels: ['doctor', 'department'] }, dept);
    expect(result.found.map((f) => set.institutions.id[f.institution])).toEqual(['H0']);
    expect(result.found[0]!.doctors.map((d) => set.doctors.id[d])).toEqual(['R0']);
    expect(result.found[0]!.patients).toHaveLength(20);
  });
  it('a scheme’s second doctor found elsewhere does not make another scheme’s second doctor look ordinary', () => {
    // 40 hospitals with a general practitioner each (150 inpatients, 0–1 readmitted); six also have an
    // emergency doctor. At H0 and H1 both doctors split stays: the GPs 10 each, the emergency doctors 9
    // and 8 — against the other four emergency doctors' 2 in 600, but each at only about four times the
    // rate the other ring's emergency doctor makes the pool show. Found rings' standing-out doctors leave
    // the pool, so each emergency doctor is judged against the honest ones and found.
    const b = new ClaimSetBuilder();
    b.region('420100', '武汉市');
    const counts: number[] = [];
    for (let g = 0; g < 40; g++) {
      b.institution({ id: `H${g}`, name: `医院${g}`, kind: 'hospital', level: 'secondary', region: '420100', lat: 30, lon: 114 });
      b.doctor({ id: `G${g}`, name: `全科医生${g}`, institutionId: `H${g}`, department: '全科' });
      counts.push(g < 2 ? 10 : g % 2);
      if (g < 6) {
        b.doctor({ id: `E${g}`, name: `急诊医生${g}`, institutionId: `H${g}`, department: '急诊科' });
        counts.push([9, 8, 1, 0, 1, 0][g]!);
      }
    }
    const set = b.build();
    const dept = departmentIds(set);
    const exposure = { doctor: Int32Array.from(counts, () => 150), department: Int32Array.from(dept.name, () => 150), institution: Int32Array.from(set.institutions.id, () => 300) };
    const flagged: FlaggedPatient[] = [];
    let patient = 0;
    counts.forEach((k, d) => {
      for (let j = 0; j < k; j++) flagged.push({ patient: patient++, institution: set.doctors.institution[d]!, doctors: [d], claims: [patient] });
    });
    const result = concentrate(set, flagged, exposure, { ...CONCENTRATION_DEFAULTS, levels: ['doctor', 'department'] }, dept);
    expect(result.found.map((f) => set.institutions.id[f.institution]).sort()).toEqual(['H0', 'H1']);
    for (const f of result.found) expect(f.doctors.map((d) => set.doctors.id[d]).sort()).toEqual([`E${set.institutions.id[f.institution]!.slice(1)}`, `G${set.institutions.id[f.institution]!.slice(1)}`]);
  });
});
