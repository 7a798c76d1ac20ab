import { ClaimSetBuilder } from '../../../algorithms/claim-set-builder.ts';

/**
 * A small hand-built world for detector tests: one region, a hospital (secondary), two clinics
 * (primary), three pharmacies, doctors, 60 persons in 20 households, items with restrictions.
 * Helpers add claims by natural keys; times are China-time strings.
 */
export function world() {
  const b = new ClaimSetBuilder();
  b.region('330100', '杭州市');
  b.institution({ id: 'H1', name: '杭州市第二医院', kind: 'hospital', level: 'secondary', region: '330100', lat: 30.27, lon: 120.15 });
  b.institution({ id: 'C1', name: '同仁社区卫生服务中心', kind: 'clinic', level: 'primary', region: '330100', lat: 30.28, lon: 120.16 });
  b.institution({ id: 'C2', name: '和平社区卫生服务中心', kind: 'clinic', level: 'primary', region: '330100', lat: 30.29, lon: 120.17 });
  b.institution({ id: 'C9', name: '远方社区卫生服务中心', kind: 'clinic', level: 'primary', region: '440100', lat: 23.13, lon: 113.26 });
  for (const [id, lat] of [['P1', 30.2701], ['P2', 30.3], ['P3', 30.31]] as const) b.institution({ id, name: `药店${id}`, kind: 'pharmacy', level: null, region: '330100', lat, lon: 120.15 });
  for (const [id, inst] of [['D1', 'H1'], ['D2', 'H1'], ['D3', 'H1'], ['D4', 'H1'], ['D5', 'H1'], ['D6', 'H1'], ['DC1', 'C1'], ['DC2', 'C1'], ['DC3', 'C2'], ['DC4', 'C2'], ['DC9', 'C9']] as const) b.doctor({ id, name: `医生${id}`, institutionId: inst, department: '全科' });
  b.item({ id: 'REG', name: '门诊诊查费', category: 'treatment' });
  b.item({ id: 'DRUG', name: '二甲双胍片', category: 'drug' });
  b.item({ id: 'DRUG2', name: '缬沙坦胶囊', category: 'drug' });
  b.item({ id: 'HBA1C', name: '糖化血红蛋白测定', category: 'exam' });
  b.item({ id: 'PHYSIO', name: '中频脉冲电治疗', category: 'treatment' });
  b.item({ id: 'CT', name: 'CT平扫', category: 'exam', minLevel: 'secondary' });
  b.item({ id: 'PROG', name: '黄体酮胶囊', category: 'drug', gender: 'F' });
  b.item({ id: 'BED', name: '普通病房床位费', category: 'bed' });
  for (let k = 0; k < 60; k++) {
    const id = `P${String(k).padStart(3, '0')}`;
    b.person({ id, name: `参保人${k}`, gender: k % 2 ? 'F' : 'M', birthDate: `${1950 + (k % 40)}-05-01`, householdId: `HH${Math.floor(k / 3)}`, address: `地址${Math.floor(k / 3)}`, region: '330100' });
    b.card({ id: `A${id}`, holderId: id });
  }
  let n = 0;
  const at = (iso: string) => Date.parse(iso) / 1000;
  const claim = (o: { at: string; kind?: string; inst: string; card: string; doctor?: string; rx?: string; served?: string; check?: string; dx?: string; items?: string[]; total?: number; admit?: string; discharge?: string }) =>
    b.claim({
      id: `CL${String(n++).padStart(6, '0')}`,
      settledAt: at(o.at),
      kind: o.kind ?? 'outpatient',
      institutionId: o.inst,
      cardId: o.card,
      doctorId: o.doctor ?? null,
      rxDoctorId: o.rx ?? null,
      servedId: o.served ?? null,
      check: o.check ?? (o.served ? 'face' : 'none'),
      diagnosisCode: o.dx ?? 'E11.9',
      admissionDate: o.admit ?? null,
      dischargeDate: o.discharge ?? null,
      total: o.total ?? 100,
      fund: (o.total ?? 100) * 0.7,
      lines: (o.items ?? ['REG']).map((itemId) => ({ itemId, quantity: 1, amount: (o.total ?? 100) / (o.items ?? ['REG']).length })),
    });
  const day = (k: number, hh = 9, mm = 0) => {
    const d = new Date(Date.UTC(2024, 0, 1 + k, hh - 8, mm));
    return d.toISOString().replace('Z', '+00:00');
  };
  return { b, claim, day, person: (k: number) => `P${String(k).padStart(3, '0')}`, card: (k: number) => `AP${String(k).padStart(3, '0')}` };
}
