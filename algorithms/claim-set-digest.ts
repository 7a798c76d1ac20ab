import { createHash } from 'node:crypto';
import type { ClaimSet } from './claim-set.ts';

/**
 * SHA-256 of every column of a ClaimSet, one digest per column (path → hex): two sets are equal when
 * every digest is, in the same order. Typed arrays are hashed by their bytes, string columns as JSON.
 * Used to prove an incremental projection equal to a full one, and to name the column that differs.
 */
export function claimSetDigests(set: ClaimSet): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (v: unknown, at: string) => {
    if (ArrayBuffer.isView(v)) {
      out[at] = `${v.constructor.name}:${createHash('sha256').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).digest('hex')}`;
    } else if (Array.isArray(v) && v.some((x) => ArrayBuffer.isView(x))) {
      const h = createHash('sha256');
      for (const x of v as ArrayBufferView[]) h.update(`${x.byteLength}:`).update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
      out[at] = h.digest('hex');
    } else if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const k of Object.keys(v).sort()) visit((v as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
    } else {
      out[at] = createHash('sha256').update(JSON.stringify(v)).digest('hex');
    }
  };
  visit(set, '');
  return out;
}

/** One digest over all columns. */
export function claimSetDigest(set: ClaimSet): string {
  const h = createHash('sha256');
  for (const [k, v] of Object.entries(claimSetDigests(set))) h.update(`${k}=${v}\n`);
  return h.digest('hex');
}
