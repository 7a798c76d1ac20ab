import type { Gender, InstitutionLevel, ItemCategory } from './format.ts';
import type { Department } from './reference-data.ts';

/** Item catalog and diagnoses with the items each typically draws. Prices in fen. */

export interface CatalogItem {
  code: string;
  name: string;
  category: ItemCategory;
  unit: string;
  priceFen: number;
  gender: Gender | '';
  minAge: number | null;
  maxAge: number | null;
  minLevel: InstitutionLevel | '';
  /** Internal: expensive drugs that kickback schemes push. Not written to items.csv. */
  highMargin: boolean;
}

function item(code: string, name: string, category: ItemCategory, unit: string, yuan: number, extra: Partial<CatalogItem> = {}): CatalogItem {
  return { code, name, category, unit, priceFen: Math.round(yuan * 100), gender: '', minAge: null, maxAge: null, minLevel: '', highMargin: false, ...extra };
}

export const CATALOG: readonly CatalogItem[] = [
  item('XA10BA0001', '二甲双胍片', 'drug', '盒', 25),
  item('XC09CA0002', '缬沙坦胶囊', 'drug', '盒', 38.5),
  item('XC08CA0003', '苯磺酸氨氯地平片', 'drug', '盒', 22.8),
  item('XJ01CA0004', '阿莫西林胶囊', 'drug', '盒', 15.6),
  item('XJ01DC0005', '头孢呋辛酯片', 'drug', '盒', 42),
  item('XR05CB0006', '氨溴索口服溶液', 'drug', '瓶', 18.9),
  item('XN02BE0007', '布洛芬缓释胶囊', 'drug', '盒', 16.5),
  item('XA02BC0008', '奥美拉唑肠溶胶囊', 'drug', '盒', 29.8),
  item('XC10AA0009', '阿托伐他汀钙片', 'drug', '盒', 56),
  item('XA10AB0010', '门冬胰岛素注射液', 'drug', '支', 86),
  item('XB01AC0011', '阿司匹林肠溶片', 'drug', '盒', 14.2),
  item('XR06AX0012', '氯雷他定片', 'drug', '盒', 19.5),
  item('XZA09A0013', '连花清瘟胶囊', 'drug', '盒', 32),
  item('XB05AA0014', '人血白蛋白', 'drug', '瓶', 420, { highMargin: true }),
  item('XL03AB0015', '重组人干扰素α2b注射液', 'drug', '支', 310, { highMargin: true }),
  item('XZB01A0016', '注射用丹参多酚酸盐', 'drug', '支', 260, { highMargin: true }),
  item('XN06DX0017', '银杏叶提取物片', 'drug', '盒', 88, { highMargin: true }),
  item('XG03DA0018', '黄体酮胶囊', 'drug', '盒', 45, { gender: 'F', minAge: 12 }),
  item('XG04BE0019', '他达拉非片', 'drug', '盒', 120, { gender: 'M', minAge: 18 }),
  item('XJ01MA0020', '左氧氟沙星片', 'drug', '盒', 28),
  item('XA11CC0021', '骨化三醇软胶囊', 'drug', '盒', 68),
  item('XM01AH0022', '塞来昔布胶囊', 'drug', '盒', 52),
  // Age-restricted drugs (限儿童 / 限老年): billed on a card of the wrong age they contradict the holder.
  item('XR05DA0023', '小儿止咳糖浆', 'drug', '瓶', 21.5, { maxAge: 14 }),
  item('XN02BE0024', '布洛芬混悬液(儿童)', 'drug', '瓶', 24, { maxAge: 12 }),
  item('XN06DA0025', '盐酸多奈哌齐片', 'drug', '盒', 138, { minAge: 50 }),
  item('XM05BA0026', '阿仑膦酸钠片', 'drug', '盒', 64, { minAge: 45 }),
  item('250301002', '糖化血红蛋白测定', 'exam', '次', 60),
  item('250104001', '血细胞分析(血常规)', 'exam', '次', 20),
  item('250305001', '血糖测定', 'exam', '次', 8),
  item('250203001', '肝功能检测', 'exam', '次', 70),
  item('250303001', '血脂四项', 'exam', '次', 45),
  item('210300001', '胸部X线摄影', 'exam', '次', 80),
  item('210200001', 'CT平扫', 'exam', '次', 260, { minLevel: 'secondary' }),
  item('210500001', '磁共振扫描', 'exam', '次', 680, { minLevel: 'secondary' }),
  item('220600001', '彩色多普勒超声检查', 'exam', '次', 150),
  item('310701001', '常规心电图', 'exam', '次', 25),
  item('311201001', '产前检查', 'exam', '次', 90, { gender: 'F', minAge: 15, maxAge: 55 }),
  item('250403001', '前列腺特异性抗原测定', 'exam', '次', 95, { gender: 'M' }),
  item('111000001', '门诊诊查费', 'treatment', '次', 10),
  item('430000001', '针刺', 'treatment', '次', 35),
  item('430000002', '推拿治疗', 'treatment', '次', 45),
  item('340200001', '中频脉冲电治疗', 'treatment', '次', 30),
  item('120400001', '静脉输液', 'treatment', '次', 15),
  item('120100001', '分级护理', 'treatment', '日', 30),
  item('331000001', '阑尾切除术', 'treatment', '次', 2200, { minLevel: 'secondary' }),
  item('311000001', '血液透析', 'treatment', '次', 420, { minLevel: 'secondary' }),
  item('120500001', '儿童雾化吸入治疗', 'treatment', '次', 28, { maxAge: 14 }),
  item('C10000001', '一次性输液器', 'material', '套', 6.5),
  item('C10000002', '一次性使用导尿管', 'material', '根', 85),
  item('B00000001', '普通病房床位费', 'bed', '日', 50),
  item('B00000002', '重症监护床位费', 'bed', '日', 600, { minLevel: 'secondary' }),
  // ---- --profile varied only (items.csv of the classic profile stops above; see CLASSIC_ITEM_COUNT) ----
  // Chemotherapy (inpatient cycles), the antiemetic given with it, and an expensive targeted drug that only a
  // specialty (DTP) pharmacy stocks: 甲磺酸奥希替尼片 80 mg × 30, about ¥4,800 a box after the 2021 NRDL price.
  item('XL01CD0027', '紫杉醇注射液', 'drug', '支', 380),
  item('XL01XA0028', '卡铂注射液', 'drug', '支', 95),
  item('XL01DB0029', '注射用盐酸表柔比星', 'drug', '支', 180),
  item('XA04AA0030', '盐酸昂丹司琼注射液', 'drug', '支', 22),
  item('XL01EB0031', '甲磺酸奥希替尼片', 'drug', '盒', 4780),
  item('XJ05AH0032', '磷酸奥司他韦颗粒', 'drug', '盒', 38),
  // Haemodialysis: erythropoietin and heparin given at the session, the single-use dialyser.
  item('XB03XA0033', '重组人促红素注射液', 'drug', '支', 48),
  item('XB01AB0034', '肝素钠注射液', 'drug', '支', 12),
  item('250403010', '甲型/乙型流感病毒抗原检测', 'exam', '次', 60),
  item('250101001', '尿常规检查', 'exam', '次', 10),
  item('250307001', '肾功能检测', 'exam', '次', 45),
  item('340200004', '运动疗法', 'treatment', '次', 40),
  item('340200009', '偏瘫肢体综合训练', 'treatment', '次', 60),
  item('C10000003', '一次性使用血液透析器', 'material', '个', 150),
];

/** Items of the classic catalog: the first ones of CATALOG (the varied profile appends, never reorders). */
export const CLASSIC_ITEM_COUNT = CATALOG.findIndex((c) => c.code === 'XL01CD0027');

function indexOf(code: string): number {
  const i = CATALOG.findIndex((c) => c.code === code);
  if (i < 0) throw new Error(`catalog has no item ${code}`);
  return i;
}

export const ITEM = {
  registration: indexOf('111000001'),
  hba1c: indexOf('250301002'),
  bloodRoutine: indexOf('250104001'),
  ct: indexOf('210200001'),
  mri: indexOf('210500001'),
  ultrasound: indexOf('220600001'),
  acupuncture: indexOf('430000001'),
  massage: indexOf('430000002'),
  physio: indexOf('340200001'),
  infusion: indexOf('120400001'),
  nursing: indexOf('120100001'),
  infusionSet: indexOf('C10000001'),
  catheter: indexOf('C10000002'),
  wardBed: indexOf('B00000001'),
  icuBed: indexOf('B00000002'),
  progesterone: indexOf('XG03DA0018'),
  prenatal: indexOf('311201001'),
  tadalafil: indexOf('XG04BE0019'),
  psa: indexOf('250403001'),
  albumin: indexOf('XB05AA0014'),
  interferon: indexOf('XL03AB0015'),
  salvianolate: indexOf('XZB01A0016'),
  ginkgo: indexOf('XN06DX0017'),
  appendectomy: indexOf('331000001'),
  childCough: indexOf('XR05DA0023'),
  childIbuprofen: indexOf('XN02BE0024'),
  donepezil: indexOf('XN06DA0025'),
  alendronate: indexOf('XM05BA0026'),
  // varied profile
  calcitriol: indexOf('XA11CC0021'),
  celecoxib: indexOf('XM01AH0022'),
  metformin: indexOf('XA10BA0001'),
  insulin: indexOf('XA10AB0010'),
  atorvastatin: indexOf('XC10AA0009'),
  glucose: indexOf('250305001'),
  liver: indexOf('250203001'),
  lipids: indexOf('250303001'),
  xray: indexOf('210300001'),
  ecg: indexOf('310701001'),
  dialysis: indexOf('311000001'),
  nebulizer: indexOf('120500001'),
  paclitaxel: indexOf('XL01CD0027'),
  carboplatin: indexOf('XL01XA0028'),
  epirubicin: indexOf('XL01DB0029'),
  ondansetron: indexOf('XA04AA0030'),
  osimertinib: indexOf('XL01EB0031'),
  oseltamivir: indexOf('XJ05AH0032'),
  epo: indexOf('XB03XA0033'),
  heparin: indexOf('XB01AB0034'),
  fluAntigen: indexOf('250403010'),
  urine: indexOf('250101001'),
  renal: indexOf('250307001'),
  exercise: indexOf('340200004'),
  hemiplegia: indexOf('340200009'),
  dialyser: indexOf('C10000003'),
} as const;

/** Drugs only children may be billed for, and drugs only older people may: the age contradictions of card lending. */
export const PAEDIATRIC_DRUGS: readonly number[] = [ITEM.childCough, ITEM.childIbuprofen];
export const GERIATRIC_DRUGS: readonly number[] = [ITEM.donepezil, ITEM.alendronate];

export const HIGH_MARGIN_DRUGS: readonly number[] = CATALOG.flatMap((c, i) => (c.highMargin ? [i] : []));

export interface Diagnosis {
  /** position in DIAGNOSES */
  index: number;
  code: string;
  name: string;
  weight: number;
  chronic: boolean;
  gender: Gender | '';
  minAge: number;
  maxAge: number;
  /** Share of this diagnosis's visits that end in an admission. */
  inpatientShare: number;
  /** --profile varied: the background weight (classic uses `weight`, which is 0 for varied-only diagnoses) */
  variedWeight?: number;
  /** added for --profile varied: classic code paths that list diagnoses skip it */
  variedOnly?: boolean;
  /** Departments whose doctors treat it in adults, best first; children see 儿科 (docs/generator.md). */
  departments: readonly Department[];
  drugs: readonly number[];
  exams: readonly number[];
  treatments: readonly number[];
}

function dx(code: string, name: string, weight: number, departments: Department[], drugs: string[], exams: string[], treatments: string[], extra: Partial<Diagnosis> = {}): Diagnosis {
  return {
    index: -1,
    code,
    name,
    weight,
    departments,
    chronic: false,
    gender: '',
    minAge: 0,
    maxAge: 120,
    inpatientShare: 0.01,
    drugs: drugs.map(indexOf),
    exams: exams.map(indexOf),
    treatments: treatments.map(indexOf),
    ...extra,
  };
}

export const DIAGNOSES: readonly Diagnosis[] = [
  dx('J06.9', '急性上呼吸道感染', 20, ['呼吸内科', '内科', '全科', '急诊科', '中医科'], ['XJ01CA0004', 'XR05CB0006', 'XN02BE0007', 'XR06AX0012', 'XZA09A0013', 'XJ01MA0020', 'XR05DA0023', 'XN02BE0024'], ['250104001'], []),
  dx('I10', '原发性高血压', 12, ['心血管内科', '内科', '全科', '中医科'], ['XC09CA0002', 'XC08CA0003', 'XB01AC0011'], ['310701001', '250303001'], [], { chronic: true, minAge: 35 }),
  dx('E11.9', '2型糖尿病', 10, ['内分泌科', '内科', '全科'], ['XA10BA0001', 'XA10AB0010', 'XC10AA0009'], ['250301002', '250305001'], [], { chronic: true, minAge: 30 }),
  dx('K29.7', '胃炎', 8, ['内科', '全科', '中医科'], ['XA02BC0008'], ['250104001'], []),
  dx('M54.5', '腰痛', 7, ['骨科', '康复科', '中医科', '外科', '全科'], ['XM01AH0022', 'XN02BE0007'], ['210300001'], ['430000001', '430000002', '340200001'], { minAge: 20 }),
  dx('J18.9', '肺炎', 3, ['呼吸内科', '内科', '急诊科', '全科'], ['XJ01DC0005', 'XJ01MA0020', 'XR05CB0006', 'XR05DA0023'], ['250104001', '210300001', '210200001'], ['120400001'], { inpatientShare: 0.3 }),
  dx('I63.9', '脑梗死', 2, ['内科', '康复科', '急诊科', '中医科', '全科'], ['XB01AC0011', 'XC10AA0009', 'XZB01A0016', 'XN06DX0017', 'XN06DA0025'], ['210200001', '210500001'], ['120400001'], { minAge: 45, inpatientShare: 0.5, chronic: true }),
  dx('I25.1', '冠状动脉粥样硬化性心脏病', 4, ['心血管内科', '内科', '全科'], ['XB01AC0011', 'XC10AA0009'], ['310701001', '220600001'], [], { minAge: 40, chronic: true, inpatientShare: 0.08 }),
  dx('N39.0', '尿路感染', 3, ['内科', '外科', '全科'], ['XJ01MA0020'], ['250104001'], []),
  dx('O26.9', '妊娠相关情况', 2, ['妇产科', '全科'], ['XG03DA0018'], ['311201001', '220600001'], [], { gender: 'F', minAge: 20, maxAge: 42, inpatientShare: 0.05 }),
  dx('N40', '前列腺增生', 2, ['外科', '全科'], ['XG04BE0019'], ['250403001', '220600001'], [], { gender: 'M', minAge: 50, chronic: true }),
  dx('J45.9', '哮喘', 2, ['呼吸内科', '内科', '全科'], ['XR05CB0006', 'XR06AX0012'], ['250104001'], ['120500001']),
  dx('K35.8', '急性阑尾炎', 1, ['外科', '急诊科'], ['XJ01DC0005'], ['250104001', '220600001'], ['331000001'], { inpatientShare: 0.9 }),
  dx('N18.5', '慢性肾脏病5期', 0.5, ['肾内科', '内科', '全科'], ['XA11CC0021'], ['250203001'], ['311000001'], { chronic: true, minAge: 30, inpatientShare: 0.05 }),
  dx('E78.5', '高脂血症', 4, ['心血管内科', '内分泌科', '内科', '全科'], ['XC10AA0009'], ['250303001'], [], { minAge: 30, chronic: true }),
  dx('F03', '痴呆', 0.8, ['内科', '全科', '中医科', '康复科'], ['XN06DA0025', 'XN06DX0017'], [], [], { minAge: 60, chronic: true }),
  dx('M81.0', '骨质疏松', 1.5, ['骨科', '内分泌科', '内科', '全科'], ['XM05BA0026', 'XA11CC0021'], ['210300001'], [], { minAge: 50, chronic: true }),
  // ---- --profile varied only: weight 0 in the classic background, `variedWeight` in the varied one ----
  dx('J11.1', '流行性感冒', 0, ['呼吸内科', '内科', '全科', '急诊科', '中医科'], ['XJ05AH0032', 'XN02BE0007', 'XZA09A0013', 'XN02BE0024', 'XR05DA0023'], ['250403010', '250104001'], [], { variedOnly: true, variedWeight: 4 }),
  dx('I69.3', '脑梗死后遗症', 0, ['康复科', '中医科', '内科', '全科'], ['XB01AC0011', 'XC10AA0009', 'XN06DX0017'], [], ['340200009', '430000001', '340200001'], { minAge: 45, variedOnly: true, variedWeight: 1 }),
  dx('S72.0', '股骨颈骨折', 0, ['骨科', '外科', '康复科', '急诊科'], ['XM01AH0022', 'XA11CC0021'], ['210300001', '210200001'], ['340200004', '340200001'], { minAge: 40, inpatientShare: 0.7, variedOnly: true, variedWeight: 0.4 }),
  // Health checks, cancers: only the look-alikes that need them bill them (no drugs for a one-off background visit).
  dx('Z00.0', '健康查体', 0, ['全科', '内科'], [], ['250104001', '250203001', '250303001', '250305001', '310701001', '210300001', '220600001', '250101001'], [], { variedOnly: true, variedWeight: 0 }),
  dx('C34.9', '支气管和肺恶性肿瘤', 0, ['肿瘤科', '呼吸内科', '内科'], ['XA04AA0030'], ['250104001', '250203001', '210200001'], [], { minAge: 30, inpatientShare: 0.6, variedOnly: true, variedWeight: 0 }),
  dx('C50.9', '乳腺恶性肿瘤', 0, ['肿瘤科', '外科', '内科'], ['XA04AA0030'], ['250104001', '250203001', '220600001'], [], { gender: 'F', minAge: 25, inpatientShare: 0.6, variedOnly: true, variedWeight: 0 }),
].map((d, index) => ({ ...d, index }));

export function diagnosisIndex(code: string): number {
  const i = DIAGNOSES.findIndex((d) => d.code === code);
  if (i < 0) throw new Error(`no diagnosis ${code}`);
  return i;
}

export const CHRONIC_DIAGNOSES: readonly number[] = DIAGNOSES.flatMap((d, i) => (d.chronic && d.gender === '' ? [i] : []));
