import { describe, expect, it } from 'vitest';
import type { RawNode } from '../../../graph/queries/nodes.ts';
import { drawRing } from '../../../graph/queries/ring-drawing.ts';

const node = (id: string, type: RawNode['type']): RawNode => ({ id, type, key: id, name: null, facts: {} });

describe('drawing a ring', () => {
  const holder = node('p1', 'person');
  const user = node('p2', 'person');
  const card = node('c1', 'card');
  const pharmacy = node('i1', 'institution');
  const clinic = node('i2', 'institution');
  const doctor = node('d1', 'doctor');
  const members = [
    { ...card, role: 'lent-card' },
    { ...pharmacy, role: 'pharmacy' },
    { ...holder, role: 'card-holder' },
  ];
  const claim = (institution: RawNode, recipient: RawNode | null, fundPaid: number, prescriber: RawNode | null = null) => ({
    card,
    institution,
    doctor: null,
    recipient,
    prescriber,
    holder,
    fundPaid,
  });

  it('folds claims into weighted edges between the entities they join, and sizes nodes by involvement', () => {
    const d = drawRing({ members, claimLinks: [claim(pharmacy, user, 10), claim(pharmacy, user, 5.5), claim(clinic, null, 1, doctor)], claimCount: 3 }, 100);
    const edges = Object.fromEntries(d.edges.map((e) => [`${e.type} ${e.source}->${e.target}`, [e.weight, e.fundPaid]]));
    expect(edges).toEqual({
      'CLAIMED_AT c1->i1': [2, 15.5],
      'CLAIMED_AT c1->i2': [1, 1],
      'VISITED p2->i1': [2, 15.5],
      'USED_CARD p2->c1': [2, 15.5],
      'PRESCRIBED_TO d1->i2': [1, 1],
      'HOLDS p1->c1': [1, 0],
    });
    const sizes = Object.fromEntries(d.nodes.map((n) => [n.id, [n.size, n.member]]));
    expect(sizes).toEqual({ c1: [3, true], i1: [2, true], i2: [1, false], p1: [0, true], p2: [2, false], d1: [1, false] });
    expect(d.truncated).toBe(false);
  });

  it('keeps members first when the node cap cuts, and drops edges to nodes left out', () => {
    const d = drawRing({ members, claimLinks: [claim(pharmacy, user, 10), claim(clinic, null, 1, doctor)], claimCount: 2 }, 3);
    expect(d.truncated).toBe(true);
    expect(d.nodes.map((n) => n.id).sort()).toEqual(['c1', 'i1', 'p1']);
    expect(d.edges.every((e) => ['c1', 'i1', 'p1'].includes(e.source) && ['c1', 'i1', 'p1'].includes(e.target))).toBe(true);
  });
});
