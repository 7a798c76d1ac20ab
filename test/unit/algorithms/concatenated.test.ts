import { describe, expect, it } from 'vitest';
import { concatenated } from '../../../algorithms/claim-set.ts';

describe('concatenated', () => {
  it('puts two typed arrays end to end in one of the same kind', () => {
    const ints = concatenated(Int32Array.of(3, -1), Int32Array.of(7));
    expect(ints).toBeInstanceOf(Int32Array);
    expect([...ints]).toEqual([3, -1, 7]);
    const floats = concatenated(Float64Array.of(0.5), Float64Array.of(1.25, 2));
    expect(floats).toBeInstanceOf(Float64Array);
    expect([...floats]).toEqual([0.5, 1.25, 2]);
  });

  it('copies: the result shares no memory with its parts, and empty parts are fine', () => {
    const a = Int32Array.of(1, 2);
    const out = concatenated(a, new Int32Array(0));
    a[0] = 99;
    expect([...out]).toEqual([1, 2]);
    expect(concatenated(new Int32Array(0), new Int32Array(0)).length).toBe(0);
  });
});
