import { INST_KIND, KIND, claimHolder, distanceKm, groupClaims, type ClaimSet } from '../claim-set.ts';
import { ageOf, contradictingItem, diagnosisContradicts, itemContradicts } from '../contradictions.ts';

export { contradictingItem };
import { connectedComponents, ringCommunities } from '../communities.ts';
import { coOccurrenceEdges, institutionDays, type CoOccurrenceParams } from '../recurring-groups.ts';
import type { Kinship } from '../kinship.ts';
import { isExempt, type CompiledKnowledge } from '../knowledge.ts';
import { fisherCombineLog10, poissonUpperTailLog10 } from '../stats.ts';
import { MIN_SURPRISE, MemberList, calibratedConfidence, type Evidence, type RingCandidate } from './types.ts';

/**
 * 出借 / 冒用医保卡: cards used by people other than their holders. Two kinds of evidence, because many
 * counters never record who was served:
 *
 * 1. **Recorded strangers.** An identity check recorded someone who is neither the holder nor family
 *    (algorithms/kinship.ts: household, address, and relatives inferred beyond the household — 家庭共济 is
 *    lawful). One person recorded on the cards of several unrelated households is the ring's user; cards
 *    linked through their users form communities. How rare that is comes from the data: the share of
 *    recorded recipients who are strangers to the holder.
 * 2. **Signals that need no recorded person**: items that contradict the holder's gender or age and fit
 *    nobody in the holder's household; the card settling in two places too far apart for the time between
 *    (the holder's own visit across town minutes before); purchases while the holder lies in hospital
 *    elsewhere; the card used in another pooling region than the holder's. Each is common enough in
 *    honest use (a parent buying a child's syrup) that one card proves nothing; a counter where such cards
 *    gather far beyond the base rate of counters of its kind is where lent cards are used.
 *
 * One holder's physical card and e-voucher are one holder: counts are of holders, never of cards.
 */

export interface CardLendingParams {
  /** km/h above which two consecutive settlements of one card are impossible travel (domain fact: urban travel) */
  maxSpeedKmh: number;
  /** and at least this far apart, so neighbouring counters never count */
  minTravelKm: number;
  /** a ring has at least this many holders */
  minHolders: number;
  /** a recorded user links cards of at least this many unrelated households (family mutual aid reaches a few) */
  minUserHouseholds: number;
  /** a counter is where lent cards gather when its suspicious holders' tail p ≤ 10^counterLog10P (convention) */
  counterLog10P: number;
  /** an institution belongs to a ring when this share of its holders (and at least 2) were used there */
  institutionShare: number;
  /** cards presented together: neighbours in an unchecked counter's sequence (one visit), on this many days */
  together: CoOccurrenceParams;
  seed: number;
}

export const CARD_LENDING_DEFAULTS: CardLendingParams = {
  maxSpeedKmh: 120,
  minTravelKm: 30,
  minHolders: 3,
  minUserHouseholds: 3,
  counterLog10P: -4,
  institutionShare: 0.3,
  together: { neighbours: 3, minRecurrence: 2, minSharedDays: 2 },
  seed: 7,
};

export type LendingSignal = 'stranger-recipient' | 'contradicting-item' | 'impossible-travel' | 'during-inpatient-stay' | 'other-region';

export interface CardSignals {
  /** per card: claims carrying each signal */
  byCard: Map<number, Map<LendingSignal, number[]>>;
  /** card → recorded recipients who are not the holder's family */
  strangers: Map<number, Set<number>>;
  /** card → recorded recipients who are family only by inference (surname and age, not the registry) */
  inferredKin: Map<number, Set<number>>;
  /** recorded recipients other than the holder, and how many of them were strangers */
  recordedOthers: number;
  /** distinct persons ever recorded as served */
  recordedPersons: number;
  recordedStrangers: number;
}

export function cardSignals(set: ClaimSet, p: CardLendingParams, kin: Kinship, k: CompiledKnowledge): CardSignals {
  const c = set.claims;
  const byCard = new Map<number, Map<LendingSignal, number[]>>();
  const strangers = new Map<number, Set<number>>();
  const inferredKin = new Map<number, Set<number>>();
  const add = (card: number, s: LendingSignal, claim: number) => {
    let m = byCard.get(card);
    if (!m) byCard.set(card, (m = new Map()));
    const list = m.get(s);
    if (list) list.push(claim);
    else m.set(s, [claim]);
  };
  const members = new Map<number, number[]>();
  for (let i = 0; i < set.persons.id.length; i++) {
    const h = set.persons.household[i]!;
    if (h >= 0) (members.get(h) ?? members.set(h, []).get(h)!).push(i);
  }
  // An item or a diagnosis that contradicts the holder may be someone's at home: a child's syrup, a wife's
  // pregnancy.
  const fitsHousehold = (claim: number, holder: number) => {
    const h = set.persons.household[holder]!;
    const home = h >= 0 ? members.get(h)! : [holder];
    const day = c.day[claim]!;
    if (diagnosisContradicts(set, k, claim, holder) && !home.some((x) => x !== holder && !diagnosisContradicts(set, k, claim, x))) return false;
    for (let l = c.lineStart[claim]!; l < c.lineStart[claim + 1]!; l++) {
      const item = set.lines.item[l]!;
      if (!itemContradicts(set, item, set.persons.gender[holder]!, ageOf(set, holder, day))) continue;
      const someone = home.some((x) => x !== holder && !itemContradicts(set, item, set.persons.gender[x]!, ageOf(set, x, day)));
      if (!someone) return false;
    }
    return true;
  };
  let recordedOthers = 0;
  let recordedStrangers = 0;
  const recorded = new Set<number>();
  const stays: { holder: number; admit: number; discharge: number; institution: number }[] = [];
  for (let i = 0; i < c.count; i++) {
    const card = c.card[i]!;
    const holder = set.cards.holder[card]!;
    if (holder < 0) continue;
    const served = c.served[i]!;
    if (served >= 0) recorded.add(served);
    if (served >= 0 && served !== holder) {
      recordedOthers++;
      const relation = kin.relation(holder, served);
      if (relation === null) {
        recordedStrangers++;
        add(card, 'stranger-recipient', i);
        (strangers.get(card) ?? strangers.set(card, new Set()).get(card)!).add(served);
      } else if (relation === 'relative') (inferredKin.get(card) ?? inferredKin.set(card, new Set()).get(card)!).add(served);
    }
    if ((served < 0 || served === holder) && (contradictingItem(set, i, holder) >= 0 || diagnosisContradicts(set, k, i, holder)) && !fitsHousehold(i, holder)) add(card, 'contradicting-item', i);
    const region = set.persons.region[holder]!;
    const where = set.institutions.region[c.institution[i]!]!;
    if (served < 0 && region >= 0 && where >= 0 && region !== where) add(card, 'other-region', i);
    if (c.kind[i] === KIND.inpatient && c.admitDay[i]! >= 0) stays.push({ holder, admit: c.admitDay[i]!, discharge: c.dischargeDay[i]!, institution: c.institution[i]! });
  }
  // Impossible travel: consecutive settlements of one card.
  const byCardTime = groupClaims(c.card, set.cards.id.length, claimsByTimeLocal(set));
  const inst = set.institutions;
  for (let card = 0; card < set.cards.id.length; card++) {
    for (let x = byCardTime.start[card]! + 1; x < byCardTime.start[card + 1]!; x++) {
      const a = byCardTime.members[x - 1]!;
      const b = byCardTime.members[x]!;
      if (c.kind[a] === KIND.inpatient || c.kind[b] === KIND.inpatient) continue;
      const ia = c.institution[a]!;
      const ib = c.institution[b]!;
      if (ia === ib) continue;
      const km = distanceKm(inst.lat[ia]!, inst.lon[ia]!, inst.lat[ib]!, inst.lon[ib]!);
      const hours = Math.max(c.t[b]! - c.t[a]!, 60) / 3600;
      if (km >= p.minTravelKm && km / hours > p.maxSpeedKmh) {
        add(card, 'impossible-travel', b);
        add(card, 'impossible-travel', a);
      }
    }
  }
  // Purchases on the holder's cards strictly inside their own inpatient stay, at a pharmacy elsewhere.
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
  return { byCard, strangers, inferredKin, recordedOthers, recordedStrangers, recordedPersons: recorded.size };
}

function claimsByTimeLocal(set: ClaimSet): Int32Array {
  const idx = Int32Array.from({ length: set.claims.count }, (_, i) => i);
  const t = set.claims.t;
  return idx.sort((a, b) => t[a]! - t[b]! || a - b);
}

/**
 * Signals that need no recorded person and belong to one counter: the ones a counter can gather. Use in
 * another region and impossible travel only corroborate: honest 异地就医 gathers at counters by a border
 * or a station, and a journey has two ends — a regional hub hospital sits at the end of many (seen in
 * data we did not write).
 */
const SILENT: readonly LendingSignal[] = ['contradicting-item', 'during-inpatient-stay'];
const CORROBORATING: readonly LendingSignal[] = ['contradicting-item', 'during-inpatient-stay', 'impossible-travel', 'other-region'];

interface Draft {
  cards: Set<number>;
  users: Set<number>;
  institutions: Set<number>;
  log10Ps: number[];
}

export function detectCardLending(set: ClaimSet, p: CardLendingParams, k: CompiledKnowledge, kin: Kinship): RingCandidate[] {
  const c = set.claims;
  const sig = cardSignals(set, p, kin, k);
  const cardCount = set.cards.id.length;
  const holder = set.cards.holder;
  const householdOf = (person: number) => (set.persons.household[person]! >= 0 ? set.persons.household[person]! : -1 - person);
  const drafts: Draft[] = [];

  // 1. Recorded strangers: users who were recorded on the cards of several unrelated households.
  const cardsOfUser = new Map<number, number[]>();
  for (const [card, people] of sig.strangers) for (const u of people) (cardsOfUser.get(u) ?? cardsOfUser.set(u, []).get(u)!).push(card);
  // How many unrelated households a recorded person reaches as a stranger, under "anyone may now and then
  // be recorded on a stranger's card": reach ~ Poisson(λ), λ = stranger (person, household) pairs per
  // person ever recorded as served — from the data, and dominated by the honest many, not the few users.
  const reach = new Map<number, number>();
  for (const [u, cards] of cardsOfUser) reach.set(u, new Set(cards.map((card) => householdOf(holder[card]!))).size);
  const pairs = [...reach.values()].reduce((a, b) => a + b, 0);
  const lambda = Math.max(1e-6, pairs / Math.max(1, sig.recordedPersons));
  const userLog10P = new Map<number, number>();
  const householdsOf = new Map<number, Set<number>>();
  for (const [u, cards] of cardsOfUser) {
    const households = reach.get(u)!;
    if (households < 2) continue;
    userLog10P.set(u, poissonUpperTailLog10(households, lambda));
    householdsOf.set(u, new Set(cards.map((card) => householdOf(holder[card]!))));
  }
  // A ring is the cards of users who work together: two users are one ring's when they share at least
  // two lent holders, or a counter where both were recorded on strangers' cards (such users are rare) and
  // one of them has no ring of their own by shared holders: a counter gathers a ring's users who each work
  // a holder or two; but two rings that stand on their own are one only where the counter is the main one
  // of each (half their settlements on strangers' cards or more), not where they happen to share a clinic
  // besides their own pharmacies (seen in generated data: two rings of one city at one clinic). Louvain would cut one ring
  // along its users' preferences (each user a clique of cards, a ring's users often sharing none);
  // components over users keep it whole. One shared holder alone is not enough: a holder who sells their
  // card to two brokers would otherwise join two unrelated rings, two cities apart, into one.
  const users = [...householdsOf.keys()].sort((a, b) => a - b);
  const countersOf = new Map<number, Set<number>>();
  for (let i = 0; i < c.count; i++) {
    const u = c.served[i]!;
    if (u < 0 || !householdsOf.has(u) || !sig.strangers.get(c.card[i]!)?.has(u)) continue;
    (countersOf.get(u) ?? countersOf.set(u, new Set()).get(u)!).add(c.institution[i]!);
  }
  const usersAt = new Map<number, number[]>();
  for (const [u, counters] of countersOf) for (const g of counters) (usersAt.get(g) ?? usersAt.set(g, []).get(g)!).push(u);
  const userIndex = new Map(users.map((u, i) => [u, i]));
  const usersByHousehold = new Map<number, number[]>();
  for (const u of users) for (const h of householdsOf.get(u)!) (usersByHousehold.get(h) ?? usersByHousehold.set(h, []).get(h)!).push(u);
  const src: number[] = [];
  const dst: number[] = [];
  const wt: number[] = [];
  for (const u of users) {
    // every user is a node of its own, linked to itself
    src.push(userIndex.get(u)!);
    dst.push(userIndex.get(u)!);
    wt.push(1);
    const shared = new Map<number, number>();
    for (const h of householdsOf.get(u)!) for (const v of usersByHousehold.get(h)!) if (v > u) shared.set(v, (shared.get(v) ?? 0) + 1);
    for (const [v, n] of shared) {
      if (n < 2) continue;
      src.push(userIndex.get(u)!);
      dst.push(userIndex.get(v)!);
      wt.push(1);
    }
  }
  const usersOf = (cards: Set<number>) => {
    const found = new Set<number>();
    for (const [u, list] of cardsOfUser) {
      if (!userLog10P.has(u)) continue;
      const inside = list.filter((card) => cards.has(card)).length;
      if (inside >= 2 || inside === list.length) found.add(u);
    }
    return found;
  };
  const kinCardsOfUser = new Map<number, number[]>();
  for (const [card, people] of sig.inferredKin) for (const u of people) (kinCardsOfUser.get(u) ?? kinCardsOfUser.set(u, []).get(u)!).push(card);
  /** the group's users where its cards make a ring (undefined where they do not) */
  const ringUsers = (inGroup: Set<number>): Set<number> | undefined => {
    const users = usersOf(inGroup);
    const households = new Set([...inGroup].map((card) => householdOf(holder[card]!)));
    const userHouseholds = Math.max(0, ...[...users].map((u) => new Set(cardsOfUser.get(u)!.filter((card) => inGroup.has(card)).map((card) => householdOf(holder[card]!))).size));
    // One user must reach several households, unless several users work the ring together (users found
    // together at one counter are rare in themselves: see above).
    if (households.size < p.minHolders || (users.size < 2 && userHouseholds < Math.min(p.minUserHouseholds, households.size))) return undefined;
    return users;
  };
  const groupsOf = () => connectedComponents(users.length, { source: src, target: dst, weight: wt }).map((comp) => ({ comp, cards: new Set(comp.flatMap((x) => cardsOfUser.get(users[x]!)!)) }));
  {
    const byHolders = new Int32Array(users.length).fill(-1);
    for (const [g, { comp, cards }] of groupsOf().entries()) if (ringUsers(cards)) for (const x of comp) byHolders[x] = g;
    const link = (a: number, b: number) => {
      src.push(a);
      dst.push(b);
      wt.push(1);
    };
    // each standing ring's settlements on strangers' cards, in all and per counter
    const ringClaims = new Map<number, number>();
    const ringClaimsAt = new Map<string, number>();
    for (let i = 0; i < c.count; i++) {
      const u = c.served[i]!;
      const x = u >= 0 ? userIndex.get(u) : undefined;
      if (x === undefined || byHolders[x]! < 0 || !sig.strangers.get(c.card[i]!)?.has(u)) continue;
      ringClaims.set(byHolders[x]!, (ringClaims.get(byHolders[x]!) ?? 0) + 1);
      const key = `${byHolders[x]}|${c.institution[i]}`;
      ringClaimsAt.set(key, (ringClaimsAt.get(key) ?? 0) + 1);
    }
    const mainCounter = (ring: number, g: number) => 2 * (ringClaimsAt.get(`${ring}|${g}`) ?? 0) >= ringClaims.get(ring)!;
    for (const [g, list] of usersAt) {
      const rings = new Map<number, number>(); // standing ring → a user of it here
      for (const u of list) if (byHolders[userIndex.get(u)!]! >= 0) rings.set(byHolders[userIndex.get(u)!]!, userIndex.get(u)!);
      // One standing ring at most: the counter's users are all one ring. Else those without a ring of their
      // own and the standing rings whose main counter this is (half their settlements on strangers' cards
      // or more) work it together; a ring that only passes through keeps to itself.
      const joined = rings.size <= 1 ? list : list.filter((u) => byHolders[userIndex.get(u)!]! < 0 || mainCounter(byHolders[userIndex.get(u)!]!, g));
      for (let x = 1; x < joined.length; x++) link(userIndex.get(joined[0]!)!, userIndex.get(joined[x]!)!);
    }
  }
  const cardGroups = groupsOf().map(({ cards }) => cards);
  for (const inGroup of cardGroups) {
    const users = ringUsers(inGroup);
    if (!users) continue;
    drafts.push({ cards: inGroup, users, institutions: new Set(), log10Ps: [...users].map((u) => userLog10P.get(u)!) });
  }

  // 2. Counters where silent signals gather beyond what their own claims make likely. A paediatric
  // clinic bills children's items on parents' cards all day; a pharmacy near a hospital sells to
  // inpatients' relatives. So each claim's expected chance of a signal comes from the data: for a
  // contradiction, the share of all claims billing the same item that contradict their card's holder;
  // for the other signals, their rate among claims of the same kind of institution.
  const silentClaims = new Map<number, number>(); // claim → card
  for (const [card, signals] of sig.byCard) for (const s of SILENT) for (const i of signals.get(s) ?? []) silentClaims.set(i, card);
  const contradicting = new Set(sig.byCard.size ? [...sig.byCard.values()].flatMap((m) => m.get('contradicting-item') ?? []) : []);
  // Where a doctor chose the items, contradictions gathering at one counter are that counter's coding
  // (code mismatch's to judge: a doctor who bills children's drugs to 20 adults once each), not 20 lent
  // cards; a purchase at a pharmacy has no one choosing but the buyer.
  const byDoctorOnly = new Set<number>();
  for (const signals of sig.byCard.values()) {
    const stays = new Set(signals.get('during-inpatient-stay') ?? []);
    for (const i of signals.get('contradicting-item') ?? []) if (c.doctor[i]! >= 0 && !stays.has(i)) byDoctorOnly.add(i);
  }
  const corroborated = new Set<number>();
  // Only items that contradict the holder count here: the other signals are shared by honest groups that
  // shop together — purchases during a stay at the pharmacy by the hospital (relatives buying for the
  // patient), use in another region and long journeys among people from one town.
  for (const signals of sig.byCard.values()) for (const i of signals.get('contradicting-item') ?? []) corroborated.add(i);
  // How often a claim billing an item, or under a diagnosis, contradicts its holder: what a counter or a
  // group should show by chance for the claims it has.
  const itemClaims = new Float64Array(set.items.id.length);
  const itemHits = new Float64Array(set.items.id.length);
  const dxClaims = new Float64Array(set.diagnoses.code.length);
  const dxHits = new Float64Array(set.diagnoses.code.length);
  const otherByKind = [0, 0, 0];
  const claimsByKind = [0, 0, 0];
  for (let i = 0; i < c.count; i++) {
    const kind = set.institutions.kind[c.institution[i]!]! % 3;
    claimsByKind[kind]!++;
    if (silentClaims.has(i) && !contradicting.has(i)) otherByKind[kind]!++;
    const seen = new Set<number>();
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) seen.add(set.lines.item[l]!);
    for (const it of seen) {
      itemClaims[it]!++;
      if (contradicting.has(i)) itemHits[it]!++;
    }
    const dx = c.diagnosis[i]!;
    if (dx >= 0) {
      dxClaims[dx]!++;
      if (contradicting.has(i)) dxHits[dx]!++;
    }
  }
  const baseContradiction = contradicting.size / Math.max(1, c.count);
  const contradictionRate = (i: number) => {
    const dx = c.diagnosis[i]!;
    let rate = dx >= 0 ? dxHits[dx]! / Math.max(1, dxClaims[dx]!) : 0;
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
      const it = set.lines.item[l]!;
      rate = Math.max(rate, itemHits[it]! / Math.max(1, itemClaims[it]!));
    }
    return Math.min(1, rate);
  };
  const expected = new Map<number, number>();
  const observed = new Map<number, Map<number, number>>(); // institution → holder → signal claims (≤ 2 each)
  for (let i = 0; i < c.count; i++) {
    const g = c.institution[i]!;
    const kind = set.institutions.kind[g]! % 3;
    const r = Math.min(1, otherByKind[kind]! / Math.max(1, claimsByKind[kind]!) + contradictionRate(i));
    expected.set(g, (expected.get(g) ?? 0) + r);
    const card = silentClaims.get(i);
    if (card === undefined || byDoctorOnly.has(i)) continue;
    const byHolder = observed.get(g) ?? observed.set(g, new Map()).get(g)!;
    const h = holder[card]!;
    byHolder.set(h, Math.min(2, (byHolder.get(h) ?? 0) + 1));
  }
  const suspiciousAt = new Map<number, Map<number, number>>(); // institution → holder → a card of theirs
  for (const [i, card] of silentClaims) {
    if (byDoctorOnly.has(i)) continue;
    const g = c.institution[i]!;
    (suspiciousAt.get(g) ?? suspiciousAt.set(g, new Map()).get(g)!).set(holder[card]!, card);
  }
  const counters = expected.size;
  for (const [g, byHolder] of observed) {
    const found = suspiciousAt.get(g)!;
    const o = [...byHolder.values()].reduce((a, b) => a + b, 0);
    const log10P = poissonUpperTailLog10(o, Math.max(1e-6, expected.get(g)!)) + Math.log10(counters);
    if (found.size < p.minHolders || log10P > p.counterLog10P) continue;
    drafts.push({ cards: new Set(found.values()), users: new Set(), institutions: new Set([g]), log10Ps: [Math.min(0, log10P)] });
  }

  // 3. Cards one person presents together. At counters that record nobody, a ring's users swipe a few
  // lent cards per visit, visit after visit: the cards sit next to each other in the counter's sequence
  // on several days (the co-occurrence of algorithms/recurring-groups.ts, a handful of neighbours, one
  // holder's or one family's cards explained). Such a group is a ring when its cards carry the silent
  // signals far more often than each of their claims makes likely.
  const unchecked = institutionDays(set, (i) => c.served[i]! < 0 && !isExempt(k, i, 'farming'));
  const cardOf = new Int32Array(c.count).fill(-1);
  for (const i of unchecked.order) cardOf[i] = c.card[i]!;
  const together = coOccurrenceEdges(unchecked, cardOf, cardCount, p.together, (a, b) => {
    const ha = holder[a]!;
    const hb = holder[b]!;
    return ha >= 0 && hb >= 0 && !kin.sameHome(ha, hb);
  });
  const presented = ringCommunities(cardCount, together, { minSize: p.minHolders, maxSize: 40, seed: p.seed, key: (card) => set.cards.id[card]! });
  const byCard = groupClaims(c.card, cardCount);
  for (const cards of presented) {
    if (new Set(cards.map((card) => householdOf(holder[card]!))).size < p.minHolders) continue;
    // What the group's claims should contradict by chance is read from everyone else's claims with the same
    // items and diagnoses (leave-group-out): a diagnosis only the group bills — a pregnancy on men's cards —
    // must not be its own norm. Where nobody else bills them, the share of all claims that contradict.
    const own = new Map<string, [claims: number, hits: number]>();
    const keysOf = (i: number) => {
      const keys = new Set<string>();
      if (c.diagnosis[i]! >= 0) keys.add(`d${c.diagnosis[i]}`);
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) keys.add(`i${set.lines.item[l]}`);
      return keys;
    };
    const groupClaims: number[] = [];
    for (const card of cards) for (let x = byCard.start[card]!; x < byCard.start[card + 1]!; x++) groupClaims.push(byCard.members[x]!);
    for (const i of groupClaims)
      for (const key of keysOf(i)) {
        const o = own.get(key) ?? own.set(key, [0, 0]).get(key)!;
        o[0]++;
        if (contradicting.has(i)) o[1]++;
      }
    const outsideRate = (key: string) => {
      const [claims, hits] = key[0] === 'd' ? [dxClaims[Number(key.slice(1))]!, dxHits[Number(key.slice(1))]!] : [itemClaims[Number(key.slice(1))]!, itemHits[Number(key.slice(1))]!];
      const [ownClaims, ownHits] = own.get(key)!;
      return (hits - ownHits + baseContradiction) / (claims - ownClaims + 1);
    };
    let observedSignals = 0;
    let expectedSignals = 0;
    for (const i of groupClaims) {
      let rate = 0;
      for (const key of keysOf(i)) rate = Math.max(rate, outsideRate(key));
      expectedSignals += Math.min(1, rate);
      if (corroborated.has(i)) observedSignals++;
    }
    const log10P = poissonUpperTailLog10(observedSignals, Math.max(1e-6, expectedSignals)) + Math.log10(Math.max(1, presented.length));
    if (log10P > p.counterLog10P) continue;
    drafts.push({ cards: new Set(cards), users: new Set(), institutions: new Set(), log10Ps: [Math.min(0, log10P)] });
  }

  // A counter's silent cards and the users recorded on mostly the same cards are one ring; a counter
  // that shares a card or two with a ring is a neighbouring scheme (or a coincidence), kept apart.
  const merged: Draft[] = [];
  // Overlap is counted in holders: one holder's card and e-voucher lent to two users are one ring's.
  const holdersOf = (cards: Set<number>) => new Set([...cards].map((card) => holder[card]!));
  for (const d of drafts) {
    const mine = holdersOf(d.cards);
    const host = merged.find((m) => {
      const theirs = holdersOf(m.cards);
      let inter = 0;
      for (const h of mine) if (theirs.has(h)) inter++;
      return inter >= 0.5 * Math.min(mine.size, theirs.size);
    });
    if (!host) {
      merged.push({ cards: new Set(d.cards), users: new Set(d.users), institutions: new Set(d.institutions), log10Ps: [...d.log10Ps] });
      continue;
    }
    for (const x of d.cards) host.cards.add(x);
    for (const x of d.users) host.users.add(x);
    for (const x of d.institutions) host.institutions.add(x);
    host.log10Ps.push(...d.log10Ps);
  }
  // A user the registry shows to be a stranger to several households is a card user: their records on
  // cards whose holders are family only by surname and age (about one stranger pair in ten passes that
  // test by chance) are the ring's too. Kinship may explain a handful of households, not a ring user's.
  // Added once the rings are settled, so that no such card joins two rings into one.
  // One holder's cards are one holder's: where a ring has one of a holder's cards, their other card joins
  // it when it carries a silent signal of its own (an item that contradicts the holder, a purchase during
  // the holder's stay elsewhere) — a second card of someone who lends is lent, not used by them for a child.
  for (const d of merged) for (const u of d.users) for (const card of kinCardsOfUser.get(u) ?? []) d.cards.add(card);
  const cardsOfHolder = new Map<number, number[]>();
  for (let card = 0; card < cardCount; card++) if (holder[card]! >= 0) (cardsOfHolder.get(holder[card]!) ?? cardsOfHolder.set(holder[card]!, []).get(holder[card]!)!).push(card);
  for (const d of merged)
    for (const h of holdersOf(d.cards))
      for (const card of cardsOfHolder.get(h) ?? []) if (!d.cards.has(card) && SILENT.some((s) => sig.byCard.get(card)?.has(s))) d.cards.add(card);
  const tested = Math.max(1, cardGroups.length + suspiciousAt.size + presented.length);
  void sig.recordedOthers;
  const out: RingCandidate[] = [];
  // claims per card, built for the first ring reported (a scan of every claim per ring was the cost)
  let claimsOfCard: ReturnType<typeof groupClaims> | undefined;
  for (const d of merged) {
    const cards = [...d.cards].sort((a, b) => a - b);
    const holders = [...new Set(cards.map((card) => holder[card]!))];
    if (new Set(holders.map(householdOf)).size < p.minHolders) continue;
    const silentLog10P = corroboration(set, cards, sig);
    const log10P = fisherCombineLog10([...d.log10Ps.map((x) => Math.max(x, -30)), silentLog10P]);
    const surprise = -log10P - Math.log10(tested);
    if (surprise < MIN_SURPRISE) continue;
    claimsOfCard ??= groupClaims(c.card, cardCount);
    out.push(candidate(set, p, sig, claimsOfCard, cards, [...d.users].sort((a, b) => a - b), d.institutions, surprise));
  }
  return out;
}

/**
 * How unusual the group's silent signals are: cards with at least one, against the share of all cards
 * that have one (a Poisson tail on the count). Corroboration, not a reason on its own.
 */
function corroboration(set: ClaimSet, cards: number[], sig: CardSignals): number {
  let withSilent = 0;
  let anyCard = 0;
  for (const [, signals] of sig.byCard) if (CORROBORATING.some((s) => signals.has(s))) anyCard++;
  for (const card of cards) if (CORROBORATING.some((s) => sig.byCard.get(card)?.has(s))) withSilent++;
  const rate = anyCard / Math.max(1, set.cards.id.length);
  return poissonUpperTailLog10(withSilent, Math.max(1e-6, rate * cards.length));
}

function candidate(set: ClaimSet, p: CardLendingParams, sig: CardSignals, claimsOfCard: ReturnType<typeof groupClaims>, cards: number[], users: number[], counters: Set<number>, surprise: number): RingCandidate {
  const c = set.claims;
  const cardSet = new Set(cards);
  // the ring's cards' claims, in claim order: what the ring's claims and its users' kin claims are read from
  const ringClaims: number[] = [];
  for (const card of cardSet) for (let x = claimsOfCard.start[card]!; x < claimsOfCard.start[card + 1]!; x++) ringClaims.push(claimsOfCard.members[x]!);
  ringClaims.sort((a, b) => a - b);
  const userSet = new Set(users);
  // Where the ring operates: counters where its users were recorded, or its silent signals happened.
  const instHolders = new Map<number, Set<number>>();
  const evidenceClaims = new Set<number>();
  for (const card of cards) {
    for (const [s, list] of sig.byCard.get(card) ?? []) {
      for (const i of list) {
        if (s === 'stranger-recipient' && !userSet.has(c.served[i]!) && users.length > 0) continue;
        evidenceClaims.add(i);
        const g = c.institution[i]!;
        (instHolders.get(g) ?? instHolders.set(g, new Set()).get(g)!).add(set.cards.holder[card]!);
      }
    }
  }
  // the ring's users recorded on cards whose holders are their family by name and age only
  const kinClaims: number[] = [];
  const kinCards = new Set<number>();
  if (userSet.size > 0)
    for (const i of ringClaims) {
      const card = c.card[i]!;
      if (!userSet.has(c.served[i]!) || !sig.inferredKin.get(card)?.has(c.served[i]!)) continue;
      kinClaims.push(i);
      kinCards.add(card);
      evidenceClaims.add(i);
      const g = c.institution[i]!;
      (instHolders.get(g) ?? instHolders.set(g, new Set()).get(g)!).add(set.cards.holder[card]!);
    }
  const holderCount = new Set(cards.map((card) => set.cards.holder[card]!)).size;
  const institutions = [...instHolders.entries()].filter(([g, s]) => counters.has(g) || s.size >= Math.max(2, p.institutionShare * holderCount)).map(([g]) => g).sort((a, b) => a - b);
  const m = new MemberList();
  for (const u of users) m.add('person', u, 'user');
  for (const card of cards) m.add('card', card, 'lent-card');
  for (const card of cards) m.add('person', set.cards.holder[card]!, 'card-holder');
  for (const g of institutions) m.add('institution', g, set.institutions.kind[g] === INST_KIND.pharmacy ? 'pharmacy' : 'clinic');
  const counts: Record<LendingSignal, number> = { 'stranger-recipient': 0, 'contradicting-item': 0, 'impossible-travel': 0, 'during-inpatient-stay': 0, 'other-region': 0 };
  const signalClaims: Record<LendingSignal, number[]> = { 'stranger-recipient': [], 'contradicting-item': [], 'impossible-travel': [], 'during-inpatient-stay': [], 'other-region': [] };
  for (const card of cards)
    for (const [s, list] of sig.byCard.get(card) ?? []) {
      counts[s] += list.length;
      signalClaims[s].push(...list);
    }
  const cardRefs = cards.map((index) => ({ type: 'card' as const, index }));
  const evidence: Evidence[] = [];
  if (users.length) {
    const withStranger = cards.filter((k) => sig.strangers.has(k)).length;
    evidence.push({ key: 'lending.stranger-recipients', facts: { cards: withStranger, users: users.length, claims: counts['stranger-recipient'] }, entities: [...cardRefs, ...users.map((index) => ({ type: 'person' as const, index }))], claims: signalClaims['stranger-recipient'], weight: 1 });
  }
  if (kinCards.size) evidence.push({ key: 'lending.kin-by-name-only', facts: { cards: kinCards.size, claims: kinClaims.length }, entities: [...kinCards].sort((a, b) => a - b).map((index) => ({ type: 'card' as const, index })), claims: kinClaims, weight: 0.5 });
  if (counts['contradicting-item']) evidence.push({ key: 'lending.contradicting-items', facts: { claims: counts['contradicting-item'] }, entities: cardRefs, claims: signalClaims['contradicting-item'], weight: Math.min(1, counts['contradicting-item'] / 5) });
  if (counts['impossible-travel']) evidence.push({ key: 'lending.impossible-travel', facts: { claims: counts['impossible-travel'] }, entities: cardRefs, claims: signalClaims['impossible-travel'], weight: Math.min(1, counts['impossible-travel'] / 4) });
  if (counts['during-inpatient-stay']) evidence.push({ key: 'lending.during-stay', facts: { claims: counts['during-inpatient-stay'] }, entities: cardRefs, claims: signalClaims['during-inpatient-stay'], weight: Math.min(1, counts['during-inpatient-stay'] / 3) });
  if (counts['other-region']) evidence.push({ key: 'lending.other-region', facts: { claims: counts['other-region'] }, entities: cardRefs, claims: signalClaims['other-region'], weight: Math.min(1, counts['other-region'] / 5) });
  if (institutions.length) evidence.push({ key: 'lending.shared-counters', facts: { cards: cards.length, institutions: institutions.map((g) => set.institutions.name[g]).join('、') }, entities: institutions.map((index) => ({ type: 'institution' as const, index })), weight: 0.5 });
  // The ring's claims: its cards at its counters, not settled for the holder. Local facts only, so a run
  // split by region lists the same claims as a whole run (a journey's far end may lie in another region).
  const instSet = new Set(institutions);
  const claims: number[] = [];
  for (const i of ringClaims) if (instSet.has(c.institution[i]!) && c.served[i] !== set.cards.holder[c.card[i]!]) claims.push(i);
  if (claims.length === 0) for (const i of evidenceClaims) if (cardSet.has(c.card[i]!)) claims.push(i);
  claims.sort((a, b) => a - b);
  return { family: 'card-lending', members: m.list, claims, evidence, confidence: calibratedConfidence(surprise), surprise };
}
