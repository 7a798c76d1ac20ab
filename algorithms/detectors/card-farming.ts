import { IDENTITY_CHECKS, INST_KIND, groupClaims, type ClaimSet } from '../claim-set.ts';
import { ringCommunities } from '../communities.ts';
import { isExempt, type CompiledKnowledge } from '../knowledge.ts';
import type { Kinship } from '../kinship.ts';
import { coOccurrenceEdges, groupDays, institutionDays, timeOfDayProfiles, type GroupDay } from '../recurring-groups.ts';
import { binomialLowerTailLog10, coefficientOfVariation, fisherCombineLog10, median } from '../stats.ts';
import { MIN_SURPRISE, MemberList, calibratedConfidence, type Evidence, type RingCandidate } from './types.ts';

/**
 * 集中刷卡 / 套刷: an institution holding many cards swipes them in runs, and the same cards come back run
 * after run. A farm that is caught swiping every minute swipes every five, so nothing here is a clock
 * constant: cards are linked when they sit close together in the counter's settlement *sequence* on
 * several days (algorithms/recurring-groups.ts), linked cards form communities, and a community is a farm
 * when, on several days, its swipes at one counter are far more compact than the counter's own traffic
 * makes likely (rank scan and time-of-day scan). Chronic patients on their clinic day recur as well but
 * are scattered through it; a family shopping together and one holder's two cards are explained; planned
 * care (dialysis slots) is expected to recur (knowledge file); and sessions where the holders were checked
 * in person are a group visit, which the recruited-patients detector judges. Cards that come a few at a
 * time, or that also come together to other counters, are people carrying lent cards: reported as card
 * lending, with every counter they reach.
 */

export interface CardFarmingParams {
  /** a swipe is linked to this many following swipes of recurring cards at the counter that day */
  neighbours: number;
  /** "recurs": a card enters a counter's sequences when it was swiped there on at least this many days */
  minRecurrence: number;
  /** two cards are linked when they were neighbours on at least this many days */
  minSharedDays: number;
  minCards: number;
  maxCards: number;
  /** a day is a farming session when its compactness p ≤ 10^compactLog10P (statistical convention: 0.01) */
  compactLog10P: number;
  /** and a farm has at least this many sessions ("the same cards recur": three is the least that recurs) */
  minSessions: number;
  /**
   * A farm swipes its stack in sessions: of the days two of its cards were settled one right after the
   * other, at least this share are sessions ("most": a majority). Below it the cards come a few at a time,
   * visit after visit, and only now and then do visits coincide: people using lent cards at a counter that
   * records nobody — reported as card lending.
   */
  minSessionShare: number;
  /**
   * The holders were there in person (a group visit, recruited patients' to judge) when some of the
   * block's swipes passed a face check and the shortfall against the counter's own rate is no more than
   * chance: binomial lower tail p > 10^absentLog10P (convention: 0.01). A block with no face check at all
   * is left to the sessions; above `maxCheckedShare` checked the holders were there.
   */
  absentLog10P: number;
  maxCheckedShare: number;
  seed: number;
}

const FACE = IDENTITY_CHECKS.indexOf('face');

export const CARD_FARMING_DEFAULTS: CardFarmingParams = {
  neighbours: 8,
  minRecurrence: 3,
  minSharedDays: 3,
  minCards: 3,
  maxCards: 120,
  compactLog10P: -2,
  minSessions: 3,
  minSessionShare: 0.5,
  absentLog10P: -2,
  maxCheckedShare: 0.8,
  seed: 7,
};

export function detectCardFarming(set: ClaimSet, p: CardFarmingParams, k: CompiledKnowledge, kin: Kinship): RingCandidate[] {
  const c = set.claims;
  const days = institutionDays(set, (i) => !isExempt(k, i, 'farming'));
  const profiles = timeOfDayProfiles(set, days);
  const cardCount = set.cards.id.length;
  const entityOf = new Int32Array(c.count).fill(-1);
  for (const i of days.order) entityOf[i] = c.card[i]!;
  const holder = set.cards.holder;
  // One holder's two cards, or a family's cards, swiped together are explained.
  const keep = (a: number, b: number) => {
    const ha = holder[a]!;
    const hb = holder[b]!;
    return ha < 0 || hb < 0 || !kin.sameHome(ha, hb);
  };
  const edges = coOccurrenceEdges(days, entityOf, cardCount, p, keep);
  const communities = ringCommunities(cardCount, edges, { maxSize: p.maxCards, minSize: p.minCards, seed: p.seed, key: (card) => set.cards.id[card]! });
  const out: RingCandidate[] = [];
  const tested = Math.max(1, communities.length);
  const byCard = groupClaims(c.card, cardCount, days.order);
  // How often each counter face-checks whoever it settles for: a farm's swipes pass far fewer checks there.
  const faced = new Float64Array(set.institutions.id.length);
  const settled = new Float64Array(set.institutions.id.length);
  for (const i of days.order) {
    settled[c.institution[i]!]!++;
    if (c.check[i] === FACE) faced[c.institution[i]!]!++;
  }
  const faceRate = faced.map((x, g) => (settled[g]! > 0 ? x / settled[g]! : 0));
  /** Everything the counter settled from the first to the last of a session's swipes. */
  const inSession = (d: GroupDay): number[] => {
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const i of d.claims) {
      from = Math.min(from, c.t[i]!);
      to = Math.max(to, c.t[i]!);
    }
    const out: number[] = [];
    for (let x = days.segStart[d.segment]!; x < days.segStart[d.segment + 1]!; x++) {
      const i = days.order[x]!;
      if (c.t[i]! >= from && c.t[i]! <= to) out.push(i);
    }
    return out;
  };
  /** Blocks whose holders were there: a group visit, whose pieces the co-occurrence graph may have cut apart. */
  const groupVisits: { institution: number; days: Set<number> }[] = [];
  /** A block of cards judged at one counter: its sessions, its core cards, and whether it is a farm. */
  const judge = (cards: number[], institution: number) => {
    const minPresent = Math.max(3, Math.ceil(cards.length / 3));
    const blockClaims: number[] = [];
    for (const card of cards) for (let x = byCard.start[card]!; x < byCard.start[card + 1]!; x++) blockClaims.push(byCard.members[x]!);
    const all = groupDays(set, days, profiles, institution, entityOf, blockClaims, minPresent);
    const sessions = all.filter((d) => d.log10P <= p.compactLog10P);
    if (sessions.length < p.minSessions) return undefined;
    // Cards of the farm are swiped session after session; a regular who once stood in the queue is not.
    const perCard = new Map<number, number>();
    for (const d of sessions) for (const i of d.claims) perCard.set(c.card[i]!, (perCard.get(c.card[i]!) ?? 0) + 1);
    const core = cards.filter((card) => (perCard.get(card) ?? 0) >= Math.max(2, Math.ceil(0.2 * sessions.length)));
    if (core.length < p.minCards) return undefined;
    const coreSet = new Set(core);
    const claims = sessions.flatMap((d) => d.claims).filter((i) => coreSet.has(c.card[i]!));
    // A face check proves the holder stood at the counter; a real-name record only that the card's name
    // was entered, which whoever holds the card can do.
    // A face check proves the holder stood at the counter. A farm's own swipes pass none; a group
    // that came in person passes them about as often as the counter's other customers, and a shortfall
    // counts only when it is too large for chance (a small group at a counter that rarely checks passes
    // few checks anyway).
    const faced = claims.filter((i) => c.check[i] === FACE).length;
    const checked = faced / claims.length;
    const rate = faceRate[institution]!;
    if (checked > p.maxCheckedShare || (faced > 0 && binomialLowerTailLog10(faced, claims.length, rate) > p.absentLog10P)) {
      groupVisits.push({ institution, days: new Set(sessions.map((d) => d.day)) });
      return undefined;
    }
    const log10P = fisherCombineLog10(all.map((d) => Math.max(d.log10P, -12)));
    const surprise = -log10P - Math.log10(tested);
    if (surprise < MIN_SURPRISE) return undefined;
    return { institution, core, sessions, claims, checked, log10P, surprise, days: new Set(sessions.map((d) => d.day)) };
  };
  type Block = NonNullable<ReturnType<typeof judge>>;
  const blocks: Block[] = [];
  for (const cards of communities) {
    // Every counter where the block could have run sessions, with the block's cards that recur there:
    // overlapping farms share cards across counters.
    const perInst = new Map<number, Map<number, number>>();
    for (const card of cards) for (let x = byCard.start[card]!; x < byCard.start[card + 1]!; x++) {
      const g = c.institution[byCard.members[x]!]!;
      const m = perInst.get(g) ?? perInst.set(g, new Map()).get(g)!;
      m.set(card, (m.get(card) ?? 0) + 1);
    }
    for (const [institution, counts] of [...perInst.entries()].sort((a, b) => a[0] - b[0])) {
      const local = [...counts.entries()].filter(([, n]) => n >= p.minRecurrence).map(([card]) => card);
      if (local.length < p.minCards) continue;
      const block = judge(local, institution);
      if (block) blocks.push(block);
    }
  }
  // A farm that swipes its stack in the same order every session is a chain of neighbours, which
  // Louvain cuts into pieces; pieces at one counter with the same session days are one farm.
  const merged: Block[] = [];
  for (const b of blocks.sort((x, y) => x.institution - y.institution || y.surprise - x.surprise)) {
    const host = merged.find((m) => m.institution === b.institution && [...b.days].filter((d) => m.days.has(d)).length >= 0.5 * Math.min(b.days.size, m.days.size));
    if (!host) {
      merged.push(b);
      continue;
    }
    const joined = judge([...new Set([...host.core, ...b.core])].sort((x, y) => x - y), b.institution);
    if (joined) merged[merged.indexOf(host)] = joined;
  }
  // The farm's cards are the ones swiped inside its sessions, session after session, whichever piece of
  // the co-occurrence graph they fell into.
  /** The cards swiped inside the block's sessions, session after session, whichever piece of the co-occurrence graph they fell into. */
  const sessionCards = (b: Block): number[] => {
    const count = new Map<number, number>();
    for (const d of b.sessions) for (const card of new Set(inSession(d).map((i) => c.card[i]!))) count.set(card, (count.get(card) ?? 0) + 1);
    return [...count.entries()].filter(([, n]) => n >= Math.max(2, Math.ceil(0.2 * b.sessions.length))).map(([card]) => card);
  };
  // The farm's cards are those, when the wider block is still a farm.
  const extend = (b: Block): Block => {
    const cards = sessionCards(b);
    if (cards.length <= b.core.length) return b;
    const wider = judge(cards.sort((x, y) => x - y), b.institution);
    return wider && wider.sessions.length >= b.sessions.length ? wider : b;
  };
  /**
   * Days on which two of the cards its sessions hold were settled one right after the other at the block's
   * counter, from its first session to its last: every visit of someone presenting two cards or more, and
   * every session.
   */
  const visitDays = (b: Block): Set<number> => {
    const first = Math.min(...b.days);
    const last = Math.max(...b.days);
    const cards = new Set([...b.core, ...sessionCards(b)]);
    const out = new Set<number>();
    for (const card of cards)
      for (let x = byCard.start[card]!; x < byCard.start[card + 1]!; x++) {
        const i = byCard.members[x]!;
        if (c.institution[i] !== b.institution || c.day[i]! < first || c.day[i]! > last) continue;
        const seg = days.segOf[i]!;
        const k = days.segStart[seg]! + days.rankOf[i]! + 1;
        if (k < days.segStart[seg + 1]! && cards.has(c.card[days.order[k]!]!)) out.add(c.day[i]!);
      }
    return out;
  };
  /** Days on which a card of one set was settled right after a card of the other at the counter (and which cards were). */
  const adjacent = (institution: number, from: readonly number[], to: ReadonlySet<number>) => {
    const out = new Set<number>();
    const cards = new Set<number>();
    for (const card of from)
      for (let x = byCard.start[card]!; x < byCard.start[card + 1]!; x++) {
        const i = byCard.members[x]!;
        if (c.institution[i] !== institution) continue;
        const seg = days.segOf[i]!;
        const k = days.segStart[seg]! + days.rankOf[i]! + 1;
        const next = k < days.segStart[seg + 1]! ? c.card[days.order[k]!]! : -1;
        if (next >= 0 && to.has(next)) {
          out.add(c.day[i]!);
          cards.add(card).add(next);
        }
      }
    return { days: out, cards };
  };
  const adjacentDays = (institution: number, from: readonly number[], to: ReadonlySet<number>) => adjacent(institution, from, to).days;
  /**
   * Other counters where the block's cards are presented together too: several of them (a block's worth)
   * settled one right after the other there on as many days as make cards recur, and together at least half
   * of the block's cards. A farm's stack stays at its counter (two farms that share a card or two still
   * keep their stacks); cards that come together to several counters travel in someone's pocket — lent
   * cards, whatever the share of sessions.
   */
  const elsewhere = (b: Block): number[] => {
    const cards = new Set(b.core);
    const counters = new Set<number>();
    for (const card of b.core) for (let x = byCard.start[card]!; x < byCard.start[card + 1]!; x++) counters.add(c.institution[byCard.members[x]!]!);
    counters.delete(b.institution);
    const travelled = new Set<number>();
    const out: number[] = [];
    for (const g of [...counters].sort((x, y) => x - y)) {
      const a = adjacent(g, b.core, cards);
      if (a.days.size < p.minRecurrence || a.cards.size < p.minCards) continue;
      out.push(g);
      for (const card of a.cards) travelled.add(card);
    }
    return travelled.size >= 0.5 * b.core.length ? out : [];
  };
  const done: Block[] = [];
  const lent: (Block & { visits: Set<number>; counters: number[] })[] = [];
  // A piece whose sessions are a group visit's sessions is that group's, even if none of its own few
  // swipes happened to be face-checked.
  const partOfGroupVisit = (b: Block) => groupVisits.some((v) => v.institution === b.institution && [...b.days].filter((d) => v.days.has(d)).length >= 0.5 * b.days.size);
  for (const b0 of merged.filter((b) => !partOfGroupVisit(b))) {
    const b = extend(b0);
    const cores = new Set(b.core);
    if (done.some((x) => x.institution === b.institution && x.core.filter((card) => cores.has(card)).length >= 0.5 * Math.min(x.core.length, b.core.length))) continue;
    done.push(b);
    const visits = visitDays(b);
    const counters = elsewhere(b);
    if (counters.length > 0 || b.days.size < p.minSessionShare * visits.size) lent.push({ ...b, visits, counters });
    else out.push(candidate(set, b.institution, b.core, b.sessions, b.claims, b.checked, b.log10P, b.surprise));
  }
  // Pieces of one pool of lent cards at one counter (Louvain cuts a pool whose cards are shuffled between
  // its users) are presented in one visit again and again: on as many days as make cards recur. A pool
  // that travels is one with its pieces at the other counters it reaches.
  const pools: (Block & { visits: Set<number>; counters: number[] })[] = [];
  const overlapping = (a: readonly number[], b: readonly number[]) => {
    const set = new Set(a);
    return b.filter((card) => set.has(card)).length >= 0.5 * Math.min(a.length, b.length);
  };
  for (const b of lent) {
    const host = pools.find((m) => {
      if (m.institution !== b.institution) return (m.counters.includes(b.institution) || b.counters.includes(m.institution)) && overlapping(m.core, b.core);
      const joint = adjacentDays(b.institution, b.core, new Set(m.core));
      for (const d of adjacentDays(b.institution, m.core, new Set(b.core))) joint.add(d);
      return joint.size >= p.minRecurrence;
    });
    if (!host) {
      pools.push({ ...b, core: [...b.core], sessions: [...b.sessions], days: new Set(b.days), visits: new Set(b.visits), counters: [...b.counters] });
      continue;
    }
    host.core = [...new Set([...host.core, ...b.core])].sort((x, y) => x - y);
    if (b.institution === host.institution) {
      for (const d of b.sessions) if (!host.days.has(d.day)) host.sessions.push(d);
      for (const d of b.days) host.days.add(d);
      for (const d of b.visits) host.visits.add(d);
    }
    host.counters = [...new Set([...host.counters, ...b.counters, b.institution])].filter((g) => g !== host.institution).sort((x, y) => x - y);
    host.surprise = Math.max(host.surprise, b.surprise);
  }
  for (const b of pools) {
    const cards = new Set(b.core);
    const together = new Map(b.counters.map((g) => [g, adjacentDays(g, b.core, cards)] as const));
    out.push(presentedTogether(set, b.institution, together, b.core, b.sessions, b.visits, b.surprise));
  }
  return out;
}

/**
 * Cards that come to one counter a few at a time, visit after visit, and only on some days all at once: the
 * block's evidence is the same (they are far more often next to each other than the counter's traffic makes
 * likely), but the pattern is people presenting lent cards, not a counter swiping its stack.
 */
function presentedTogether(set: ClaimSet, institution: number, elsewhere: Map<number, Set<number>>, cards: number[], sessions: GroupDay[], visits: Set<number>, surprise: number): RingCandidate {
  const c = set.claims;
  const m = new MemberList();
  for (const g of [institution, ...elsewhere.keys()]) m.add('institution', g, set.institutions.kind[g] === INST_KIND.pharmacy ? 'pharmacy' : 'clinic');
  for (const card of cards) m.add('card', card, 'lent-card');
  for (const card of cards) m.add('person', set.cards.holder[card]!, 'card-holder');
  const first = Math.min(...visits);
  const last = Math.max(...visits);
  const cardSet = new Set(cards);
  const claims: number[] = [];
  const perDay = new Map<number, Set<number>>();
  let unrecorded = 0;
  for (let i = 0; i < c.count; i++) {
    if (c.institution[i] !== institution || !cardSet.has(c.card[i]!) || c.day[i]! < first || c.day[i]! > last) continue;
    claims.push(i);
    if (c.served[i]! < 0) unrecorded++;
    if (visits.has(c.day[i]!)) (perDay.get(c.day[i]!) ?? perDay.set(c.day[i]!, new Set()).get(c.day[i]!)!).add(c.card[i]!);
  }
  const evidence: Evidence[] = [
    {
      key: 'lending.presented-together',
      facts: { cards: cards.length, institution: set.institutions.name[institution]!, days: visits.size, perDay: median([...perDay.values()].map((s) => s.size)), sessions: sessions.length, unrecordedPercent: Math.round((unrecorded / Math.max(1, claims.length)) * 100) },
      entities: [{ type: 'institution', index: institution }, ...cards.map((index) => ({ type: 'card' as const, index }))],
      claims,
      weight: Math.min(1, visits.size / 8),
    },
  ];
  if (elsewhere.size > 0) {
    // The same cards presented together at the other counters, on the days they were.
    const away: number[] = [];
    for (let i = 0; i < c.count; i++) if (cardSet.has(c.card[i]!) && elsewhere.get(c.institution[i]!)?.has(c.day[i]!)) away.push(i);
    const names = [...elsewhere.keys()].map((g) => set.institutions.name[g]!);
    evidence.push({
      key: 'lending.travelling-cards',
      facts: { cards: cards.length, institutions: names.join('、'), counters: elsewhere.size, days: [...elsewhere.values()].reduce((n, d) => n + d.size, 0) },
      entities: [...elsewhere.keys()].map((index) => ({ type: 'institution' as const, index })),
      claims: away,
      weight: Math.min(1, elsewhere.size / 2),
    });
  }
  const ringClaims = [...new Set([...claims, ...evidence.flatMap((e) => e.claims ?? [])])].sort((a, b) => a - b);
  return { family: 'card-lending', members: m.list, claims: ringClaims, evidence, confidence: calibratedConfidence(surprise), surprise };
}

function candidate(set: ClaimSet, institution: number, cards: number[], sessions: GroupDay[], claims: number[], checked: number, log10P: number, surprise: number): RingCandidate {
  const c = set.claims;
  const m = new MemberList();
  m.add('institution', institution, 'farming-institution');
  for (const card of cards) m.add('card', card, 'farmed-card');
  for (const card of cards) m.add('person', set.cards.holder[card]!, 'card-holder');
  const offHourClaims: number[] = [];
  for (const i of claims) {
    const hour = Math.floor((((c.t[i]! + 8 * 3600) % 86400) + 86400) % 86400 / 3600);
    if (hour < 8 || hour >= 21) offHourClaims.push(i);
  }
  const offHours = offHourClaims.length;
  const minutes = median(sessions.map((d) => d.minutes));
  const cardSet = new Set(cards);
  const perSession = median(sessions.map((d) => d.claims.filter((i) => cardSet.has(c.card[i]!)).length));
  const amountCv = coefficientOfVariation(claims.map((i) => c.total[i]!));
  const evidence: Evidence[] = [
    {
      key: 'farming.sessions',
      facts: { cards: cards.length, institution: set.institutions.name[institution]!, sessions: sessions.length, perSession, minutes, log10P: Math.round(-log10P) },
      entities: [{ type: 'institution', index: institution }, ...cards.map((index) => ({ type: 'card' as const, index }))],
      claims,
      weight: Math.min(1, sessions.length / 8),
    },
    { key: 'farming.off-hours', facts: { percent: Math.round((offHours / claims.length) * 100), claims: claims.length }, entities: [], claims: offHourClaims, weight: offHours / claims.length },
    { key: 'farming.no-face-check', facts: { percent: Math.round((1 - checked) * 100) }, entities: [], claims: claims.filter((i) => c.check[i] !== FACE), weight: 1 - checked },
    { key: 'farming.similar-amounts', facts: { cvPercent: Math.round(amountCv * 100) }, entities: [], claims, weight: Math.max(0, 1 - amountCv) },
  ];
  return { family: 'card-farming', members: m.list, claims: [...claims].sort((a, b) => a - b), evidence, confidence: calibratedConfidence(surprise), surprise };
}
