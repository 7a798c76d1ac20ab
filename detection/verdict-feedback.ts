import type { RankingAdjustment, RingRecord } from './ring-record.ts';
import { byRank, memberKey } from './ring-record.ts';

/**
 * Investigators' verdicts feed the next run's ranking. A ring confirmed as fraud (case confirmed) or
 * dismissed as a false positive (case dismissed) says something about the rings found afterwards:
 *
 * 1. The same ring again (same id after tracking) or one made mostly of a judged ring's members:
 *    a dismissed one sinks (score × (1 − 0.6 × overlap)), so the queue does not serve the same false
 *    alarm every morning; a confirmed one that is still active rises (+10): the fraud goes on.
 * 2. Members of a confirmed ring turning up in another ring: +5 per such member, at most +15 —
 *    repeat offenders are the bureau's strongest lead.
 * 3. A dismissed ring labelled `hard-negative:*` (a nursing home, a dialysis centre) marks its
 *    institutions: rings of the same family around them later get × 0.7.
 * 4. Per family, once it has ≥ 3 verdicts, the confirmed share calibrates every ring of that family:
 *    × (0.8 + 0.4 × (confirmed + 1) / (verdicts + 2)), between 0.8 and 1.2.
 *
 * Every adjustment is a sentence with its numbers, so the investigator sees why a ring moved. It is
 * ranking feedback, not evidence: the bureau's own verdicts say nothing about what the claims show, so
 * adjustments are kept in `rankingFeedback`, apart from the ring's evidence (which the referral
 * package prints as 证据清单), and the detector's own score is kept beside the adjusted one
 * (`detectorScore`). Pure: verdicts in, rings out.
 */

export interface Verdict {
  ringId: string;
  family: string;
  verdict: 'fraud' | 'false-positive';
  labels: string[];
  caseId: string | null;
  memberKeys: string[];
}

export interface FeedbackResult {
  rings: RingRecord[];
  /** ringId → score before feedback, for the rings whose score changed */
  adjusted: Map<string, number>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const clamp = (x: number) => Math.max(0, Math.min(100, x));

export function applyVerdictFeedback(rings: readonly RingRecord[], verdicts: readonly Verdict[]): FeedbackResult {
  const adjusted = new Map<string, number>();
  if (!verdicts.length) return { rings: [...rings], adjusted };

  const judgedById = new Map(verdicts.map((v) => [v.ringId, v]));
  const judgedSets = verdicts.map((v) => new Set(v.memberKeys));
  const fraudMembers = new Map<string, string>(); // member → confirmed ring id
  for (const v of verdicts) if (v.verdict === 'fraud') for (const m of v.memberKeys) if (!m.startsWith('card:')) fraudMembers.set(m, v.ringId);
  const hardNegativeInstitutions = new Map<string, { family: string; label: string; ringId: string }[]>();
  for (const v of verdicts) {
    const label = v.verdict === 'false-positive' ? v.labels.find((l) => l.startsWith('hard-negative')) : undefined;
    if (!label) continue;
    for (const m of v.memberKeys) {
      if (m.startsWith('institution:')) (hardNegativeInstitutions.get(m) ?? hardNegativeInstitutions.set(m, []).get(m)!).push({ family: v.family, label, ringId: v.ringId });
    }
  }
  const perFamily = new Map<string, { fraud: number; all: number }>();
  for (const v of verdicts) {
    const f = perFamily.get(v.family) ?? { fraud: 0, all: 0 };
    f.all++;
    if (v.verdict === 'fraud') f.fraud++;
    perFamily.set(v.family, f);
  }

  const out = rings.map((ring) => {
    const members = ring.members.map(memberKey);
    const memberSet = new Set(members);
    let score = ring.score;
    const feedback: RankingAdjustment[] = [];

    // 1. the ring itself, or mostly a judged ring's members
    let judged = judgedById.get(ring.ringId);
    let overlap = judged ? 1 : 0;
    if (!judged) {
      verdicts.forEach((v, k) => {
        if (v.family !== ring.family) return;
        let shared = 0;
        for (const m of memberSet) if (judgedSets[k]!.has(m)) shared++;
        const share = memberSet.size ? shared / memberSet.size : 0;
        if (share >= 0.5 && share > overlap) {
          judged = v;
          overlap = share;
        }
      });
    }
    if (judged?.verdict === 'false-positive') {
      const before = score;
      score = score * (1 - 0.6 * overlap);
      feedback.push({
        key: 'verdict-dismissed-before',
        zh: `${judged.ringId === ring.ringId ? '该团伙' : `该团伙 ${Math.round(overlap * 100)}% 的成员所在团伙`}曾被核查排除（误报${judged.caseId ? `，案件 ${judged.caseId}` : ''}），评分由 ${round1(before)} 降至 ${round1(score)}`,
        en: `${judged.ringId === ring.ringId ? 'This ring' : `A ring holding ${Math.round(overlap * 100)} % of these members`} was dismissed as a false positive${judged.caseId ? ` (case ${judged.caseId})` : ''}; score lowered from ${round1(before)} to ${round1(score)}`,
        facts: { judgedRing: judged.ringId, overlap: round1(overlap), scoreBefore: round1(before), scoreAfter: round1(score) },
        entities: [],
      });
    } else if (judged?.verdict === 'fraud') {
      const before = score;
      score = clamp(score + 10);
      feedback.push({
        key: 'verdict-confirmed-before',
        zh: `${judged.ringId === ring.ringId ? '该团伙' : `该团伙 ${Math.round(overlap * 100)}% 的成员所在团伙`}已被确认为欺诈${judged.caseId ? `（案件 ${judged.caseId}）` : ''}且仍在活动，评分由 ${round1(before)} 升至 ${round1(score)}`,
        en: `${judged.ringId === ring.ringId ? 'This ring' : `A ring holding ${Math.round(overlap * 100)} % of these members`} was confirmed as fraud${judged.caseId ? ` (case ${judged.caseId})` : ''} and is still active; score raised from ${round1(before)} to ${round1(score)}`,
        facts: { judgedRing: judged.ringId, overlap: round1(overlap), scoreBefore: round1(before), scoreAfter: round1(score) },
        entities: [],
      });
    }

    // 2. repeat offenders from other confirmed rings
    const repeat = members.filter((m) => {
      const from = fraudMembers.get(m);
      return from !== undefined && from !== judged?.ringId && from !== ring.ringId;
    });
    if (repeat.length) {
      const before = score;
      score = clamp(score + Math.min(15, 5 * repeat.length));
      feedback.push({
        key: 'verdict-repeat-offenders',
        zh: `${repeat.length} 名成员曾出现在已确认的欺诈团伙中，评分由 ${round1(before)} 升至 ${round1(score)}`,
        en: `${repeat.length} member(s) were in a ring confirmed as fraud; score raised from ${round1(before)} to ${round1(score)}`,
        facts: { repeatMembers: repeat.length, scoreBefore: round1(before), scoreAfter: round1(score) },
        entities: repeat.slice(0, 20),
      });
    }

    // 3. institutions dismissed as hard negatives for this family
    if (judged?.verdict !== 'false-positive') {
      const marked = ring.institutions
        .map((code) => ({ key: `institution:${code}`, marks: hardNegativeInstitutions.get(`institution:${code}`)?.filter((x) => x.family === ring.family) ?? [] }))
        .filter((x) => x.marks.length);
      if (marked.length) {
        const before = score;
        score = score * 0.7;
        const label = marked[0]!.marks[0]!.label;
        feedback.push({
          key: 'verdict-hard-negative-institution',
          zh: `涉及的机构曾因同类团伙被核查排除（${label}），评分由 ${round1(before)} 降至 ${round1(score)}`,
          en: `An institution involved was cleared before for a ring of this kind (${label}); score lowered from ${round1(before)} to ${round1(score)}`,
          facts: { label, institutions: marked.length, scoreBefore: round1(before), scoreAfter: round1(score) },
          entities: marked.map((x) => x.key),
        });
      }
    }

    // 4. the family's record
    const fam = perFamily.get(ring.family);
    if (fam && fam.all >= 3) {
      const precision = (fam.fraud + 1) / (fam.all + 2);
      const factor = 0.8 + 0.4 * precision;
      if (Math.abs(factor - 1) >= 0.01) {
        const before = score;
        score = clamp(score * factor);
        feedback.push({
          key: 'verdict-family-record',
          zh: `此类团伙已核查 ${fam.all} 个，确认 ${fam.fraud} 个，评分按此校准（×${factor.toFixed(2)}）：${round1(before)} → ${round1(score)}`,
          en: `${fam.fraud} of ${fam.all} rings of this kind were confirmed; score calibrated ×${factor.toFixed(2)}: ${round1(before)} → ${round1(score)}`,
          facts: { verdicts: fam.all, confirmed: fam.fraud, factor: Math.round(factor * 100) / 100, scoreBefore: round1(before), scoreAfter: round1(score) },
          entities: [],
        });
      }
    }

    if (!feedback.length) return ring;
    score = round1(score);
    adjusted.set(ring.ringId, ring.score);
    return { ...ring, score, detectorScore: ring.score, rankingFeedback: feedback };
  });
  // Same order as assembly: best first, money at risk breaks ties.
  out.sort(byRank);
  return { rings: out, adjusted };
}
