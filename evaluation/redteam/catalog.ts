/**
 * The red-team item catalog and diagnosis list. Codes and names are this generator's own;
 * shapes follow docs/canonical-format.md (drugs X + ATC-like + 4 digits, services 9 digits,
 * materials C + 8 digits, beds B + 8 digits).
 */

export type Category = 'drug' | 'exam' | 'treatment' | 'material' | 'bed';
export type Level = 'primary' | 'secondary' | 'tertiary';

export interface Item {
  idx: number;
  key: string;
  code: string;
  name: string;
  category: Category;
  unit: string;
  /** reference price, cents */
  price: number;
  gender: '' | 'M' | 'F';
  minAge: number | null;
  maxAge: number | null;
  minLevel: '' | Level;
  /** first 7 digits of the traceability codes of this drug's packages */
  tracePrefix: string;
}

type Row = [key: string, code: string, name: string, category: Category, unit: string, price: number, extra?: { g?: 'M' | 'F'; min?: number; max?: number; lvl?: Level }];

const ROWS: Row[] = [
  // ---- drugs: diabetes
  ['metformin', 'XA10BA7301', '盐酸二甲双胍缓释片', 'drug', '盒', 27.6],
  ['glimepiride', 'XA10BB7302', '格列美脲片', 'drug', '盒', 34.2],
  ['acarbose', 'XA10BF7303', '阿卡波糖片', 'drug', '盒', 51.8],
  ['aspart', 'XA10AB7304', '门冬胰岛素注射液', 'drug', '支', 67.5],
  ['glargine', 'XA10AE7305', '甘精胰岛素注射液', 'drug', '支', 163.0],
  ['dapagliflozin', 'XA10BK7306', '达格列净片', 'drug', '盒', 97.4],
  ['epalrestat', 'XA10XA7368', '依帕司他片', 'drug', '盒', 41.9],
  ['mecobalamin', 'XB03BA7367', '甲钴胺片', 'drug', '盒', 22.3],
  // ---- cardiovascular
  ['amlodipine', 'XC08CA7311', '苯磺酸氨氯地平片', 'drug', '盒', 21.7],
  ['valsartan', 'XC09CA7312', '缬沙坦胶囊', 'drug', '盒', 30.9],
  ['irbesartan_hct', 'XC09DA7313', '厄贝沙坦氢氯噻嗪片', 'drug', '盒', 41.6],
  ['metoprolol', 'XC07AB7314', '琥珀酸美托洛尔缓释片', 'drug', '盒', 25.8],
  ['atorvastatin', 'XC10AA7315', '阿托伐他汀钙片', 'drug', '盒', 37.5],
  ['rosuvastatin', 'XC10AA7316', '瑞舒伐他汀钙片', 'drug', '盒', 44.6],
  ['aspirin', 'XB01AC7317', '阿司匹林肠溶片', 'drug', '盒', 14.9],
  ['clopidogrel', 'XB01AC7318', '硫酸氢氯吡格雷片', 'drug', '盒', 87.2],
  ['rivaroxaban', 'XB01AF7365', '利伐沙班片', 'drug', '盒', 118.0],
  ['danshen_pill', 'XC01EB7359', '复方丹参滴丸', 'drug', '盒', 25.6],
  ['xuesaitong', 'XC01EB7360', '血塞通软胶囊', 'drug', '盒', 47.8],
  ['naoxintong', 'XC01EB7361', '脑心通胶囊', 'drug', '盒', 57.9],
  ['ginkgo_tab', 'XN06DX7370', '银杏叶提取物片', 'drug', '盒', 39.6],
  // ---- anti-infectives and respiratory
  ['amoxicillin', 'XJ01CA7321', '阿莫西林胶囊', 'drug', '盒', 11.8],
  ['cefaclor', 'XJ01DC7322', '头孢克洛缓释片', 'drug', '盒', 28.7],
  ['levofloxacin', 'XJ01MA7323', '左氧氟沙星片', 'drug', '盒', 23.9, { min: 18 }],
  ['ceftriaxone_iv', 'XJ01DD7324', '注射用头孢曲松钠', 'drug', '支', 17.6],
  ['azithro_iv', 'XJ01FA7325', '注射用阿奇霉素', 'drug', '支', 31.5],
  ['azithro_susp', 'XJ01FA7326', '阿奇霉素干混悬剂', 'drug', '盒', 25.4],
  ['ibuprofen_susp', 'XM01AE7327', '布洛芬混悬液', 'drug', '瓶', 17.8],
  ['kids_cold', 'XR05XA7328', '小儿氨酚黄那敏颗粒', 'drug', '盒', 13.6, { max: 14 }],
  ['oseltamivir', 'XJ05AH7329', '磷酸奥司他韦胶囊', 'drug', '盒', 76.5],
  ['oseltamivir_kid', 'XJ05AH7371', '磷酸奥司他韦颗粒', 'drug', '盒', 58.2, { max: 12 }],
  ['saline', 'XB05XA7330', '氯化钠注射液', 'drug', '袋', 4.9],
  ['glucose_iv', 'XB05BA7331', '葡萄糖注射液', 'drug', '袋', 5.6],
  ['licorice_syrup', 'XR05DA7332', '复方甘草口服溶液', 'drug', '瓶', 9.8],
  ['lianhua', 'XR05XB7372', '连花清瘟胶囊', 'drug', '盒', 26.4],
  ['ambroxol', 'XR05CB7335', '盐酸氨溴索口服溶液', 'drug', '瓶', 19.3],
  ['montelukast', 'XR03DC7336', '孟鲁司特钠咀嚼片', 'drug', '盒', 57.3],
  ['salmeterol_flut', 'XR03AK7337', '沙美特罗替卡松吸入粉雾剂', 'drug', '盒', 196.0],
  ['tiotropium', 'XR03BB7373', '噻托溴铵粉雾剂', 'drug', '盒', 142.0],
  ['budesonide_neb', 'XR03BA7374', '吸入用布地奈德混悬液', 'drug', '盒', 63.0],
  ['ors', 'XA07CA7375', '口服补液盐散', 'drug', '盒', 6.8],
  // ---- digestive, musculoskeletal, misc
  ['omeprazole', 'XA02BC7333', '奥美拉唑肠溶胶囊', 'drug', '盒', 18.7],
  ['smectite', 'XA07BC7334', '蒙脱石散', 'drug', '盒', 15.2],
  ['hydrotalcite', 'XA02AD7366', '铝碳酸镁咀嚼片', 'drug', '盒', 24.1],
  ['celecoxib', 'XM01AH7338', '塞来昔布胶囊', 'drug', '盒', 45.9],
  ['glucosamine', 'XM01AX7339', '硫酸氨基葡萄糖胶囊', 'drug', '盒', 67.4],
  ['calcitriol', 'XA11CC7340', '骨化三醇软胶囊', 'drug', '盒', 38.8],
  ['calcium_d3', 'XA12AX7341', '碳酸钙D3片', 'drug', '盒', 21.5],
  ['hydrocortisone_cream', 'XD07AB7376', '丁酸氢化可的松乳膏', 'drug', '支', 16.2],
  ['levo_eye', 'XS01AE7377', '左氧氟沙星滴眼液', 'drug', '支', 18.4],
  ['estazolam', 'XN05CD7381', '艾司唑仑片', 'drug', '盒', 8.6],
  ['levothyroxine', 'XH03AA7347', '左甲状腺素钠片', 'drug', '盒', 29.7],
  ['iron_oral', 'XB03AB7369', '蛋白琥珀酸铁口服溶液', 'drug', '盒', 44.5],
  // ---- sex-restricted drugs
  ['progesterone', 'XG03DA7342', '黄体酮软胶囊', 'drug', '盒', 63.8, { g: 'F' }],
  ['dydrogesterone', 'XG03DB7343', '地屈孕酮片', 'drug', '盒', 94.6, { g: 'F' }],
  ['folic_preg', 'XB03BB7344', '叶酸片(孕期)', 'drug', '盒', 12.5, { g: 'F' }],
  ['tamsulosin', 'XG04CA7345', '盐酸坦索罗辛缓释胶囊', 'drug', '盒', 55.7, { g: 'M' }],
  ['finasteride', 'XG04CB7346', '非那雄胺片', 'drug', '盒', 48.3, { g: 'M' }],
  // ---- nephrology / oncology
  ['epo', 'XB03XA7348', '重组人促红素注射液', 'drug', '支', 118.0],
  ['iron_sucrose', 'XB03AC7349', '蔗糖铁注射液', 'drug', '支', 86.0],
  ['heparin', 'XB01AB7378', '低分子肝素钙注射液', 'drug', '支', 32.0],
  ['paclitaxel', 'XL01CD7351', '注射用紫杉醇(白蛋白结合型)', 'drug', '支', 978.0],
  ['oxaliplatin', 'XL01XA7352', '奥沙利铂注射液', 'drug', '支', 856.0],
  ['capecitabine', 'XL01BC7353', '卡培他滨片', 'drug', '盒', 418.0],
  ['pemetrexed', 'XL01BA7379', '注射用培美曲塞二钠', 'drug', '支', 612.0],
  ['trastuzumab', 'XL01FD7354', '注射用曲妥珠单抗', 'drug', '支', 5480.0],
  ['osimertinib', 'XL01EB7355', '甲磺酸奥希替尼片', 'drug', '盒', 5105.0],
  ['palbociclib', 'XL01EF7380', '哌柏西利胶囊', 'drug', '盒', 2980.0],
  ['piperacillin', 'XJ01CR7382', '注射用哌拉西林钠他唑巴坦钠', 'drug', '支', 56.0],
  ['pantoprazole_iv', 'XA02BC7383', '注射用泮托拉唑钠', 'drug', '支', 26.5],
  ['ambroxol_iv', 'XR05CB7384', '注射用盐酸氨溴索', 'drug', '支', 34.0],
  ['potassium_iv', 'XB05XA7385', '氯化钾注射液', 'drug', '支', 2.1],
  ['edaravone', 'XN07XX7386', '依达拉奉注射液', 'drug', '支', 88.0],
  ['ondansetron', 'XA04AA7356', '盐酸昂丹司琼注射液', 'drug', '支', 24.0],
  // ---- high-margin "adjuvant" drugs
  ['salvianolate', 'XC01EB7357', '注射用丹参多酚酸盐', 'drug', '支', 127.5],
  ['ginkgo_inj', 'XN06DX7358', '银杏叶提取物注射液', 'drug', '支', 53.6],
  ['ngf', 'XN07XX7362', '注射用鼠神经生长因子', 'drug', '支', 258.0],
  ['thymalfasin', 'XL03AX7363', '注射用胸腺法新', 'drug', '支', 318.0],
  ['albumin', 'XB05AA7364', '人血白蛋白注射液', 'drug', '瓶', 418.0],
  // ---- exams
  ['blood_routine', '250110019', '血细胞分析(全血细胞计数)', 'exam', '次', 20.0],
  ['urine_routine', '250210007', '尿液常规检查', 'exam', '次', 15.0],
  ['liver_panel', '250305038', '肝功能组合测定', 'exam', '次', 62.0],
  ['renal_panel', '250307021', '肾功能组合测定', 'exam', '次', 36.0],
  ['lipid_panel', '250304019', '血脂四项测定', 'exam', '次', 42.0],
  ['fasting_glucose', '250302008', '空腹血糖测定', 'exam', '次', 8.0],
  ['hba1c', '250302027', '糖化血红蛋白测定', 'exam', '次', 65.0],
  ['crp', '250401033', 'C反应蛋白测定', 'exam', '次', 25.0],
  ['flu_antigen', '250403071', '甲型/乙型流感病毒抗原检测', 'exam', '次', 58.0],
  ['mp_antibody', '250403082', '肺炎支原体抗体测定', 'exam', '次', 45.0],
  ['thyroid_panel', '250309014', '甲状腺功能测定', 'exam', '次', 90.0],
  ['tumor_markers', '250404055', '肿瘤标志物组合测定', 'exam', '次', 176.0],
  ['electrolytes', '250306012', '血清电解质测定', 'exam', '次', 30.0],
  ['coagulation', '250203035', '凝血功能测定', 'exam', '次', 58.0],
  ['blood_gas', '250102011', '血气分析', 'exam', '次', 80.0],
  ['ecg', '220800004', '常规心电图检查', 'exam', '次', 25.0],
  ['chest_xray', '210102015', '胸部X线摄影', 'exam', '次', 60.0],
  ['dr_xray', '210102021', '数字化X线摄影(DR)', 'exam', '次', 75.0],
  ['ultrasound', '220301012', '彩色多普勒超声检查', 'exam', '次', 118.0],
  ['ct_plain', '210300007', 'X线计算机体层(CT)平扫', 'exam', '次', 276.0, { lvl: 'secondary' }],
  ['ct_enhanced', '210300021', 'X线计算机体层(CT)增强扫描', 'exam', '次', 548.0, { lvl: 'secondary' }],
  ['mri_plain', '210500011', '磁共振(MRI)平扫', 'exam', '次', 618.0, { lvl: 'secondary' }],
  ['pet_ct', '230600002', '正电子发射计算机断层显像(PET-CT)', 'exam', '次', 7800.0, { lvl: 'tertiary' }],
  ['gastroscopy', '310701019', '电子胃镜检查', 'exam', '次', 298.0, { lvl: 'secondary' }],
  ['bone_density', '220900005', '双能X线骨密度测定', 'exam', '次', 96.0],
  ['prenatal_us', '220302018', '产前超声筛查', 'exam', '次', 238.0, { g: 'F' }],
  ['fetal_monitor', '311201036', '胎心监护', 'exam', '次', 30.0, { g: 'F' }],
  ['cervical_cyto', '250903006', '宫颈液基细胞学检查', 'exam', '次', 148.0, { g: 'F' }],
  ['psa', '250404061', '前列腺特异性抗原测定', 'exam', '次', 72.0, { g: 'M' }],
  ['child_growth', '311100013', '儿童生长发育评估', 'exam', '次', 35.0, { max: 14 }],
  ['neonatal_hearing', '311100021', '新生儿听力筛查', 'exam', '次', 60.0, { max: 1 }],
  // ---- treatments and services
  ['consult_gp', '110200003', '普通门诊诊查费', 'treatment', '次', 12.0],
  ['consult_senior', '110200005', '副主任医师门诊诊查费', 'treatment', '次', 30.0],
  ['consult_chief', '110200006', '主任医师门诊诊查费', 'treatment', '次', 50.0],
  ['consult_er', '110200011', '急诊诊查费', 'treatment', '次', 20.0],
  ['ward_consult', '110900001', '住院诊查费', 'treatment', '日', 20.0],
  ['nursing', '120100004', '二级护理', 'treatment', '日', 24.0],
  ['iv_drip', '120400006', '静脉输液', 'treatment', '次', 12.0],
  ['im_injection', '120400002', '肌肉注射', 'treatment', '次', 5.0],
  ['nebulization', '120400011', '雾化吸入', 'treatment', '次', 10.0],
  ['chemo_admin', '120400019', '静脉注射化疗药物', 'treatment', '次', 45.0],
  ['ecg_monitor', '310701023', '心电监测', 'treatment', '小时', 4.0],
  ['anesthesia', '330100005', '全身麻醉', 'treatment', '次', 1180.0, { lvl: 'secondary' }],
  ['oxygen', '120800001', '吸氧', 'treatment', '小时', 3.0],
  ['dressing', '120600005', '换药', 'treatment', '次', 20.0],
  ['suture', '120600002', '清创缝合', 'treatment', '次', 80.0],
  ['acupuncture', '451200018', '普通针刺', 'treatment', '次', 35.0],
  ['tuina', '451300003', '推拿治疗', 'treatment', '次', 45.0],
  ['moxibustion', '451100007', '艾灸', 'treatment', '次', 25.0],
  ['cupping', '451400002', '拔罐', 'treatment', '次', 15.0],
  ['tens', '340200012', '中频脉冲电治疗', 'treatment', '次', 20.0],
  ['hemiplegia_training', '340200027', '偏瘫肢体综合训练', 'treatment', '次', 60.0],
  ['exercise_therapy', '340200025', '运动疗法', 'treatment', '次', 55.0],
  ['occupational_therapy', '340200030', '作业疗法', 'treatment', '次', 40.0],
  ['hemodialysis', '311000007', '血液透析', 'treatment', '次', 410.0],
  ['hemodiafiltration', '311000008', '血液透析滤过', 'treatment', '次', 545.0],
  ['vaginal_delivery', '331300006', '单胎顺产接生', 'treatment', '次', 780.0, { g: 'F' }],
  ['cesarean', '331300014', '剖宫产术', 'treatment', '次', 2450.0, { g: 'F', lvl: 'secondary' }],
  ['fracture_reduction', '331500012', '骨折闭合复位术', 'treatment', '次', 580.0, { lvl: 'secondary' }],
  ['orif', '331500031', '骨折切开复位内固定术', 'treatment', '次', 2860.0, { lvl: 'secondary' }],
  ['appendectomy', '331003014', '阑尾切除术', 'treatment', '次', 1280.0, { lvl: 'secondary' }],
  // ---- materials and beds
  ['infusion_set', 'C03010015', '一次性使用输液器', 'material', '套', 3.5],
  ['iv_cannula', 'C03010132', '静脉留置针', 'material', '支', 12.0],
  ['dialyzer', 'C06120001', '血液透析器', 'material', '支', 148.0],
  ['chemo_pump', 'C03130017', '一次性化疗输液泵', 'material', '个', 258.0],
  ['bone_plate', 'C13050027', '骨科内固定钢板', 'material', '套', 4780.0],
  ['bed_general', 'B11000013', '普通病房床位费', 'bed', '日', 42.0],
  ['bed_double', 'B11000021', '双人间病房床位费', 'bed', '日', 65.0],
  ['bed_icu', 'B11000048', '重症监护病床床位费', 'bed', '日', 218.0],
];

export const ITEMS: Item[] = ROWS.map(([key, code, name, category, unit, price, extra], idx) => ({
  idx,
  key,
  code,
  name,
  category,
  unit,
  price: Math.round(price * 100),
  gender: extra?.g ?? '',
  minAge: extra?.min ?? null,
  maxAge: extra?.max ?? null,
  minLevel: extra?.lvl ?? '',
  tracePrefix: category === 'drug' ? String(8100000 + ((idx * 7919 + 113) % 899999)).slice(0, 7) : '',
}));

const BY_KEY = new Map(ITEMS.map((i) => [i.key, i]));

export function item(key: string): Item {
  const it = BY_KEY.get(key);
  if (!it) throw new Error(`unknown item key ${key}`);
  return it;
}

/** Drugs only ever dispensed by the specialty (DTP) pharmacy of the dtp look-alike. */
export const DTP_ONLY = new Set(['osimertinib', 'palbociclib']);

export interface Diagnosis {
  key: string;
  code: string;
  name: string;
}

const DX_ROWS: Array<[string, string, string]> = [
  ['urti', 'J06.9', '急性上呼吸道感染'],
  ['flu', 'J11.1', '流行性感冒'],
  ['bronchitis', 'J20.9', '急性支气管炎'],
  ['pneumonia', 'J18.9', '肺炎'],
  ['mp_pneumonia', 'J15.7', '肺炎支原体肺炎'],
  ['asthma', 'J45.9', '哮喘'],
  ['copd', 'J44.1', '慢性阻塞性肺疾病伴急性加重'],
  ['copd_stable', 'J44.9', '慢性阻塞性肺疾病'],
  ['t2dm', 'E11.9', '2型糖尿病'],
  ['t2dm_neuro', 'E11.4', '2型糖尿病伴神经并发症'],
  ['t2dm_renal', 'E11.2', '2型糖尿病伴肾并发症'],
  ['htn', 'I10', '原发性高血压'],
  ['hyperlipid', 'E78.5', '高脂血症'],
  ['chd', 'I25.1', '动脉硬化性心脏病'],
  ['angina', 'I20.0', '不稳定性心绞痛'],
  ['cerebral_insuff', 'I67.8', '脑供血不足'],
  ['stroke', 'I63.9', '脑梗死'],
  ['stroke_sequela', 'I69.3', '脑梗死后遗症'],
  ['oa_knee', 'M17.9', '膝关节病'],
  ['lbp', 'M54.5', '腰痛'],
  ['lumbar_disc', 'M51.2', '腰椎间盘移位'],
  ['cervical_spondylosis', 'M47.8', '颈椎病'],
  ['osteoporosis', 'M81.9', '骨质疏松'],
  ['gastritis', 'K29.7', '胃炎'],
  ['gerd', 'K21.9', '胃食管反流病'],
  ['diarrhea', 'A09', '感染性腹泻'],
  ['norovirus', 'A08.1', '诺如病毒性肠炎'],
  ['appendicitis', 'K35.8', '急性阑尾炎'],
  ['dermatitis', 'L30.9', '皮炎'],
  ['conjunctivitis', 'H10.9', '结膜炎'],
  ['hypothyroid', 'E03.9', '甲状腺功能减退症'],
  ['bph', 'N40', '前列腺增生'],
  ['ckd5', 'N18.5', '慢性肾脏病5期'],
  ['lung_ca', 'C34.9', '支气管和肺恶性肿瘤'],
  ['breast_ca', 'C50.9', '乳房恶性肿瘤'],
  ['colon_ca', 'C18.9', '结肠恶性肿瘤'],
  ['gastric_ca', 'C16.9', '胃恶性肿瘤'],
  ['chemo', 'Z51.1', '肿瘤化学治疗疗程'],
  ['pregnancy', 'Z34.9', '正常妊娠监督'],
  ['delivery', 'O80.0', '单胎顺产'],
  ['cesarean_dx', 'O82.0', '经选择性剖宫产术的分娩'],
  ['femur_fx', 'S72.0', '股骨颈骨折'],
  ['leg_fx', 'S82.8', '小腿其他部位骨折'],
  ['wrist_fx', 'S52.5', '桡骨下端骨折'],
  ['checkup', 'Z00.0', '一般医学检查'],
  ['headache', 'R51', '头痛'],
  ['anemia', 'D64.9', '贫血'],
  ['insomnia', 'G47.0', '失眠'],
  ['vertigo', 'H81.1', '良性阵发性眩晕'],
];

export const DIAGNOSES: Diagnosis[] = DX_ROWS.map(([key, code, name]) => ({ key, code, name }));
const DX_BY_KEY = new Map(DIAGNOSES.map((d) => [d.key, d]));

export function dx(key: string): Diagnosis {
  const d = DX_BY_KEY.get(key);
  if (!d) throw new Error(`unknown diagnosis key ${key}`);
  return d;
}
