import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ItemSink } from '../../../generator/items-sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'ringlens-items-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the claim-items sink', () => {
  it('writes the same bytes on the worker thread and inline, even when one batch outgrows its buffer', async () => {
    const text = { item: ['X1,药品,drug,', '250301002,糖化血红蛋白测定,exam,'], tracePrefix: ['8123456', '8654321'] };
    const files: string[] = [];
    for (const useWorker of [true, false]) {
      const path = join(dir, `items-${useWorker}.csv`);
      const sink = await ItemSink.open(path, text, useWorker);
      // 100k rows without a flush in between: far more than one batch holds.
      for (let i = 0; i < 100_000; i++) sink.add(i * 7919, (i % 5) + 1, i % 2, 1500, 2580, 3870, i % 3 === 0 ? i : -1);
      expect(await sink.close()).toBe(100_000);
      files.push(readFileSync(path, 'utf8'));
    }
    expect(files[0]).toBe(files[1]);
    const lines = files[0]!.trimEnd().split('\n');
    expect(lines).toHaveLength(100_001);
    expect(lines[1]).toBe('CL00000000000000,1,X1,药品,drug,1.5,25.80,38.70,81234560000000000000');
    expect(lines[100_000]).toBe(`CL${String(99_999 * 7919).padStart(14, '0')},5,250301002,糖化血红蛋白测定,exam,1.5,25.80,38.70,86543210000000099999`);
  });
});
