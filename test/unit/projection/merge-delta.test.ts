import { describe, expect, it } from 'vitest';
import { ClaimSetBuilder, type ClaimRecord } from '../../../algorithms/claim-set-builder.ts';
import { claimSetDigests } from '../../../algorithms/claim-set-digest.ts';
import { claimIndexOf } from '../../../algorithms/claim-set.ts';
import {
  REFERENCE_TABLES,
  addReference,
  mergeDelta,
  type Delta,
  type ProjectionState,
  type RecordOf,
  type ReferenceRecords,
  type ReferenceTable,
} from '../../../algorithms/projection-state.ts';

/** A store's content by node id, as a projection reads it. */
interface World {
  tables: { [T in ReferenceTable]: { node: number; record: RecordOf<T> }[] };
  claims: { node: number; record: ClaimRecord }[];
}

const regions = [{ code: '330100', name: '杭州市' }];

/** What a full projection builds from `w` (graph/projection/project-claims.ts): every table and the claims in node order. */
function fullState(w: World): ProjectionState {
  const byNode = <X extends { node: number }>(a: X[]) => [...a].sort((x, z) => x.node - z.node);
  const tables = Object.fromEntries(REFERENCE_TABLES.map((t) => [t, byNode(w.tables[t] as { node: number }[])])) as unknown as World['tables'];
  const b = new ClaimSetBuilder(16, { uniqueClaims: true });
  addReference(b, { regions, ...Object.fromEntries(REFERENCE_TABLES.map((t) => [t, tables[t].map((r) => r.record)])) } as ReferenceRecords);
  const claims = byNode(w.claims);
  for (const c of claims) b.claim(c.record);
  const set = b.build();
  const extras = b.extras();
  const nodes = Object.fromEntries(REFERENCE_TABLES.map((t) => [t, Float64Array.from(tables[t], (r) => r.node)])) as ProjectionState['nodes'];
  return { set, households: extras.households, addresses: extras.addresses, diagnosisVaried: extras.diagnosisVaried, nodes: { ...nodes, claims: Float64Array.from(claims, (c) => c.node) }, trace: [] };
}

const claim = (id: string, t: number, inst: string, card: string, item: string, extra: Partial<ClaimRecord> = {}): ClaimRecord => ({
  id,
  settledAt: 1_700_000_000 + t * 3600,
  kind: 'outpatient',
  institutionId: inst,
  cardId: card,
  doctorId: 'D1',
  diagnosisCode: 'E11',
  diagnosisName: '糖尿病',
  total: 40 + t,
  fund: 30,
  lines: [{ itemId: item }],
  ...extra,
});

function firstWorld(): World {
  return {
    tables: {
      institutions: [
        { node: 1, record: { id: 'H1', name: '医院', kind: 'hospital', level: 'tertiary', region: '330100' } },
        { node: 4, record: { id: 'H2', name: '药店', kind: 'pharmacy', level: null, region: '330100' } },
      ],
      doctors: [{ node: 2, record: { id: 'D1', name: '李', institutionId: 'H1', department: '内科' } }],
      items: [
        { node: 3, record: { id: 'I1', name: '胰岛素', category: 'drug' } },
        { node: 9, record: { id: 'I2', name: '糖化血红蛋白', category: 'exam' } },
      ],
      persons: [
        { node: 10, record: { id: 'P1', name: '王伟', gender: 'M', birthDate: '1950-03-04', householdId: 'HH1', address: '文三路1号', region: '330100' } },
        { node: 14, record: { id: 'P2', name: '张芳', gender: 'F', birthDate: '1960-05-06', householdId: 'HH2', address: '文三路2号', region: '330100' } },
        { node: 18, record: { id: 'P3', name: '陈静', gender: 'F', birthDate: '1970-07-08', householdId: 'HH3', address: '文三路3号', region: '330100' } },
      ],
      cards: [
        { node: 11, record: { id: 'C1', holderId: 'P1' } },
        { node: 15, record: { id: 'C2', holderId: 'P2' } },
        { node: 19, record: { id: 'C3', holderId: 'P3' } },
      ],
    },
    claims: [
      { node: 30, record: claim('CL1', 1, 'H1', 'C1', 'I1') },
      { node: 31, record: claim('CL2', 2, 'H2', 'C2', 'I2', { servedId: 'P2', check: 'face' }) },
      { node: 33, record: claim('CL3', 3, 'H1', 'C3', 'I1') },
      { node: 34, record: claim('CL4', 4, 'H2', 'C1', 'I2') },
    ],
  };
}

describe('mergeDelta', () => {
  it('places entities written on ids the store freed (below the snapshot\'s last node) where a full projection does, and stays incremental', () => {
    const before = firstWorld();
    const snapshot = fullState(before);
    // Ids 12, 13 and 16 were free (a bulk load left them unused, or nodes were deleted): Neo4j hands them
    // out again to a new person, a new card, a new item; a claim on the new card with the new item lands
    // on freed id 32, another on a new id; an old person moves house.
    const person = { node: 12, record: { id: 'P4', name: '刘洋', gender: 'M', birthDate: '1980-01-01', householdId: 'HH4', address: '文三路4号', region: '330100' } };
    const card = { node: 13, record: { id: 'C4', holderId: 'P4' } };
    const item = { node: 5, record: { id: 'I3', name: '血常规', category: 'exam' } };
    const moved = { node: 14, record: { ...before.tables.persons[1]!.record, householdId: 'HH1', address: '文三路1号' } };
    const newClaims = [
      { node: 32, record: claim('CL5', 5, 'H1', 'C4', 'I3', { servedId: 'P4', check: 'face' }) },
      { node: 40, record: claim('CL6', 6, 'H2', 'C4', 'I1') },
    ];
    const after: World = {
      tables: {
        ...before.tables,
        items: [...before.tables.items, item],
        persons: [before.tables.persons[0]!, moved, before.tables.persons[2]!, person],
        cards: [...before.tables.cards, card],
      },
      claims: [...before.claims, ...newClaims],
    };
    const delta: Delta = {
      regions,
      changed: { institutions: [], doctors: [], items: [item], persons: [person, moved].sort((a, z) => a.node - z.node), cards: [card] },
      claims: newClaims.map((c) => ({ ...c, inScope: true })),
      trace: [],
    };
    const merged = mergeDelta(snapshot, delta);
    expect('fallback' in merged ? merged.fallback : 'incremental').toBe('incremental');
    const state = (merged as { state: ProjectionState }).state;
    const full = fullState(after);
    expect(claimSetDigests(state.set)).toEqual(claimSetDigests(full.set));
    for (const t of [...REFERENCE_TABLES, 'claims'] as const) expect(Array.from(state.nodes[t]), t).toEqual(Array.from(full.nodes[t]));
    expect(state.households).toEqual(full.households);
    // The copied claims still name their own card and item after the rows between them moved.
    expect(state.set.cards.id[state.set.claims.card[claimIndexOf(state.set.claims.id, 'CL3')]!]).toBe('C3');
    expect(state.set.items.id[state.set.lines.item[state.set.claims.lineStart[claimIndexOf(state.set.claims.id, 'CL4')]!]!]).toBe('I2');
  });

  it('falls back to a full projection when a node now holds another entity (deleted, its id reused)', () => {
    const before = firstWorld();
    const snapshot = fullState(before);
    const reused = { node: 15, record: { id: 'C9', holderId: 'P2' } };
    const merged = mergeDelta(snapshot, { regions, changed: { institutions: [], doctors: [], items: [], persons: [], cards: [reused] }, claims: [], trace: [] });
    expect('fallback' in merged && merged.fallback).toMatch(/cards: node 15 now holds C9, not C2/);
  });
});
