import type { Evidence } from '../algorithms/detectors/types.ts';

/**
 * Evidence sentences in Chinese and English, one template per evidence key, filled with the numbers
 * the detector measured. Investigators read these first, so every number in them is a fact of the data.
 */

type Facts = Evidence['facts'];
type Template = (f: Facts) => string;

const LEVEL_ZH: Record<string, string> = { tertiary: '三级', secondary: '二级', primary: '一级', unrated: '未定级' };

const peer = (x: number | string | undefined, none: string) => (typeof x === 'number' && x >= 0 ? String(x) : none);

/** A unit's share of flagged patients against its peers' (concentration.ts), with the pattern named. */
function CONCENTRATION(zh: string, en: string): { zh: Template; en: Template } {
  return {
    zh: (f) => `${f.unit} 的 ${f.atRisk} 名${f.atRiskItem ? `做过${f.atRiskItem}的患者` : f.atRiskDiagnosis ? `因${f.atRiskDiagnosis}住院的患者` : f.atRiskInpatients ? '住院患者' : '患者'}中 ${f.flagged} 名（${f.percent}%）${zh}；同类同行仅 ${f.peerPercent}%（预期约 ${f.expected} 名，p≈1e${f.log10P}）；涉及医生：${f.doctors}`,
    en: (f) => `${f.flagged} of ${f.atRisk} ${f.atRiskItem ? `patients billed ${f.atRiskItem} by` : f.atRiskDiagnosis ? `patients admitted for ${f.atRiskDiagnosis} by` : f.atRiskInpatients ? 'inpatients of' : 'patients of'} ${f.unit} (${f.percent}%) ${en}, against ${f.peerPercent}% among peers (about ${f.expected} expected, p≈1e${f.log10P}); doctors: ${f.doctors}`,
  };
}

const TEMPLATES: Record<string, { zh: Template; en: Template }> = {
  'recruited.together': {
    zh: (f) => `${f.patients} 名患者在 ${f.days} 个不同日期一同到 ${f.institution} 就诊（平均每次 ${f.averageGroup} 人）`,
    en: (f) => `${f.patients} patients visited ${f.institution} together on ${f.days} distinct days (${f.averageGroup} per visit on average)`,
  },
  'recruited.trips': {
    zh: (f) => `${f.patients} 名患者在 ${f.trips} 次（${f.days} 天）结伴到 ${f.institution} 就诊，每次约 ${f.averageGroup} 人在 ${f.minutes} 分钟内先后结算，远比该机构平日的就诊集中（p≈1e-${f.log10P}）`,
    en: (f) => `${f.patients} patients came to ${f.institution} together on ${f.trips} trips (${f.days} days): about ${f.averageGroup} of them settled within ${f.minutes} minutes each time, far tighter than the institution's own traffic (p≈1e-${f.log10P})`,
  },
  'recruited.swamp': {
    zh: (f) => `${f.patients} 名患者在 ${f.trips} 次（共 ${f.days} 天，每次前后约 ${f.spanDays} 天）到 ${f.institution} 就诊或入院，每次约 ${f.averageGroup} 人，远多于该机构同样天数里从其他人那里所见，也远多于他们各自的就诊频率所能带来的（p≈1e-${f.log10P}）`,
    en: (f) => `${f.patients} patients came to ${f.institution} on ${f.trips} trips (${f.days} days, each spread over about ${f.spanDays} days), about ${f.averageGroup} of them each time: far more visits or admissions than the institution sees from everybody else in as many days, and than their own pace brings (p≈1e-${f.log10P})`,
  },
  'recruited.coinciding': {
    zh: (f) => `${f.patients} 名患者在 ${f.trips} 次（共 ${f.days} 天，每次前后约 ${f.spanDays} 天）到 ${f.institution} 就诊，每次约 ${f.averageGroup} 人；他们平时很少来，却一再落在同几天里，按各自的就诊频率和该机构的忙闲远非巧合（p≈1e-${f.log10P}）`,
    en: (f) => `${f.patients} patients came to ${f.institution} on ${f.trips} trips (${f.days} days, each spread over about ${f.spanDays} days), about ${f.averageGroup} of them each time: people who rarely come there, whose visits kept falling in the same few days, far beyond what their own pace and the institution's busy days make likely (p≈1e-${f.log10P})`,
  },
  'recruited.similar-items': {
    zh: (f) => `这些就诊中 ${f.percent}% 的项目组合几乎相同，而同期该机构其他患者仅 ${f.baseline}%（共 ${f.claims} 笔结算）`,
    en: (f) => `${f.percent}% of those ${f.claims} settlements bill nearly the same item combination, against ${f.baseline}% of the institution's other patients those days`,
  },
  'recruited.similar-amounts': {
    zh: (f) => `${f.percent}% 的结算金额与每次的中位数相差不到 10%，同期其他患者仅 ${f.baseline}%`,
    en: (f) => `${f.percent}% of the settlements are within 10% of each trip's median amount, against ${f.baseline}% of the institution's other patients`,
  },
  'recruited.same-origin': {
    zh: (f) => `其中 ${f.percent}% 的患者户籍同在 ${f.county} 开头的区县，而 ${f.institution} 的其他患者只有 ${f.baseline}% 来自该地`,
    en: (f) => `${f.percent}% of them are registered in the same county (${f.county}), against ${f.baseline}% of ${f.institution}'s other patients`,
  },
  'recruited.same-items': {
    zh: (f) => `这些就诊中 ${f.percent}% 的项目组合完全相同（共 ${f.claims} 笔结算）`,
    en: (f) => `${f.percent}% of those ${f.claims} settlements bill the identical item combination`,
  },
  'recruited.same-amounts': {
    zh: (f) => `同一天的结算金额几乎一致（变异系数 ${f.cvPercent}%）`,
    en: (f) => `amounts on the same day are nearly identical (coefficient of variation ${f.cvPercent}%)`,
  },
  'recruited.identity-checked': {
    zh: (f) => `${f.percent}% 的结算经过实名或人脸核验，患者本人到场`,
    en: (f) => `${f.percent}% of the settlements passed a real-name or face check: the patients were there in person`,
  },
  'farming.bursts': {
    zh: (f) => `${f.cards} 张医保卡在 ${f.institution} 被连续集中刷卡 ${f.bursts} 次（每次平均覆盖 ${f.coveragePercent}% 的卡）`,
    en: (f) => `${f.cards} cards were swiped one after another at ${f.institution} in ${f.bursts} bursts (each burst covering ${f.coveragePercent}% of them on average)`,
  },
  'farming.sessions': {
    zh: (f) => `${f.cards} 张医保卡在 ${f.institution} 反复被集中连续刷卡：${f.sessions} 个不同日期，每次约 ${f.perSession} 张卡在 ${f.minutes} 分钟内刷完，远比该机构平日的客流集中（p≈1e-${f.log10P}）`,
    en: (f) => `${f.cards} cards were swiped in runs at ${f.institution} again and again: on ${f.sessions} distinct days about ${f.perSession} of them within ${f.minutes} minutes, far tighter than the counter's own traffic (p≈1e-${f.log10P})`,
  },
  'farming.similar-amounts': {
    zh: (f) => `这些刷卡的结算金额相近（变异系数 ${f.cvPercent}%）`,
    en: (f) => `the swipes settle similar amounts (coefficient of variation ${f.cvPercent}%)`,
  },
  'farming.off-hours': {
    zh: (f) => `${f.percent}% 的刷卡发生在 21 点后或 8 点前（共 ${f.claims} 笔）`,
    en: (f) => `${f.percent}% of the ${f.claims} swipes happened before 8:00 or after 21:00`,
  },
  'farming.recurring-days': {
    zh: (f) => `${f.cards} 张卡在 ${f.trips} 次（${f.days} 天）里一同在 ${f.institution} 结算，每次约 ${f.averageGroup} 张，远非偶然所能解释（p≈1e-${f.log10P}）`,
    en: (f) => `${f.cards} cards were settled together at ${f.institution} on ${f.trips} occasions (${f.days} days), about ${f.averageGroup} each time, far more often together than chance explains (p≈1e-${f.log10P})`,
  },
  'farming.absent-holders': {
    zh: (f) => `这些结算 ${f.claims} 笔中仅 ${f.facePercent}% 通过人脸核验、${f.checkedPercent}% 有任何身份核验，而该机构其他结算分别为 ${f.institutionFacePercent}% 和 ${f.institutionCheckedPercent}%（p≈1e-${f.log10P}）：持卡人本人未到场`,
    en: (f) => `of these ${f.claims} settlements only ${f.facePercent}% passed a face check and ${f.checkedPercent}% any identity check, against ${f.institutionFacePercent}% and ${f.institutionCheckedPercent}% of the institution's others (p≈1e-${f.log10P}): the holders were not there`,
  },
  'farming.no-face-check': {
    zh: (f) => `${f.percent}% 的结算没有人脸核验（持卡人是否到场无从证明）`,
    en: (f) => `${f.percent}% of the settlements had no face check (nothing shows the holders were there)`,
  },
  'farming.no-identity-check': {
    zh: (f) => `${f.percent}% 的结算没有实名或人脸核验`,
    en: (f) => `${f.percent}% of the settlements had no real-name or face check`,
  },
  'lending.stranger-recipients': {
    zh: (f) => `${f.cards} 张卡被非本人、非家庭成员使用，核验记录显示 ${f.users} 名使用人，共 ${f.claims} 笔`,
    en: (f) => `${f.cards} cards were used by people outside the holder's household: identity checks recorded ${f.users} users on ${f.claims} settlements`,
  },
  'lending.kin-by-name-only': {
    zh: (f) => `另有 ${f.cards} 张卡的核验记录显示上述使用人，共 ${f.claims} 笔；使用人与持卡人仅姓氏、年龄相符，户籍、住址均无关联，不足以认定为家庭共济`,
    en: (f) => `${f.cards} more cards recorded the same users on ${f.claims} settlements; the users match those holders only by surname and age, nothing in the registry or the addresses links them, which does not make them family mutual aid`,
  },
  'lending.contradicting-items': {
    zh: (f) => `${f.claims} 笔结算的药品、项目或诊断与持卡人的性别或年龄不符`,
    en: (f) => `${f.claims} settlements bill items or diagnoses that contradict the card holder's gender or age`,
  },
  'lending.impossible-travel': {
    zh: (f) => `${f.claims} 笔结算与同卡前后结算相距过远，时间内无法到达`,
    en: (f) => `${f.claims} settlements are too far from the card's previous or next one to travel in the time between`,
  },
  'lending.during-stay': {
    zh: (f) => `持卡人住院期间，卡在院外药店结算 ${f.claims} 笔`,
    en: (f) => `${f.claims} pharmacy purchases on the card while its holder was an inpatient elsewhere`,
  },
  'lending.other-region': {
    zh: (f) => `${f.claims} 笔结算发生在持卡人参保地以外的统筹区，且未核验使用人`,
    en: (f) => `${f.claims} settlements in another pooling region than the holder's, with nobody's identity checked`,
  },
  'lending.presented-together': {
    zh: (f) => `${f.cards} 张医保卡在 ${f.institution} 被分批使用：${f.days} 天里每天有几张卡前后紧挨着结算（中位每天 ${f.perDay} 张），远比该机构平日的客流集中，但只有 ${f.sessions} 天像集中刷卡——更像有人持多张他人的卡逐次购药；${f.unrecordedPercent}% 的结算未登记使用人`,
    en: (f) => `${f.cards} cards were used a few at a time at ${f.institution}: on ${f.days} days some of them were settled one right after the other (median ${f.perDay} a day), far more often together than the counter's traffic explains, yet on only ${f.sessions} of those days all at once — someone presenting several other people's cards, visit after visit; ${f.unrecordedPercent}% of the settlements recorded nobody as served`,
  },
  'lending.travelling-cards': {
    zh: (f) => `同一批卡还在另外 ${f.counters} 家机构（${f.institutions}）被前后紧挨着结算，共 ${f.days} 天——机构集中刷卡时卡留在本机构，卡随人到多家机构，说明是有人持他人的卡购药`,
    en: (f) => `the same cards were also settled one right after the other at ${f.counters} other counters (${f.institutions}) on ${f.days} days — a counter farming cards keeps them at its counter; cards that travel together are in someone's pocket`,
  },
  'lending.shared-counters': {
    zh: (f) => `这 ${f.cards} 张卡集中在 ${f.institutions} 使用`,
    en: (f) => `the ${f.cards} cards are used at the same counters: ${f.institutions}`,
  },
  'kickback.flow': {
    zh: (f) => `${f.from} 至 ${f.to}，${f.doctor} 的 ${f.doctorPatients} 名外配处方患者中有 ${f.patients} 名到 ${f.pharmacy} 取药（且平时不在该药店自行购药），按同科室/同院医生的常态（${f.peerSharePercent}%）仅应约 ${f.expected} 名（${f.lift} 倍，p≈1e${f.log10P}）；其中 ${f.unvisited} 名取药前 30 天内未见过该医生（该医生在其他药店的常态为 ${f.unvisitedRatePercent}%）${f.product ? `；${f.productPatients} 名取的是${f.product}，而该医生在其他药店的患者、该药店其他医生的患者中仅约 ${f.productRatePercent}% 取此药` : ''}`,
    en: (f) => `from ${f.from} to ${f.to}, ${f.patients} of ${f.doctor}'s ${f.doctorPatients} external-prescription patients filled at ${f.pharmacy} (and do not shop there otherwise), where the doctor's peers' share (${f.peerSharePercent}%) predicts about ${f.expected} (${f.lift}×, p≈1e${f.log10P}); ${f.unvisited} of them had not seen the doctor in the 30 days before (${f.unvisitedRatePercent}% at the doctor's other pharmacies)${f.product ? `; ${f.productPatients} of them were given ${f.product}, which about ${f.productRatePercent}% of the doctor's patients elsewhere and of the pharmacy's other prescribers' patients get` : ''}`,
  },
  'kickback.product': {
    zh: (f) => `${f.from} 至 ${f.to}，${f.pharmacy} 的 ${f.pharmacyPatients} 名处方取药患者中有 ${f.patients} 名取了${f.product}；按本区其他药店同期、该药店其他月份、以及开方医生在其他药店的患者的常态（${f.ratePercent}%）仅应约 ${f.expected} 名（${f.lift} 倍，p≈1e${f.log10P}）；开方医生（取此药患者数/在该药店取药患者数）：${f.doctors}`,
    en: (f) => `from ${f.from} to ${f.to}, ${f.patients} of ${f.pharmacy}'s ${f.pharmacyPatients} prescription patients were given ${f.product}, where the region's other pharmacies in those months, this pharmacy in its other months and the prescribers' patients elsewhere (${f.ratePercent}%) predict about ${f.expected} (${f.lift}×, p≈1e${f.log10P}); prescribers (patients given it / their patients there): ${f.doctors}`,
  },
  'kickback.patients': {
    zh: (f) => `${f.patients} 名患者携带这些处方，共 ${f.fills} 次取药，其中 ${f.unvisited} 名取药前未就诊`,
    en: (f) => `${f.patients} patients carried these prescriptions, ${f.fills} fills in all; ${f.unvisited} of them without a visit to the prescriber`,
  },
  'split.readmissions': {
    zh: (f) => `${f.patients} 名患者在 ${f.institution} 出院后 ${f.maxGapDays} 天内因同一疾病再次入院，共 ${f.readmissions} 次${f.medianGapDays !== undefined ? `（出院至再入院中位 ${f.medianGapDays} 天）` : ''}`,
    en: (f) => `${f.patients} patients were readmitted to ${f.institution} for the same condition within ${f.maxGapDays} days of discharge, ${f.readmissions} times in all${f.medianGapDays !== undefined ? ` (median ${f.medianGapDays} days from discharge to readmission)` : ''}`,
  },
  'split.same-doctor': {
    zh: (f) => `前后住院均由同一医生收治：${f.doctors}`,
    en: (f) => `the same doctor admitted each stay: ${f.doctors}`,
  },
  'over-treatment.frequent': {
    zh: (f) => `${f.patients} 名患者在 ${f.institution} 每隔不超过 ${f.maxMedianGapDays} 天就诊一次，共 ${f.visits} 次（人均 ${f.perPatient} 次）`,
    en: (f) => `${f.patients} patients visited ${f.institution} every ${f.maxMedianGapDays} days or less, ${f.visits} visits in all (${f.perPatient} each)`,
  },
  'over-treatment.repeated-exams': {
    zh: (f) => `同样的检查治疗每次重复开具，其中糖化血红蛋白检测 ${f.hba1c} 次`,
    en: (f) => `the same exams and treatments are repeated at every visit, HbA1c tested ${f.hba1c} times`,
  },
  'code-mismatch.items': {
    zh: (f) => `${f.institution}（${LEVEL_ZH[String(f.level)] ?? f.level}）为 ${f.patients} 名患者结算了 ${f.claims} 笔不应由其收费或与患者不符的项目（超级别 ${f.aboveLevel} 笔，与性别/年龄不符 ${f.contradicting} 笔），主要为 ${f.items}`,
    en: (f) => `${f.institution} (${f.level} level) billed ${f.claims} settlements for ${f.patients} patients with items it may not bill or that contradict the patient (${f.aboveLevel} above its level, ${f.contradicting} against gender/age), mostly ${f.items}`,
  },
  'split.concentration': CONCENTRATION('因同一疾病 15 天内再次入院', 'readmitted for the same condition within 15 days'),
  'split.departments': {
    zh: (f) => `涉及科室：${f.departments}；收治医生：${f.doctors}`,
    en: (f) => `departments involved: ${f.departments}; admitting doctors: ${f.doctors}`,
  },
  'over-treatment.item-guideline': {
    zh: (f) => `${f.patients} 名患者的${f.item}平均每年 ${f.perYear} 次；诊疗指南每年不超过 ${f.guideline} 次；同项目患者的第 95 百分位为每年 ${peer(f.peerPerYear, '—')} 次`,
    en: (f) => `${f.item} ${f.perYear} times a year on average for ${f.patients} patients; guideline ${f.guideline}; peers' 95th percentile ${peer(f.peerPerYear, 'n/a')}`,
  },
  'over-treatment.item-peers': {
    zh: (f) => `${f.patients} 名患者的${f.item}平均每年 ${f.perYear} 次；同项目患者的第 95 百分位为每年 ${peer(f.peerPerYear, '—')} 次`,
    en: (f) => `${f.item} ${f.perYear} times a year on average for ${f.patients} patients; peers' 95th percentile ${peer(f.peerPerYear, 'n/a')}`,
  },
  'over-treatment.habit': {
    zh: (f) => `${f.doctor} 接诊${f.diagnosis}患者的 ${f.visits} 次就诊中 ${f.withItem} 次开具${f.item}（${f.percent}%），同级别机构同诊断就诊为 ${f.peerPercent}%；其中 ${f.patients} 名患者反复开具（p≈1e${f.log10P}）`,
    en: (f) => `${f.doctor} ordered ${f.item} at ${f.withItem} of ${f.visits} visits for ${f.diagnosis} (${f.percent}%) where peers at institutions of the same level order it at ${f.peerPercent}%; ${f.patients} patients got it again and again (p≈1e${f.log10P})`,
  },
  'over-treatment.visits': {
    zh: (f) => `${f.patients} 名患者在 ${f.institution} 平均每年就诊 ${f.perYear} 次（不含计划性治疗）；同诊断患者的第 95 百分位为每年 ${peer(f.peerPerYear, '—')} 次，每周一次的常规复诊为每年 ${f.routinePerYear} 次`,
    en: (f) => `${f.patients} patients visited ${f.institution} ${f.perYear} times a year on average (planned care excluded); the same diagnosis's 95th percentile is ${peer(f.peerPerYear, 'n/a')}, a weekly routine ${f.routinePerYear}`,
  },
  'over-treatment.long-stays': {
    zh: (f) => `${f.patients} 名患者的 ${f.stays} 次住院明显长于同诊断住院（中位 ${f.medianDays} 天，同诊断中位 ${f.peerMedianDays} 天）`,
    en: (f) => `${f.stays} stays of ${f.patients} patients far longer than the same diagnosis's stays (median ${f.medianDays} days against ${f.peerMedianDays})`,
  },
  'over-treatment.concentration': CONCENTRATION('被过度诊疗', 'over-treated'),
  'code-mismatch.concentration': CONCENTRATION('被结算不应收费或与患者不符的项目', 'billed items the institution may not bill or that contradict them'),
  'trace.reused': {
    zh: (f) => `${f.codes} 个药品追溯码被重复结算 ${f.settlements} 次，涉及 ${f.pharmacies} 家药店：${f.names}（例：${f.example}）`,
    en: (f) => `${f.codes} drug traceability codes were settled ${f.settlements} times across ${f.pharmacies} pharmacies: ${f.names} (e.g. ${f.example})`,
  },
  'trace.buyers': {
    zh: (f) => `${f.buyers} 名参保人名下结算了这些重复追溯码`,
    en: (f) => `${f.buyers} insured people had these reused codes settled on their cards`,
  },
};

export function evidenceText(e: Pick<Evidence, 'key' | 'facts'>): { zh: string; en: string } {
  const t = TEMPLATES[e.key];
  if (!t) throw new Error(`no sentence template for evidence "${e.key}"`);
  return { zh: t.zh(e.facts), en: t.en(e.facts) };
}

export const EVIDENCE_KEYS = Object.keys(TEMPLATES);
