/** Community size figures investigators care about: rings are small, giant blobs are noise. */
export interface PartitionSizes {
  communities: number;
  minSize: number;
  maxSize: number;
  medianSize: number;
  /** Communities with at least 3 members: the smallest group we would call a ring. */
  atLeast3: number;
  singletons: number;
}

export function partitionSizes(community: ArrayLike<number>): PartitionSizes {
  const size = new Map<number, number>();
  for (let i = 0; i < community.length; i++) size.set(community[i]!, (size.get(community[i]!) ?? 0) + 1);
  const sizes = [...size.values()].sort((x, y) => x - y);
  let atLeast3 = 0;
  let singletons = 0;
  for (const s of sizes) {
    if (s >= 3) atLeast3++;
    if (s === 1) singletons++;
  }
  return { communities: sizes.length, minSize: sizes[0] ?? 0, maxSize: sizes.at(-1) ?? 0, medianSize: median(sizes), atLeast3, singletons };
}

/** Median of an ascending array (mean of the two middle values for an even count; 0 when empty). */
export function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
