import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaimSetBuilder } from '../../../algorithms/claim-set-builder.ts';
import { claimSetDigests } from '../../../algorithms/claim-set-digest.ts';
import type { ClaimSet } from '../../../algorithms/claim-set.ts';
import { FORMAT_VERSION, SnapshotFormatError, readSnapshot, writeSnapshot } from '../../../graph/projection/snapshot-file.ts';

function smallSet(): ClaimSet {
  const b = new ClaimSetBuilder(4);
  b.region('330100', '杭州市');
  b.institution({ id: 'H1', name: '医院', kind: 'hospital', level: 'tertiary', region: '330100', lat: 30.1, lon: 120.2 });
  b.item({ id: 'I1', name: '糖化血红蛋白', category: 'exam', gender: 'F', minAge: 18, maxAge: null, minLevel: 'secondary' });
  b.person({ id: 'P1', name: '王伟', gender: 'M', birthDate: '1950-03-04', householdId: 'HH1', address: '文三路1号', region: '330100' });
  b.card({ id: 'C1', holderId: 'P1' });
  b.claim({ id: 'CL1', settledAt: 1_700_000_000, kind: 'outpatient', institutionId: 'H1', cardId: 'C1', diagnosisCode: 'E11', diagnosisName: '糖尿病', total: 40, fund: 30, lines: [{ itemId: 'I1' }] });
  b.claim({ id: 'CL2', settledAt: 1_700_086_400, kind: 'inpatient', institutionId: 'H1', cardId: 'C1', admissionDate: '2023-11-15', dischargeDate: '2023-11-20', total: 900.5, fund: 800, lines: [] });
  b.traceCode('T1', ['CL1', 'CL2']);
  return b.build();
}

describe('projection snapshot files', () => {
  it('read back every column exactly, NaN and strings included', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringlens-snap-')), 's.snapshot');
    const set = smallSet();
    writeSnapshot(file, { schemaVersion: 10, watermark: { seq: 3 } }, { set, nodes: { claims: Float64Array.from([5, 9]) } });
    const back = readSnapshot(file);
    expect(back.meta).toEqual({ schemaVersion: 10, watermark: { seq: 3 } });
    const body = back.body as { set: ClaimSet; nodes: { claims: Float64Array } };
    expect(claimSetDigests(body.set)).toEqual(claimSetDigests(set));
    expect(Array.from(body.nodes.claims)).toEqual([5, 9]);
    expect(body.set.traceReuse.claims[0]).toBeInstanceOf(Int32Array);
  });

  it('refuses a file of another format version or a truncated one, naming the file', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringlens-snap-')), 's.snapshot');
    writeSnapshot(file, {}, { a: new Float64Array(1000) });
    const bytes = readFileSync(file);
    const other = Buffer.from(bytes);
    other.writeUInt32LE(99, 8);
    writeFileSync(file, other);
    expect(() => readSnapshot(file)).toThrow(SnapshotFormatError);
    expect(() => readSnapshot(file)).toThrow(`snapshot format 99, this version reads ${FORMAT_VERSION}`);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    expect(() => readSnapshot(file)).toThrow(/s\.snapshot: truncated/);
  });
});
