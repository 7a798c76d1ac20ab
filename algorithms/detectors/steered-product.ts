import type { ClaimSet } from '../claim-set.ts';
import { binomialUpperTailLog10 } from '../stats.ts';
import { addBlock, windowCounts } from './month-windows.ts';

/**
 * 医药勾结, seen from the pharmacy's shelf: a kickback is paid per product, so a scheme shows as one
 * pharmacy dispensing one drug to far more of its prescription patients, for a season, than it does in
 * its other months and than the region's other pharmacies do in the same months — carried by the
 * prescriptions of a few doctors who do not prescribe it that often to their patients elsewhere.
 *
 * The doctor → pharmacy flows (kickback.ts) test each prescriber alone; a scheme spread over two or three
 * doctors with a handful of patients each is too thin there, and those doctors' patients may well live
 * near the pharmacy. Pooled over the pharmacy's prescribers, the steered product is not thin.
 *
 * For a pharmacy P, a drug X and a window W of whole months: x of P's n prescription patients of W were
 * given X there. The rate they are tested against is the highest of (an intersection–union test: every
 * baseline must be exceeded, so no further charge): the region's other pharmacies in W (the season, a new
 * drug on the market), P's own patients outside W (its standing trade: a pharmacy by an endocrinology
 * clinic dispenses insulin all year), and — per prescriber — the doctor's own patients at other
 * pharmacies (the doctor's practice), each with one pseudo-patient at the first two's rate. Binomial upper
 * tail at the mean of those rates over P's prescribers (a sum of Bernoullis with unequal rates is less
 * spread than a binomial at their mean, so the tail is conservative), a lift of at least 2 (relative
 * risk ≥ 2: each patient more likely than not an excess one), charged log10 of the windows and of the
 * (pharmacy, drug) pairs with two patients or more (Tarone: a pair with fewer is no test).
 *
 * The ring: the pharmacy, the doctors whose own share of the drug at P in W is significant (binomial tail
 * at their rate ≤ 0.05 ÷ the prescribers of it there, two patients at least: one patient is no pattern),
 * and the patients they sent there for it.
 */

export interface SteeredProductParams {
  /** observed ÷ expected patients a flagged window must reach */
  minLift: number;
  /** a doctor joins the ring when the tail of their patients given the drug there is ≤ this ÷ its prescribers */
  memberAlpha: number;
  /** fewest patients given the drug at the pharmacy in the window, for the pharmacy and for a doctor */
  minPatients: number;
}

export const STEERED_PRODUCT_DEFAULTS: SteeredProductParams = {
  // relative risk ≥ 2 ⇔ attributable fraction ≥ 50 % (as the flows' minLift)
  minLift: 2,
  // the conventional 5 % level, Bonferroni over the drug's prescribers at the pharmacy in the window
  memberAlpha: 0.05,
  // one patient is medicine; two given the same drug at the same pharmacy are a pattern (as the flows' windows)
  minPatients: 2,
};

export interface SteeredProduct {
  pharmacy: number;
  item: number;
  /** window of whole blocks [firstBlock, firstBlock + blocks − 1] */
  firstBlock: number;
  blocks: number;
  /** patients given the drug at the pharmacy in the window, of all its prescription patients then */
  patients: number;
  pharmacyPatients: number;
  /** the rate tested against (mean over the window's prescribers of the highest baseline) */
  rate: number;
  log10P: number;
  surprise: number;
  doctors: { doctor: number; patients: number; doctorPatients: number; rate: number; log10P: number }[];
  /** patients the member doctors sent there for it, and those fills */
  members: number[];
  claims: number[];
}

export interface SteeredProductInput {
  /** fills that count (prescription fills at pharmacies, specialty drugs left out) */
  fills: readonly number[];
  /** the patient of each claim */
  patientOf: Int32Array;
  blockOf: (day: number) => number;
  M: number;
  L: number;
  /** log10 of the windows scanned */
  windowCharge: number;
  /** the drugs of the item table */
  isDrug: Uint8Array;
  /** doctor → pharmacy flows already found to be steering: no baseline of the doctor's practice */
  steering?: (doctor: number, pharmacy: number) => boolean;
}

export function steeredProducts(set: ClaimSet, input: SteeredProductInput, p: SteeredProductParams, minSurprise: number): SteeredProduct[] {
  const c = set.claims;
  const { fills, patientOf, blockOf, M, L, isDrug } = input;
  const nItems = set.items.id.length;
  const regionOf = (ph: number) => set.institutions.region[ph]!;
  // patient → sorted blocks, per pharmacy, per region, per (pharmacy, drug) and per (region, drug)
  const atPharmacy = new Map<number, Map<number, number[]>>();
  const inRegion = new Map<number, Map<number, number[]>>();
  const pairs = new Map<number, Map<number, number[]>>();
  const regionPairs = new Map<number, Map<number, number[]>>();
  const add = (m: Map<number, Map<number, number[]>>, key: number, h: number, b: number) => {
    const byPatient = m.get(key) ?? m.set(key, new Map()).get(key)!;
    addBlock(byPatient.get(h) ?? byPatient.set(h, []).get(h)!, b);
  };
  const drugsOf = (i: number): Set<number> => {
    const out = new Set<number>();
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) if (isDrug[set.lines.item[l]!]) out.add(set.lines.item[l]!);
    return out;
  };
  const fillsByDoctor = new Map<number, number[]>();
  for (const i of fills) {
    const ph = c.institution[i]!;
    const h = patientOf[i]!;
    const b = blockOf(c.day[i]!);
    add(atPharmacy, ph, h, b);
    add(inRegion, regionOf(ph), h, b);
    for (const it of drugsOf(i)) {
      add(pairs, ph * nItems + it, h, b);
      add(regionPairs, regionOf(ph) * nItems + it, h, b);
    }
    const d = c.rxDoctor[i]!;
    (fillsByDoctor.get(d) ?? fillsByDoctor.set(d, []).get(d)!).push(i);
  }
  let tested = 0;
  for (const byPatient of pairs.values()) if (byPatient.size >= p.minPatients) tested++;
  const charge = input.windowCharge + Math.log10(Math.max(1, tested));

  const cache = new Map<string, Int32Array>();
  const windowsOf = (kind: string, m: Map<number, Map<number, number[]>>, key: number): Int32Array => {
    const id = `${kind}${key}`;
    let w = cache.get(id);
    if (!w) cache.set(id, (w = windowCounts(m.get(key)?.values() ?? [], M, L)));
    return w;
  };
  /**
   * a doctor's patients at pharmacies other than ph, and those of them given the drug there — leaving out
   * pharmacies the doctor is found steering to (a doctor in two schemes pushes the same drugs to both)
   */
  const elsewhere = (d: number, ph: number, item: number): { n: number; x: number } => {
    const all = new Set<number>();
    const given = new Set<number>();
    for (const i of fillsByDoctor.get(d) ?? []) {
      if (c.institution[i] === ph || input.steering?.(d, c.institution[i]!)) continue;
      all.add(patientOf[i]!);
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) if (set.lines.item[l] === item) given.add(patientOf[i]!);
    }
    return { n: all.size, x: given.size };
  };

  const out: SteeredProduct[] = [];
  for (const [key, byPatient] of pairs) {
    if (byPatient.size < p.minPatients) continue;
    const ph = Math.floor(key / nItems);
    const item = key % nItems;
    const r = regionOf(ph);
    const xw = windowsOf('x', pairs, key);
    const nw = windowsOf('n', atPharmacy, ph);
    const rxw = windowsOf('rx', regionPairs, r * nItems + item);
    const rnw = windowsOf('rn', inRegion, r);
    const xAll = byPatient.size;
    const nAll = atPharmacy.get(ph)!.size;
    // the pharmacy- and region-level screen: the doctors' own rates only raise the baseline
    let best: { a: number; len: number; x: number; n: number; q: number; l: number } | undefined;
    for (let a = 0; a < M; a++) {
      for (let len = 1; len <= L && a + len <= M; len++) {
        const idx = a * L + len - 1;
        const x = xw[idx]!;
        if (x < p.minPatients) continue;
        const n = nw[idx]!;
        const qRegion = (Math.max(0, rxw[idx]! - x) + 0.5) / (Math.max(0, rnw[idx]! - n) + 1);
        const qOutside = (xAll - x + 0.5) / (nAll - n + 1);
        const q = Math.max(qRegion, qOutside);
        if (x < p.minLift * n * q) continue;
        const l = binomialUpperTailLog10(x, n, q);
        if (-l - charge < minSurprise) continue;
        if (!best || l < best.l) best = { a, len, x, n, q, l };
      }
    }
    if (!best) continue;
    // the prescribers of the window at P: their patients there, those given the drug, their own rate elsewhere
    const first = best.a;
    const last = best.a + best.len - 1;
    const byDoctor = new Map<number, { patients: Set<number>; given: Set<number>; claims: number[] }>();
    for (const [d, list] of fillsByDoctor) {
      for (const i of list) {
        if (c.institution[i] !== ph) continue;
        const b = blockOf(c.day[i]!);
        if (b < first || b > last) continue;
        let e = byDoctor.get(d);
        if (!e) byDoctor.set(d, (e = { patients: new Set(), given: new Set(), claims: [] }));
        e.patients.add(patientOf[i]!);
        let has = false;
        for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) if (set.lines.item[l] === item) has = true;
        if (has) {
          e.given.add(patientOf[i]!);
          e.claims.push(i);
        }
      }
    }
    let expected = 0;
    let exposure = 0;
    const rates = new Map<number, number>();
    for (const [d, e] of byDoctor) {
      const o = elsewhere(d, ph, item);
      const q = Math.max(best.q, (o.x + best.q) / (o.n + 1));
      rates.set(d, q);
      expected += e.patients.size * q;
      exposure += e.patients.size;
    }
    const q = Math.min(1 - 1e-9, expected / Math.max(1, exposure));
    if (best.x < p.minLift * best.n * q) continue;
    const log10P = binomialUpperTailLog10(best.x, best.n, q);
    const surprise = -log10P - charge;
    if (surprise < minSurprise) continue;
    const prescribers = [...byDoctor.values()].filter((e) => e.given.size > 0).length;
    const doctors: SteeredProduct['doctors'] = [];
    const members = new Set<number>();
    const claims: number[] = [];
    for (const [d, e] of [...byDoctor].sort((x, y) => x[0] - y[0])) {
      if (e.given.size < p.minPatients) continue;
      const rate = rates.get(d)!;
      const l = binomialUpperTailLog10(e.given.size, e.patients.size, rate);
      if (e.given.size < p.minLift * e.patients.size * rate || l > Math.log10(p.memberAlpha / Math.max(1, prescribers))) continue;
      doctors.push({ doctor: d, patients: e.given.size, doctorPatients: e.patients.size, rate, log10P: l });
      for (const h of e.given) members.add(h);
      claims.push(...e.claims);
    }
    if (doctors.length === 0) continue;
    out.push({
      pharmacy: ph,
      item,
      firstBlock: first,
      blocks: best.len,
      patients: best.x,
      pharmacyPatients: best.n,
      rate: q,
      log10P,
      surprise,
      doctors,
      members: [...members].sort((x, y) => x - y),
      claims: claims.sort((x, y) => x - y),
    });
  }
  return out.sort((x, y) => x.pharmacy - y.pharmacy || x.item - y.item);
}
