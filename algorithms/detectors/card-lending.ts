import { GENDER, INST_KIND, KIND, ageOnDay, claimHolder, distanceKm, type ClaimSet } from '../claim-set.ts';
import { ringCommunities } from '../communities.ts';
import { MemberList, type Evidence, type RingCandidate } from './types.ts';

/**
 * 出借 / 冒用医保卡: cards used by people other than their holders. Per-claim signals — a recorded
 * recipient outside the holder's household, items that contradict the holder's gender or age, the
 * card settling in two places too far apart for the time between, pharmacy purchases while the holder
 * lies in hospital — are gathered per card. Rings are formed only from what an identity check recorded
 * (the same strangers on many cards): the other signals are common enough in honest data (a parent
 * buying a child's syrup, a relative shopping while the holder is in hospital) that they corroborate a
 * ring's cards but do not pull a card into one.
 */

export interface CardLendingParams {
  /** km/h above which two consecutive settlements of one card are impossible travel */
  maxSpeedKmh: number;
  /** and at least this far apart, so neighbouring counters never count */
  minTravelKm: number;
  minCards: number;
  /**
   * settlements where a stranger was recorded on the ring's cards, at least this many and at least one
   * per card: one outsider who once used two cards (a neighbour, a nursing-home carer) is not a ring
   */
  minStrangerClaims: number;
  /** an institution belongs to the ring when this share of its cards (and at least 2) were used there */
  institutionShare: number;
}

export const CARD_LENDING_DEFAULTS: CardLendingParams = { maxSpeedKmh: 120, minTravelKm: 30, minCards: 2, minStrangerClaims: 3, institutionShare: 0.3 };

export type LendingSignal = 'stranger-recipient' | 'contradicting-item' | 'impossible-travel' | 'during-inpatient-stay';

export interface CardSignals {
  /** per card: claims carrying each signal */
  byCard: Map<number, Map<LendingSignal, number[]>>;
  /** card → recipients recorded outside the holder's household */
  recipients: Map<number, Set<number>>;
}

/** Does any item line of the claim contradict the holder's gender or age? Returns the item index or -1. */
export function contradictingItem(set: ClaimSet, claim: number, person: number): number {
  const g = set.persons.gender[person]!;
  const birth = set.persons.birthDay[person]!;
  const age = birth >= 0 ? ageOnDay(birth, set.claims.day[claim]!) : -1;
  for (let l = set.claims.lineStart[claim]!; l < set.claims.lineStart[claim + 1]!; l++) {
    const item = set.lines.item[l]!;
    const ig = set.items.gender[item]!;
    if (ig !== GENDER.unknown && g !== GENDER.unknown && ig !== g) return item;
    if (age >= 0) {
      const lo = set.items.minAge[item]!;
      const hi = set.items.maxAge[item]!;
      if ((lo >= 0 && age < lo) || (hi >= 0 && age > hi)) return item;
    }
  }
  return -1;
}

export function cardSignals(set: ClaimSet, p: CardLendingParams): CardSignals {
  const c = set.claims;
  const byCard = new Map<number, Map<LendingSignal, number[]>>();
  const recipients = new Map<number, Set<number>>();
  const add = (card: number, s: LendingSignal, claim: number) => {
    let m = byCard.get(card);
    if (!m) byCard.set(card, (m = new Map()));
    const list = m.get(s);
    if (list) list.push(claim);
    else m.set(s, [claim]);
  };
  const household = set.persons.household;
  const stays: { holder: number; admit: number; discharge: number; institution: number }[] = [];
  for (let i = 0; i < c.count; i++) {
    const card = c.card[i]!;
    const holder = set.cards.holder[card]!;
    if (holder < 0) continue;
    const served = c.served[i]!;
    if (served >= 0 && served !== holder && (household[holder]! < 0 || household[served] !== household[holder])) {
      add(card, 'stranger-recipient', i);
      let r = recipients.get(card);
      if (!r) recipients.set(card, (r = new Set()));
      r.add(served);
    }
    // Items for someone else are only a contradiction when nobody else was recorded as served.
    if ((served < 0 || served === holder) && contradictingItem(set, i, holder) >= 0) add(card, 'contradicting-item', i);
    if (c.kind[i] === KIND.inpatient && c.admitDay[i]! >= 0) stays.push({ holder, admit: c.admitDay[i]!, discharge: c.dischargeDay[i]!, institution: c.institution[i]! });
  }
  // Impossible travel: consecutive settlements of one card.
  const order = Int32Array.from({ length: c.count }, (_, i) => i).sort((a, b) => c.card[a]! - c.card[b]! || c.t[a]! - c.t[b]!);
  const inst = set.institutions;
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1]!;
    const b = order[k]!;
    if (c.card[a] !== c.card[b] || c.kind[a] === KIND.inpatient || c.kind[b] === KIND.inpatient) continue;
    const ia = c.institution[a]!;
    const ib = c.institution[b]!;
    if (ia === ib) continue;
    const km = distanceKm(inst.lat[ia]!, inst.lon[ia]!, inst.lat[ib]!, inst.lon[ib]!);
    const hours = Math.max(c.t[b]! - c.t[a]!, 60) / 3600;
    if (km >= p.minTravelKm && km / hours > p.maxSpeedKmh) {
      add(c.card[b]!, 'impossible-travel', b);
      add(c.card[a]!, 'impossible-travel', a);
    }
  }
  // Purchases on the holder's cards strictly inside their own inpatient stay, elsewhere.
  if (stays.length) {
    const byHolder = new Map<number, typeof stays>();
    for (const s of stays) (byHolder.get(s.holder) ?? byHolder.set(s.holder, []).get(s.holder)!).push(s);
    for (let i = 0; i < c.count; i++) {
      if (c.kind[i] !== KIND.pharmacy) continue;
      const holder = claimHolder(set, i);
      const list = holder >= 0 ? byHolder.get(holder) : undefined;
      if (!list) continue;
      const day = c.day[i]!;
      if (list.some((s) => day > s.admit && day < s.discharge && s.institution !== c.institution[i] && inst.kind[c.institution[i]!] === INST_KIND.pharmacy)) add(c.card[i]!, 'during-inpatient-stay', i);
    }
  }
  return { byCard, recipients };
}

export function detectCardLending(set: ClaimSet, p: CardLendingParams = CARD_LENDING_DEFAULTS): RingCandidate[] {
  const c = set.claims;
  const { byCard, recipients } = cardSignals(set, p);
  const cardCount = set.cards.id.length;
  // Rings form around the people recorded using cards that are not theirs. Cards are linked when the
  // same user was recorded on both; a ring's cards form a near-clique, and overlapping rings (a card
  // lent to two groups) meet at one card, which Louvain separates. A bipartite card—user graph would
  // instead be split into one star per user.
  const cardsOfUser = new Map<number, number[]>();
  for (const [card, people] of recipients) for (const person of people) (cardsOfUser.get(person) ?? cardsOfUser.set(person, []).get(person)!).push(card);
  const pairWeight = new Map<number, number>();
  const src: number[] = [];
  const dst: number[] = [];
  const wt: number[] = [];
  for (const cards of cardsOfUser.values()) {
    cards.sort((a, b) => a - b);
    for (let x = 0; x < cards.length; x++) for (let y = x + 1; y < cards.length; y++) {
      const key = cards[x]! * cardCount + cards[y]!;
      pairWeight.set(key, (pairWeight.get(key) ?? 0) + 1);
    }
  }
  for (const [key, w] of pairWeight) {
    const a = Math.floor(key / cardCount);
    src.push(a);
    dst.push(key - a * cardCount);
    wt.push(w);
  }
  const cardGroups = ringCommunities(cardCount, { source: src, target: dst, weight: wt }, { minSize: p.minCards, maxSize: 80, seed: 7 });
  const groupOfCard = new Map<number, number>();
  cardGroups.forEach((g, k) => g.forEach((card) => groupOfCard.set(card, k)));
  const usersOfGroup: number[][] = cardGroups.map(() => []);
  for (const [person, cards] of cardsOfUser) {
    const votes = new Map<number, number>();
    for (const card of cards) {
      const k = groupOfCard.get(card);
      if (k !== undefined) votes.set(k, (votes.get(k) ?? 0) + 1);
    }
    for (const [k, n] of votes) if (n >= 2 || n === cards.length) usersOfGroup[k]!.push(person);
  }
  // Louvain may cut one ring along its users' preferences; groups that share a user are one ring.
  // (Overlapping rings share a card, never a user.)
  const parent = cardGroups.map((_, k) => k);
  const find = (k: number): number => (parent[k] === k ? k : (parent[k] = find(parent[k]!)));
  const firstGroupOfUser = new Map<number, number>();
  usersOfGroup.forEach((users, k) => {
    for (const u of users) {
      const other = firstGroupOfUser.get(u);
      if (other === undefined) firstGroupOfUser.set(u, k);
      else parent[find(k)] = find(other);
    }
  });
  const merged = new Map<number, Set<number>>();
  cardGroups.forEach((cards, k) => {
    const root = find(k);
    const set = merged.get(root) ?? merged.set(root, new Set()).get(root)!;
    for (const card of cards) set.add(card);
    for (const u of usersOfGroup[k]!) set.add(cardCount + u);
  });
  const components = [...merged.values()].map((s) => [...s].sort((x, y) => x - y));
  const claimsByCard = new Map<number, number[]>();
  const wanted = new Set<number>(recipients.keys());
  for (let i = 0; i < c.count; i++) if (wanted.has(c.card[i]!)) (claimsByCard.get(c.card[i]!) ?? claimsByCard.set(c.card[i]!, []).get(c.card[i]!)!).push(i);

  const rings: { cards: number[]; users: number[]; institutions: number[] }[] = [];
  for (const comp of components) {
    const cards = comp.filter((v) => v < cardCount);
    const users = comp.filter((v) => v >= cardCount).map((v) => v - cardCount);
    if (cards.length < p.minCards) continue;
    const userSet = new Set(users);
    // Where the ring operates: counters where its users were recorded on its cards.
    const instCards = new Map<number, Set<number>>();
    for (const card of cards) for (const i of claimsByCard.get(card) ?? []) {
      if (!userSet.has(c.served[i]!)) continue;
      const g = c.institution[i]!;
      (instCards.get(g) ?? instCards.set(g, new Set()).get(g)!).add(card);
    }
    const institutions = [...instCards.entries()].filter(([, s]) => s.size >= Math.max(2, p.institutionShare * cards.length)).map(([g]) => g).sort((a, b) => a - b);
    rings.push({ cards, users, institutions });
  }
  const out: RingCandidate[] = [];
  for (const { cards, users, institutions } of rings) {
    const cardSet = new Set(cards);
    const instSet = new Set(institutions);
    const signalCounts: Record<LendingSignal, number> = { 'stranger-recipient': 0, 'contradicting-item': 0, 'impossible-travel': 0, 'during-inpatient-stay': 0 };
    for (const card of cards) for (const [s, list] of byCard.get(card) ?? []) signalCounts[s] += list.length;
    if (signalCounts['stranger-recipient'] < Math.max(p.minStrangerClaims, cards.length)) continue;
    const claims: number[] = [];
    for (const card of cardSet) for (const i of claimsByCard.get(card) ?? []) if (instSet.has(c.institution[i]!) && c.served[i] !== claimHolder(set, i)) claims.push(i);
    claims.sort((a, b) => a - b);
    const m = new MemberList();
    const useCount = new Map<number, number>();
    for (const card of cards) for (const u of recipients.get(card) ?? []) useCount.set(u, (useCount.get(u) ?? 0) + 1);
    const rankedUsers = [...users].sort((a, b) => (useCount.get(b) ?? 0) - (useCount.get(a) ?? 0) || a - b);
    rankedUsers.forEach((u, k) => m.add('person', u, k === 0 ? 'organizer' : 'user'));
    for (const card of cards) m.add('card', card, 'lent-card');
    for (const card of cards) m.add('person', set.cards.holder[card]!, 'card-holder');
    for (const g of institutions) m.add('institution', g, set.institutions.kind[g] === INST_KIND.pharmacy ? 'pharmacy' : 'clinic');
    const evidence: Evidence[] = [];
    const cardRefs = cards.map((index) => ({ type: 'card' as const, index }));
    const withStranger = cards.filter((k) => recipients.has(k)).length;
    evidence.push({ key: 'lending.stranger-recipients', facts: { cards: withStranger, users: users.length, claims: signalCounts['stranger-recipient'] }, entities: [...cardRefs, ...users.map((index) => ({ type: 'person' as const, index }))], weight: 1 });
    if (signalCounts['contradicting-item']) evidence.push({ key: 'lending.contradicting-items', facts: { claims: signalCounts['contradicting-item'] }, entities: cardRefs, weight: Math.min(1, signalCounts['contradicting-item'] / 5) });
    if (signalCounts['impossible-travel']) evidence.push({ key: 'lending.impossible-travel', facts: { claims: signalCounts['impossible-travel'] }, entities: cardRefs, weight: Math.min(1, signalCounts['impossible-travel'] / 4) });
    if (signalCounts['during-inpatient-stay']) evidence.push({ key: 'lending.during-stay', facts: { claims: signalCounts['during-inpatient-stay'] }, entities: cardRefs, weight: Math.min(1, signalCounts['during-inpatient-stay'] / 3) });
    if (institutions.length) evidence.push({ key: 'lending.shared-counters', facts: { cards: cards.length, institutions: institutions.map((g) => set.institutions.name[g]).join('、') }, entities: institutions.map((index) => ({ type: 'institution' as const, index })), weight: 0.5 });
    const kinds = Object.values(signalCounts).filter((n) => n > 0).length;
    const perCard = signalCounts['stranger-recipient'] / cards.length;
    const confidence = Math.min(1, (0.3 + 0.1 * kinds + 0.2 * Math.min(1, perCard / 2) + 0.2 * Math.min(1, institutions.length / 2)) * Math.min(1, 0.4 + cards.length / 8));
    out.push({ family: 'card-lending', members: m.list, claims, evidence, confidence });
  }
  return out;
}
