import { groupClaims, type ClaimSet } from '../claim-set.ts';
import { ringCommunities } from '../communities.ts';
import { MemberList, type Evidence, type RingCandidate } from './types.ts';

/**
 * 集中刷卡 / 套刷: an institution holding many cards swipes them one after another. A burst is a run of
 * settlements at one institution, each within `maxGapSeconds` of the previous, on at least
 * `minBurstCards` distinct cards. Farming shows as the same cards recurring burst after burst — a
 * dense cards × bursts block — while a busy counter's bursts are different people every time.
 */

export interface CardFarmingParams {
  maxGapSeconds: number;
  minBurstCards: number;
  /** two cards are linked when they were swiped in this many of the same bursts */
  minSharedBursts: number;
  minCards: number;
  maxCards: number;
  seed: number;
}

export const CARD_FARMING_DEFAULTS: CardFarmingParams = { maxGapSeconds: 120, minBurstCards: 4, minSharedBursts: 3, minCards: 3, maxCards: 120, seed: 7 };

interface Burst {
  institution: number;
  claims: number[];
  cards: number[];
}

export function findBursts(set: ClaimSet, p: Pick<CardFarmingParams, 'maxGapSeconds' | 'minBurstCards'>): Burst[] {
  const c = set.claims;
  const order = Int32Array.from({ length: c.count }, (_, i) => i).sort((a, b) => c.t[a]! - c.t[b]! || a - b);
  const byInst = groupClaims(c.institution, set.institutions.id.length, order);
  const bursts: Burst[] = [];
  for (let g = 0; g < set.institutions.id.length; g++) {
    const lo = byInst.start[g]!;
    const hi = byInst.start[g + 1]!;
    let s = lo;
    for (let k = lo + 1; k <= hi; k++) {
      const gapBreak = k === hi || c.t[byInst.members[k]!]! - c.t[byInst.members[k - 1]!]! > p.maxGapSeconds;
      if (!gapBreak) continue;
      if (k - s >= p.minBurstCards) {
        const claims = Array.from(byInst.members.subarray(s, k));
        const cards = [...new Set(claims.map((i) => c.card[i]!))].sort((a, b) => a - b);
        if (cards.length >= p.minBurstCards) bursts.push({ institution: g, claims, cards });
      }
      s = k;
    }
  }
  return bursts;
}

export function detectCardFarming(set: ClaimSet, p: CardFarmingParams = CARD_FARMING_DEFAULTS): RingCandidate[] {
  const bursts = findBursts(set, p);
  const cardCount = set.cards.id.length;
  // card pair → shared bursts (only within one institution: a farm is one counter)
  const shared = new Map<number, number>();
  const household = set.persons.household;
  for (const b of bursts) {
    for (let x = 0; x < b.cards.length; x++) {
      for (let y = x + 1; y < b.cards.length; y++) {
        const key = b.cards[x]! * cardCount + b.cards[y]!;
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
    }
  }
  const src: number[] = [];
  const dst: number[] = [];
  const wt: number[] = [];
  for (const [key, n] of shared) {
    if (n < p.minSharedBursts) continue;
    const a = Math.floor(key / cardCount);
    const b = key - a * cardCount;
    const ha = set.cards.holder[a]!;
    const hb = set.cards.holder[b]!;
    // A household shopping together is explainable; a card and the holder's other card too.
    if (ha >= 0 && (ha === hb || (household[ha]! >= 0 && household[ha] === household[hb!]))) continue;
    src.push(a);
    dst.push(b);
    wt.push(n);
  }
  const communities = ringCommunities(cardCount, { source: src, target: dst, weight: wt }, { maxSize: p.maxCards, minSize: p.minCards, seed: p.seed });
  const burstsByCard = new Map<number, number[]>();
  bursts.forEach((b, k) => b.cards.forEach((card) => (burstsByCard.get(card) ?? burstsByCard.set(card, []).get(card)!).push(k)));
  const c = set.claims;
  const out: RingCandidate[] = [];
  for (const cards of communities) {
    const inBlock = new Set(cards);
    // The bursts where at least half the block's cards (or minBurstCards of them) were swiped.
    const blockBursts = new Set<number>();
    for (const card of cards) for (const k of burstsByCard.get(card) ?? []) blockBursts.add(k);
    const strong = [...blockBursts].filter((k) => bursts[k]!.cards.filter((x) => inBlock.has(x)).length >= Math.max(p.minBurstCards, Math.ceil(cards.length / 3)));
    if (strong.length < p.minSharedBursts) continue;
    const instCount = new Map<number, number>();
    const claims: number[] = [];
    let offHours = 0;
    let checked = 0;
    for (const k of strong) {
      const b = bursts[k]!;
      instCount.set(b.institution, (instCount.get(b.institution) ?? 0) + 1);
      for (const i of b.claims) {
        if (!inBlock.has(c.card[i]!)) continue;
        claims.push(i);
        const hour = Math.floor(((c.t[i]! + 8 * 3600) % 86400) / 3600);
        if (hour < 8 || hour >= 21) offHours++;
        if (c.check[i]! > 0) checked++;
      }
    }
    const [institution] = [...instCount.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const m = new MemberList();
    m.add('institution', institution, 'farming-institution');
    for (const card of cards) m.add('card', card, 'farmed-card');
    for (const card of cards) m.add('person', set.cards.holder[card]!, 'card-holder');
    const coverage = claims.length / (strong.length * cards.length);
    const evidence: Evidence[] = [
      {
        key: 'farming.bursts',
        facts: { cards: cards.length, institution: set.institutions.name[institution]!, bursts: strong.length, coveragePercent: Math.round(coverage * 100) },
        entities: [{ type: 'institution', index: institution }, ...cards.map((index) => ({ type: 'card' as const, index }))],
        weight: Math.min(1, strong.length / 8),
      },
      {
        key: 'farming.off-hours',
        facts: { percent: Math.round((offHours / claims.length) * 100), claims: claims.length },
        entities: [],
        weight: offHours / claims.length,
      },
      {
        key: 'farming.no-identity-check',
        facts: { percent: Math.round((1 - checked / claims.length) * 100) },
        entities: [],
        weight: 1 - checked / claims.length,
      },
    ];
    const confidence = Math.min(1, 0.4 + 0.05 * strong.length) * (0.5 + 0.5 * coverage) * (0.6 + 0.4 * (1 - checked / claims.length));
    out.push({ family: 'card-farming', members: m.list, claims: claims.sort((a, b) => a - b), evidence, confidence });
  }
  return out;
}

