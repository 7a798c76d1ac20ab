import { field as f, hasLineBreak, keepLastPerKey } from './importer-csv.ts';
import { AsciiKeySet } from './ascii-key-set.ts';
import { ownKey } from './key-set.ts';
import { LaneOutput } from './lane-output.ts';
import type { WrittenFile } from './layout.ts';
import type { Row, RowKind } from '../validate/rows.ts';

/**
 * Item catalogues and item lines, with the graph UPSERTS.items and UPSERTS.claim_items would leave:
 *
 * - An item described by items.csv takes its last row; an item only billed takes the name and
 *   category of the first line that bills it (ON CREATE SET).
 * - BILLED is merged on (claim, lineNo, item) with the last line's amounts; DISPENSED on
 *   (claim, lineNo, trace code). Lines of one claim normally sit together, so repeats are settled per
 *   run of a claim's lines in memory. A claim whose lines come back after other claims' lines is
 *   remembered, and its BILLED/DISPENSED rows are settled by `keepLastPerKey` at the end.
 * - Every claim id a line names is kept: claims no claims file holds become key-only Claim nodes.
 */
export class LineLane {
  private readonly items = new Map<string, string>();
  private readonly traceCodes = new AsciiKeySet();
  readonly claims = new AsciiKeySet();
  private readonly scattered = new Set<string>();
  private current: string | undefined;
  /** The current run's lines, reused from run to run (a million runs should not mean a million maps). */
  private readonly billed = new Map<string, string>();
  private readonly dispensed = new Set<string>();
  private readonly out: LaneOutput;

  constructor(dir: string) {
    this.out = new LaneOutput(dir);
  }

  add(kind: RowKind, row: Row<RowKind>): void {
    if (kind === 'items') {
      const r = row as Row<'items'>;
      if (hasLineBreak(r.item_name) || hasLineBreak(r.unit)) this.out.multiline = true;
      this.items.set(ownKey(r.item_code), ownKey(
        [r.item_code, f(r.item_name), r.category, f(r.unit), f(r.reference_price), f(r.gender_restriction), f(r.min_age), f(r.max_age), f(r.min_level)].join(','),
      ));
      return;
    }
    if (kind !== 'claim_items') throw new Error(`${kind} rows belong to the entity lane`);
    const r = row as Row<'claim_items'>;
    if (r.claim_id !== this.current) this.startRun(r.claim_id);
    if (!this.items.has(r.item_code)) {
      if (hasLineBreak(r.item_name)) this.out.multiline = true;
      this.items.set(ownKey(r.item_code), ownKey(`${r.item_code},${f(r.item_name)},${f(r.category)},,,,,,`));
    }
    this.billed.set(`${r.line_no},${r.item_code}`, `${r.claim_id},${r.item_code},${r.line_no},${r.quantity},${r.unit_price},${r.amount},${f(r.trace_code)}`);
    if (r.trace_code !== undefined) {
      if (this.traceCodes.add(r.trace_code)) this.out.file('TraceCode').line(r.trace_code);
      this.dispensed.add(`${r.claim_id},${r.trace_code},${r.line_no}`);
    }
  }

  private startRun(claim: string): void {
    this.flushRun();
    this.current = claim;
    if (!this.claims.add(claim)) this.scattered.add(ownKey(claim));
  }

  private flushRun(): void {
    if (this.billed.size) {
      const file = this.out.file('BILLED');
      for (const line of this.billed.values()) file.line(line);
      this.billed.clear();
    }
    if (this.dispensed.size) {
      const file = this.out.file('DISPENSED');
      for (const line of this.dispensed) file.line(line);
      this.dispensed.clear();
    }
  }

  async finish(): Promise<{ files: WrittenFile[]; multiline: boolean; scatteredClaims: number }> {
    this.flushRun();
    const items = this.items.size ? this.out.file('Item') : undefined;
    for (const line of this.items.values()) items!.line(line);
    const files = this.out.close();
    if (this.scattered.size) {
      for (const w of files) {
        if (w.layout === 'BILLED') w.rows -= await keepLastPerKey(w.path, 3, this.scattered);
        if (w.layout === 'DISPENSED') w.rows -= await keepLastPerKey(w.path, 3, this.scattered);
      }
    }
    return { files, multiline: this.out.multiline, scatteredClaims: this.scattered.size };
  }
}
