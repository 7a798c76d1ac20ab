import type { EntityType } from './case-bundle.ts';
import type { LinkType } from './package-model.ts';

/** Words the package prints, in Chinese and English; the report language picks one column. */

export type Lang = 'zh' | 'en';
type Dict = Record<string, { zh: string; en: string }>;

export const FAMILY: Dict = {
  'card-lending': { zh: '出借、冒用医保卡', en: 'Card lending / impersonation' },
  'card-farming': { zh: '集中刷卡、套刷', en: 'Card farming' },
  kickback: { zh: '医药勾结（回扣）', en: 'Doctor–pharmacy kickbacks' },
  'recruited-patients': { zh: '虚假就医、组团就医', en: 'Recruited fake patients' },
  'split-hospitalization': { zh: '分解住院', en: 'Split hospitalization' },
  'over-treatment': { zh: '频繁就医、过度诊疗', en: 'Frequent visits / over-treatment' },
  'trace-code-reuse': { zh: '药品追溯码重复结算', en: 'Drug trace-code reuse' },
  'code-mismatch': { zh: '对码错误、串换项目', en: 'Code mismatch / item substitution' },
};

/** The family names in one language, keyed by family: the workbench's catalogue takes them from here. */
export function familyNames(lang: Lang): Record<string, string> {
  return Object.fromEntries(Object.entries(FAMILY).map(([family, words]) => [family, words[lang]]));
}

export const ROLE: Dict = {
  organizer: { zh: '组织者', en: 'organizer' },
  'recruited-patient': { zh: '被招募患者', en: 'recruited patient' },
  patient: { zh: '患者', en: 'patient' },
  user: { zh: '冒用人', en: 'card user' },
  'card-holder': { zh: '持卡人', en: 'card holder' },
  'lent-card': { zh: '出借卡', en: 'lent card' },
  'farmed-card': { zh: '被套刷卡', en: 'farmed card' },
  doctor: { zh: '医生', en: 'doctor' },
  prescriber: { zh: '开方医生', en: 'prescriber' },
  pharmacy: { zh: '药店', en: 'pharmacy' },
  clinic: { zh: '诊所', en: 'clinic' },
  institution: { zh: '医疗机构', en: 'institution' },
  'farming-institution': { zh: '套刷机构', en: 'farming institution' },
  member: { zh: '成员', en: 'member' },
};

export const ENTITY: Record<EntityType, { zh: string; en: string }> = {
  person: { zh: '参保人', en: 'Insured person' },
  card: { zh: '医保卡', en: 'Card' },
  doctor: { zh: '医生', en: 'Doctor' },
  institution: { zh: '医药机构', en: 'Institution' },
};

export const LINK: Record<LinkType, { zh: string; en: string }> = {
  holds: { zh: '持有', en: 'holds' },
  used: { zh: '使用', en: 'used' },
  'settled-at': { zh: '结算于', en: 'settled at' },
  visited: { zh: '就诊/购药', en: 'visited' },
  treated: { zh: '诊治', en: 'treated' },
  'prescribed-to': { zh: '处方流向', en: 'prescriptions filled at' },
  'works-at': { zh: '执业于', en: 'works at' },
};

export const CLAIM_KIND: Dict = {
  outpatient: { zh: '门诊', en: 'outpatient' },
  inpatient: { zh: '住院', en: 'inpatient' },
  pharmacy: { zh: '药店购药', en: 'pharmacy' },
};

export const INSTITUTION_KIND: Dict = {
  hospital: { zh: '医院', en: 'hospital' },
  clinic: { zh: '诊所', en: 'clinic' },
  pharmacy: { zh: '药店', en: 'pharmacy' },
};

export const CASE_STATUS: Dict = {
  new: { zh: '新建', en: 'new' },
  investigating: { zh: '调查中', en: 'investigating' },
  confirmed: { zh: '已确认', en: 'confirmed' },
  dismissed: { zh: '已排除', en: 'dismissed' },
  referred: { zh: '已移送', en: 'referred' },
  closed: { zh: '已结案', en: 'closed' },
};

/** the workbench's user roles (access/roles.ts) */
export const USER_ROLE: Dict = {
  admin: { zh: '管理员', en: 'administrator' },
  supervisor: { zh: '主管', en: 'supervisor' },
  investigator: { zh: '稽核人员', en: 'investigator' },
  liaison: { zh: '公安联络员', en: 'police liaison' },
};

export const GENDER: Dict = { M: { zh: '男', en: 'male' }, F: { zh: '女', en: 'female' }, male: { zh: '男', en: 'male' }, female: { zh: '女', en: 'female' } };

export const INSTITUTION_LEVEL: Dict = {
  none: { zh: '未定级', en: 'unrated' },
  unrated: { zh: '未定级', en: 'unrated' },
  primary: { zh: '一级', en: 'primary' },
  secondary: { zh: '二级', en: 'secondary' },
  tertiary: { zh: '三级', en: 'tertiary' },
};

export const IDENTITY_CHECK: Dict = {
  face: { zh: '人脸核验', en: 'face check' },
  real_name: { zh: '实名核验', en: 'real-name check' },
  none: { zh: '未核验', en: 'no check' },
};

export const CARD_TYPE: Dict = { physical: { zh: '实体卡', en: 'physical card' }, e_voucher: { zh: '医保电子凭证', en: 'e-voucher' } };

export const ITEM_CATEGORY: Dict = {
  drug: { zh: '药品', en: 'drug' },
  exam: { zh: '检查检验', en: 'examination' },
  treatment: { zh: '诊疗', en: 'treatment' },
  material: { zh: '医用耗材', en: 'medical supplies' },
  bed: { zh: '床位', en: 'bed' },
};

export const INSURED_TYPE: Dict = { employee: { zh: '职工医保', en: 'employee insurance' }, resident: { zh: '居民医保', en: 'resident insurance' } };

/** An entity's kind column: an institution's kind, a card's type, a person's insurance. */
export const kindWord = (type: EntityType, kind: string | null | undefined, lang: Lang): string =>
  say(type === 'institution' ? INSTITUTION_KIND : type === 'card' ? CARD_TYPE : type === 'person' ? INSURED_TYPE : {}, kind, lang);

/** The word for a code, or the code itself when the dictionary does not know it. */
export const say = (dict: Dict, code: string | null | undefined, lang: Lang): string => (code == null ? '' : (dict[code]?.[lang] ?? code));
