import { claimHolder, type ClaimSet } from '../algorithms/claim-set.ts';
import type { CandidateMember, EntityType } from '../algorithms/detectors/types.ts';

/**
 * Why a ring member holds its role, in numbers of the ring's own evidence claims: a role is printed
 * (workbench, PDF, workbook, graph files) only next to the evidence that earned it. Detectors name
 * roles by what an entity is in the pattern (the pharmacy, a lent card, a recruited patient) — never
 * by rank or position — and this states, per member, the claims that put it there. A member no
 * evidence claim touches earns no role: it is kept as a plain member.
 */

export interface RoleBasis {
  zh: string;
  en: string;
  /** the numbers behind the sentence */
  facts: Record<string, number>;
}

interface Tally {
  claims: number;
  days: Set<number>;
  fund: number;
  /** person: claims where they were served on someone else's card; card: distinct people served other than the holder */
  others: Set<number>;
  /** person: their own cards used in the ring's claims */
  cards: Set<number>;
  /** card: claims that recorded nobody as served */
  unrecorded: number;
}

const fresh = (): Tally => ({ claims: 0, days: new Set(), fund: 0, others: new Set(), cards: new Set(), unrecorded: 0 });
const yuan = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (n: number, of: number) => (of > 0 ? Math.round((100 * n) / of) : 0);

type Sentence = (t: Tally, ring: { claims: number; days: number }) => { zh: string; en: string; facts: Record<string, number> };

const PERSON_VISITS: Sentence = (t, r) => ({
  zh: `在团伙 ${r.days} 个涉案日期中的 ${t.days.size} 天出现，涉案结算 ${t.claims} 笔，基金支付 ${yuan(t.fund)} 元`,
  en: `present on ${t.days.size} of the ring's ${r.days} dates, in ${t.claims} settlements, fund paid ¥${yuan(t.fund)}`,
  facts: { claims: t.claims, days: t.days.size, ringDays: r.days, fundPaid: Math.round(t.fund) },
});

const SENTENCES: Record<string, Sentence> = {
  'recruited-patient': PERSON_VISITS,
  patient: PERSON_VISITS,
  buyer: PERSON_VISITS,
  user: (t) => ({
    zh: `以他人医保卡结算 ${t.others.size} 笔（共涉及 ${t.claims} 笔涉案结算）`,
    en: `settled ${t.others.size} times on someone else's card (in ${t.claims} settlements of the ring)`,
    facts: { onOthersCards: t.others.size, claims: t.claims },
  }),
  'card-holder': (t) => ({
    zh: `名下 ${t.cards.size} 张卡出现在 ${t.claims} 笔涉案结算中`,
    en: `${t.cards.size} card(s) in their name appear in ${t.claims} settlements of the ring`,
    facts: { cards: t.cards.size, claims: t.claims },
  }),
  // At a counter that records nobody, "0 people other than the holder" would read as proof of the
  // holder's own use: say that nobody was recorded instead.
  'lent-card': (t): ReturnType<Sentence> =>
    t.others.size > 0
      ? {
          zh: `${t.claims} 笔涉案结算刷此卡，其中使用人非持卡人的有 ${t.others.size} 人`,
          en: `swiped in ${t.claims} settlements of the ring, by ${t.others.size} people other than the holder`,
          facts: { claims: t.claims, otherUsers: t.others.size },
        }
      : {
          zh: `${t.claims} 笔涉案结算刷此卡，分布在 ${t.days.size} 天，其中 ${t.unrecorded} 笔未登记使用人`,
          en: `swiped in ${t.claims} settlements of the ring on ${t.days.size} days, ${t.unrecorded} of them recording nobody as served`,
          facts: { claims: t.claims, days: t.days.size, otherUsers: 0, unrecorded: t.unrecorded },
        },
  'farmed-card': (t) => ({
    zh: `${t.claims} 笔涉案结算刷此卡，分布在 ${t.days.size} 天`,
    en: `swiped in ${t.claims} settlements of the ring on ${t.days.size} days`,
    facts: { claims: t.claims, days: t.days.size },
  }),
  doctor: (t, r) => ({
    zh: `经手 ${t.claims} 笔涉案结算（占 ${pct(t.claims, r.claims)}%）`,
    en: `handled ${t.claims} of the ring's settlements (${pct(t.claims, r.claims)}%)`,
    facts: { claims: t.claims, percent: pct(t.claims, r.claims) },
  }),
  prescriber: (t, r) => ({
    zh: `开具 ${t.claims} 笔涉案结算的处方（占 ${pct(t.claims, r.claims)}%）`,
    en: `prescribed ${t.claims} of the ring's settlements (${pct(t.claims, r.claims)}%)`,
    facts: { claims: t.claims, percent: pct(t.claims, r.claims) },
  }),
};

const INSTITUTION: Sentence = (t, r) => ({
  zh: `${t.claims} 笔涉案结算（占 ${pct(t.claims, r.claims)}%）发生于此，基金支付 ${yuan(t.fund)} 元`,
  en: `${t.claims} of the ring's settlements (${pct(t.claims, r.claims)}%) took place here, fund paid ¥${yuan(t.fund)}`,
  facts: { claims: t.claims, percent: pct(t.claims, r.claims), fundPaid: Math.round(t.fund) },
});
const PERSON_OTHER: Sentence = PERSON_VISITS;
const CARD_OTHER: Sentence = SENTENCES['farmed-card']!;
const DOCTOR_OTHER: Sentence = SENTENCES.doctor!;
const FALLBACK: Record<EntityType, Sentence> = { person: PERSON_OTHER, card: CARD_OTHER, doctor: DOCTOR_OTHER, institution: INSTITUTION };

/** Each member's basis (same order as `members`); null where no evidence claim touches the member. */
export function roleBases(set: ClaimSet, members: readonly CandidateMember[], claims: readonly number[]): (RoleBasis | null)[] {
  const c = set.claims;
  const tallies = new Map<string, Tally>();
  const wanted = new Set(members.map((m) => `${m.type}:${m.index}`));
  const touch = (key: string, i: number): Tally | undefined => {
    if (!wanted.has(key)) return undefined;
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = fresh()));
    // A claim touches each entity once: holder and served are counted only when they differ, and a
    // prescriber only when not also the treating doctor.
    t.claims++;
    t.days.add(c.day[i]!);
    t.fund += c.fund[i]!;
    return t;
  };
  const ringDays = new Set<number>();
  for (const i of claims) {
    ringDays.add(c.day[i]!);
    const holder = claimHolder(set, i);
    const served = c.served[i]!;
    const card = c.card[i]!;
    if (holder >= 0) touch(`person:${holder}`, i)?.cards.add(card);
    if (served >= 0 && served !== holder) touch(`person:${served}`, i)?.others.add(i);
    if (card >= 0) {
      const t = touch(`card:${card}`, i);
      if (t && served >= 0 && served !== holder) t.others.add(served);
      if (t && served < 0) t.unrecorded++;
    }
    if (c.institution[i]! >= 0) touch(`institution:${c.institution[i]}`, i);
    if (c.doctor[i]! >= 0) touch(`doctor:${c.doctor[i]}`, i);
    if (c.rxDoctor[i]! >= 0 && c.rxDoctor[i] !== c.doctor[i]) touch(`doctor:${c.rxDoctor[i]}`, i);
  }
  const ring = { claims: claims.length, days: ringDays.size };
  return members.map((m) => {
    const t = tallies.get(`${m.type}:${m.index}`);
    if (!t || t.claims === 0) return null;
    const sentence = SENTENCES[m.role] ?? FALLBACK[m.type];
    return sentence(t, ring);
  });
}
