import { ClaimSetBuilder } from '../../../algorithms/claim-set-builder.ts';
import { seededRandom } from '../../../algorithms/stats.ts';

/**
 * A small town with an honest year of background claims, for detectors that estimate "normal" from the
 * data: 600 persons in 200 households (a surname each), a secondary hospital, three clinics, four
 * pharmacies (two never record who was served) and a clinic in another city. Every person visits their
 * home clinic, their pharmacy and now and then the hospital at random days and hours. Tests plant their
 * pattern on top with `claim` and check that the detector finds it — or, for a look-alike, stays quiet.
 */

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平'];

export interface PlantedClaim {
  at: string;
  kind?: 'outpatient' | 'inpatient' | 'pharmacy';
  inst: string;
  card: string;
  doctor?: string;
  served?: string;
  check?: 'face' | 'real_name' | 'none';
  dx?: string;
  items?: string[];
  total?: number;
  admit?: string;
  discharge?: string;
}

export function town(seed = 1) {
  const rng = seededRandom(seed);
  const b = new ClaimSetBuilder();
  b.region('330100', '杭州市');
  b.region('440100', '广州市');
  b.institution({ id: 'H1', name: '城东医院', kind: 'hospital', level: 'secondary', region: '330100', lat: 30.27, lon: 120.15 });
  for (const [k, id] of ['C1', 'C2', 'C3'].entries()) b.institution({ id, name: `社区卫生服务中心${id}`, kind: 'clinic', level: 'primary', region: '330100', lat: 30.28 + k * 0.01, lon: 120.16 });
  b.institution({ id: 'CF', name: '远方社区卫生服务中心', kind: 'clinic', level: 'primary', region: '440100', lat: 23.13, lon: 113.26 });
  for (const [k, id] of ['P1', 'P2', 'P3', 'P4'].entries()) b.institution({ id, name: `药店${id}`, kind: 'pharmacy', level: null, region: '330100', lat: 30.27 + k * 0.01, lon: 120.15 });
  for (const [id, inst] of [['D1', 'H1'], ['D2', 'H1'], ['D3', 'H1'], ['DC1', 'C1'], ['DC2', 'C2'], ['DC3', 'C3'], ['DCF', 'CF']] as const) b.doctor({ id, name: `医生${id}`, institutionId: inst, department: '全科' });
  b.item({ id: 'REG', name: '门诊诊查费', category: 'treatment' });
  b.item({ id: 'DRUG', name: '二甲双胍片', category: 'drug' });
  b.item({ id: 'DRUG2', name: '缬沙坦胶囊', category: 'drug' });
  b.item({ id: 'DRUG3', name: '阿莫西林胶囊', category: 'drug' });
  b.item({ id: 'HBA1C', name: '糖化血红蛋白测定', category: 'exam' });
  b.item({ id: 'PHYSIO', name: '中频脉冲电治疗', category: 'treatment' });
  b.item({ id: 'KID', name: '小儿止咳糖浆', category: 'drug', maxAge: 12 });
  b.item({ id: 'PROG', name: '黄体酮胶囊', category: 'drug', gender: 'F' });
  b.item({ id: 'DIAL', name: '血液透析', category: 'treatment', minLevel: 'secondary' });
  b.item({ id: 'BED', name: '普通病房床位费', category: 'bed' });
  const N = 600;
  const person = (k: number) => `P${String(k).padStart(4, '0')}`;
  const card = (k: number) => `A${String(k).padStart(8, '0')}`;
  const ev = (k: number) => `EV${String(k).padStart(16, '0')}`;
  for (let k = 0; k < N; k++) {
    const hh = Math.floor(k / 3);
    // A household: a parent couple (surname of the household for one of them) and a child.
    const role = k % 3;
    const surname = role === 1 ? SURNAMES[(hh + 7) % SURNAMES.length]! : SURNAMES[hh % SURNAMES.length]!;
    const year = role === 2 ? 2005 + (hh % 12) : 1955 + (hh % 30);
    b.person({ id: person(k), name: surname + GIVEN[k % GIVEN.length]! + GIVEN[(k * 7) % GIVEN.length]!, gender: role === 1 ? 'F' : role === 0 ? 'M' : k % 2 ? 'F' : 'M', birthDate: `${year}-0${1 + (k % 9)}-1${k % 10}`, householdId: `HH${String(hh).padStart(10, '0')}`, address: `城东路${hh}号`, region: '330100' });
    b.card({ id: card(k), holderId: person(k) });
    if (k % 2 === 0) b.card({ id: ev(k), holderId: person(k) });
  }
  let n = 0;
  const claim = (o: PlantedClaim) => {
    const total = o.total ?? 100;
    const items = o.items ?? ['REG'];
    const id = `CL${String(n++).padStart(8, '0')}`;
    b.claim({
      id,
      settledAt: Date.parse(o.at) / 1000,
      kind: o.kind ?? 'outpatient',
      institutionId: o.inst,
      cardId: o.card,
      doctorId: o.doctor ?? null,
      rxDoctorId: null,
      servedId: o.served ?? null,
      check: o.check ?? (o.served ? 'face' : 'none'),
      diagnosisCode: o.dx ?? 'E11.9',
      admissionDate: o.admit ?? null,
      dischargeDate: o.discharge ?? null,
      total,
      fund: total * 0.7,
      lines: items.map((itemId) => ({ itemId, quantity: 1, amount: total / items.length })),
    });
    return id;
  };
  /** China time on day `d` of 2024 (0 = Jan 1), hh:mm:ss. */
  const at = (d: number, hh = 9, mm = 0, ss = 0) => new Date(Date.UTC(2024, 0, 1 + d, hh - 8, mm, ss)).toISOString().replace('Z', '+00:00');
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  /** The honest year: about 12 claims per person, at their home clinic, pharmacy and the hospital. */
  const background = (except: ReadonlySet<number> = new Set()) => {
    for (let k = 0; k < N; k++) {
      if (except.has(k)) continue;
      const clinic = ['C1', 'C2', 'C3'][k % 3]!;
      const pharmacy = ['P1', 'P2', 'P3', 'P4'][k % 4]!;
      const doctor = { C1: 'DC1', C2: 'DC2', C3: 'DC3' }[clinic]!;
      const visits = 6 + Math.floor(rng() * 12);
      for (let v = 0; v < visits; v++) {
        const d = Math.floor(rng() * 360);
        const hh = 8 + Math.floor(rng() * 9);
        const mm = Math.floor(rng() * 60);
        const r = rng();
        const items = [pick(['DRUG', 'DRUG2', 'DRUG3']), ...(rng() < 0.5 ? [pick(['DRUG', 'DRUG2', 'DRUG3'])] : [])];
        const total = 30 + Math.round(rng() * 270);
        if (r < 0.45) claim({ at: at(d, hh, mm), inst: clinic, card: card(k), doctor, served: rng() < 0.7 ? person(k) : undefined, items: ['REG', ...items], total });
        else if (r < 0.85) {
          // Young children's syrup, half the time bought on a parent's card (家庭共济 inside the household).
          const child = k % 3 === 2 && 2005 + (Math.floor(k / 3) % 12) >= 2012;
          const kid = child && rng() < 0.5;
          const payer = kid && rng() < 0.5 ? k - 2 : k;
          claim({ at: at(d, hh, mm), kind: 'pharmacy', inst: pharmacy, card: payer % 2 === 0 && rng() < 0.5 ? ev(payer) : card(payer), served: (pharmacy === 'P3' || pharmacy === 'P4') && rng() < 0.8 ? person(k) : undefined, items: kid ? ['KID'] : items, total });
        }
        else claim({ at: at(d, hh, mm), inst: 'H1', card: card(k), doctor: pick(['D1', 'D2', 'D3']), served: person(k), items: ['REG', ...items, ...(rng() < 0.3 ? ['HBA1C'] : [])], total: total + 60 });
      }
    }
  };
  return { b, claim, at, person, card, ev, background, N };
}
