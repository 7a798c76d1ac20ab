/**
 * Windows of whole blocks (months) over a period of M blocks, as the kickback tests scan them: every
 * start a < M and length len ≤ L, indexed a * L + (len − 1). A patient counts in a window when they have a
 * fill in one of its blocks.
 */

/**
 * counts[a * L + (len - 1)] = how many of the given block lists have a block in [a, a + len - 1], for
 * every start a < M and length len ≤ L. O(M) per list with a difference array.
 */
export function windowCounts(lists: Iterable<readonly number[]>, M: number, L: number): Int32Array {
  const diff = new Int32Array(M * (L + 1));
  for (const blocks of lists) {
    let j = 0;
    for (let a = 0; a < M; a++) {
      while (j < blocks.length && blocks[j]! < a) j++;
      if (j === blocks.length) break;
      const len = blocks[j]! - a + 1;
      if (len <= L) diff[a * (L + 1) + len - 1]!++;
    }
  }
  const out = new Int32Array(M * L);
  for (let a = 0; a < M; a++) {
    let run = 0;
    for (let len = 1; len <= L; len++) {
      run += diff[a * (L + 1) + len - 1]!;
      out[a * L + len - 1] = run;
    }
  }
  return out;
}

/** Adds a block to a sorted list of unique blocks (fills arrive in claim order, not time order). */
export function addBlock(list: number[], block: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > block) i--;
  if (i > 0 && list[i - 1] === block) return;
  list.splice(i, 0, block);
}

/** How many windows a scan over M blocks with lengths ≤ L looks at (the search charge's count). */
export function windowsTested(M: number, L: number): number {
  return M * L - (L * (L - 1)) / 2;
}
