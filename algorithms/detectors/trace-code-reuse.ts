import { claimHolder, type ClaimSet } from '../claim-set.ts';
import { connectedComponents } from '../communities.ts';
import { MemberList, type Evidence, type RingCandidate } from './types.ts';

/**
 * 追溯码重复结算 / 回流药: a traceability code identifies one physical package, so it can be sold once.
 * Every code settled more than once links the pharmacies that settled it; pharmacies linked by
 * repeated codes, with the people the packages were settled for, form a ring.
 */

export interface TraceReuseParams {
  /** reused codes a group of pharmacies needs */
  minCodes: number;
}

export const TRACE_REUSE_DEFAULTS: TraceReuseParams = { minCodes: 2 };

export function detectTraceCodeReuse(set: ClaimSet, p: TraceReuseParams = TRACE_REUSE_DEFAULTS): RingCandidate[] {
  const c = set.claims;
  const reuse = set.traceReuse;
  const nInst = set.institutions.id.length;
  // Nodes: institutions 0…I-1, codes I…; a component is a circuit of resold packages.
  const src: number[] = [];
  const dst: number[] = [];
  for (let k = 0; k < reuse.code.length; k++) {
    for (const i of reuse.claims[k]!) {
      src.push(c.institution[i]!);
      dst.push(nInst + k);
    }
  }
  const out: RingCandidate[] = [];
  for (const comp of connectedComponents(nInst + reuse.code.length, { source: src, target: dst, weight: src.map(() => 1) })) {
    const codes = comp.filter((v) => v >= nInst).map((v) => v - nInst);
    if (codes.length < p.minCodes) continue;
    const pharmacies = comp.filter((v) => v < nInst);
    const claims = [...new Set(codes.flatMap((k) => Array.from(reuse.claims[k]!)))].sort((a, b) => a - b);
    const m = new MemberList();
    for (const g of pharmacies) m.add('institution', g, 'pharmacy');
    for (const i of claims) m.add('person', claimHolder(set, i), 'buyer');
    const settlements = codes.reduce((s, k) => s + reuse.claims[k]!.length, 0);
    const evidence: Evidence[] = [
      {
        key: 'trace.reused',
        facts: { codes: codes.length, settlements, pharmacies: pharmacies.length, names: pharmacies.map((g) => set.institutions.name[g]).join('、'), example: reuse.code[codes[0]!]! },
        entities: pharmacies.map((index) => ({ type: 'institution' as const, index })),
        claims,
        weight: Math.min(1, codes.length / 5),
      },
      { key: 'trace.buyers', facts: { buyers: m.list.length - pharmacies.length }, entities: m.list.filter((x) => x.type === 'person'), claims, weight: 0.5 },
    ];
    out.push({ family: 'trace-code-reuse', members: m.list, claims, evidence, confidence: Math.min(1, 0.6 + 0.04 * codes.length) });
  }
  return out;
}
