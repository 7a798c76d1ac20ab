import { field as f, hasLineBreak } from './importer-csv.ts';
import { AsciiKeySet } from './ascii-key-set.ts';
import { KeyMap, KeySet, ownKey } from './key-set.ts';
import { LaneOutput } from './lane-output.ts';
import { bareRow, LAYOUT, type WrittenFile } from './layout.ts';
import { keepLastPerKey, replaceRowsOf } from './importer-csv.ts';
import type { Row, RowKind } from '../validate/rows.ts';
import { BULK_INGEST_SEQ } from '../../graph/writes/ingest-sequence.ts';

const CLAIM_LINKS = ['CHARGED_TO', 'AT', 'BY', 'FOR', 'PRESCRIBED_BY'] as const;
type ClaimLink = (typeof CLAIM_LINKS)[number];

/**
 * Everything but item lines: reference files and claims, in load order, turned into importer rows
 * with the graph the MERGE statements of graph/writes/upserts.ts would leave:
 *
 * - A node described by its reference file takes the properties of its last row (SET after MERGE),
 *   whatever referred to it; a node only referred to is created with its key alone, except a card
 *   first seen in a claim, which keeps that claim's insured person as holderIdNumber (ON CREATE SET).
 * - Relationships without properties are merged: each (start, end) pair once.
 * - Claims stream straight to their files. A claim id seen again (a later file's correction) makes the
 *   claim's files go through `keepLastPerKey` at the end: its latest row's properties and relationships.
 */
export class EntityLane {
  private readonly regions = new Map<string, string>();
  private readonly institutions = new Map<string, string>();
  private readonly doctors = new Map<string, string>();
  private readonly persons = new KeyMap<string>();
  private readonly cards = new KeyMap<string>();
  /** The first holder recorded for a card: nearly every claim repeats it, so it settles HOLDS without a lookup in `otherHolds`. */
  private readonly firstHolder = new KeyMap<string>();
  private readonly otherHolds = new KeySet();
  private readonly inRegion = new Set<string>();
  private readonly worksAt = new Set<string>();
  private readonly claims = new AsciiKeySet();
  /** Claim ids seen more than once (a later file's correction), with the relationship rows of their latest row. */
  private readonly repeatedClaims = new Map<string, Map<ClaimLink, string>>();
  private readonly out: LaneOutput;

  constructor(dir: string) {
    this.out = new LaneOutput(dir);
  }

  add(kind: RowKind, row: Row<RowKind>): void {
    switch (kind) {
      case 'regions': {
        const r = row as Row<'regions'>;
        this.text(r.region_name, r.province_name);
        this.regions.set(ownKey(r.region_code), ownKey([r.region_code, f(r.region_name), f(r.province_name), f(r.latitude), f(r.longitude)].join(',')));
        return;
      }
      case 'institutions': {
        const r = row as Row<'institutions'>;
        this.text(r.name, r.address);
        this.institutions.set(ownKey(r.institution_code), ownKey(
          [r.institution_code, f(r.name), r.kind, f(r.level), r.region_code, f(r.address), f(r.latitude), f(r.longitude), f(r.bed_count)].join(','),
        ));
        this.refRegion(r.region_code);
        this.pair(this.inRegion, 'IN_REGION', r.institution_code, r.region_code);
        return;
      }
      case 'doctors': {
        const r = row as Row<'doctors'>;
        this.text(r.name, r.department, r.title);
        this.doctors.set(ownKey(r.doctor_code), ownKey([r.doctor_code, f(r.name), f(r.gender), r.institution_code, f(r.department), f(r.title)].join(',')));
        this.refInstitution(r.institution_code);
        this.pair(this.worksAt, 'WORKS_AT', r.doctor_code, r.institution_code);
        return;
      }
      case 'persons': {
        const r = row as Row<'persons'>;
        this.text(r.name, r.address);
        this.persons.set(r.id_number, ownKey(
          [r.id_number, f(r.name), r.gender, r.birth_date, r.region_code, f(r.insured_type), f(r.household_id), f(r.address)].join(','),
        ));
        return;
      }
      case 'cards': {
        const r = row as Row<'cards'>;
        this.cards.set(r.card_id, ownKey([r.card_id, r.card_type, r.holder_id_number, f(r.issued_date), f(r.issuing_region_code)].join(',')));
        this.refPerson(r.holder_id_number);
        this.holds(r.holder_id_number, r.card_id);
        return;
      }
      case 'claims':
        this.claim(row as Row<'claims'>);
        return;
      default:
        throw new Error(`${kind} rows belong to the item-line lane`);
    }
  }

  private claim(r: Row<'claims'>): void {
    const latest = this.claims.add(r.claim_id) ? undefined : new Map<ClaimLink, string>();
    if (latest) this.repeatedClaims.set(ownKey(r.claim_id), latest);
    this.text(r.department, r.diagnosis_name);
    // selfPaid when absent is total − fund rounded to cents (Cypher's round(x, 2)); in whole cents
    // the difference of two 2-decimal amounts is exact, so no float residue can tip the rounding.
    const selfPaid = r.self_paid ?? (Math.round(r.total_amount * 100) - Math.round(r.fund_paid * 100)) / 100;
    this.out.file('Claim').line(
      [
        r.claim_id, r.settled_at, r.claim_kind, f(r.department), r.region_code, f(r.diagnosis_code), f(r.diagnosis_name),
        f(r.admission_date), f(r.discharge_date), f(r.prescription_id), r.identity_check ?? 'none', f(r.item_count),
        r.total_amount, r.fund_paid, selfPaid, r.card_id, r.institution_code,
        f(r.doctor_code), f(r.prescribing_doctor_code), f(r.served_id_number), BULK_INGEST_SEQ,
      ].join(','),
    );
    const id = r.claim_id;
    if (!this.cards.has(r.card_id)) this.cards.set(r.card_id, ownKey(`${r.card_id},,${r.insured_id_number},,`));
    this.refPerson(r.insured_id_number);
    this.holds(r.insured_id_number, r.card_id);
    const link = (type: ClaimLink, to: string) => {
      if (latest) latest.set(type, `${id},${to}`);
      else this.out.file(type).line(`${id},${to}`);
    };
    link('CHARGED_TO', r.card_id);
    this.refInstitution(r.institution_code);
    link('AT', r.institution_code);
    if (r.doctor_code !== undefined) {
      this.refDoctor(r.doctor_code);
      link('BY', r.doctor_code);
    }
    if (r.served_id_number !== undefined) {
      this.refPerson(r.served_id_number);
      link('FOR', r.served_id_number);
    }
    if (r.prescribing_doctor_code !== undefined) {
      this.refDoctor(r.prescribing_doctor_code);
      link('PRESCRIBED_BY', r.prescribing_doctor_code);
    }
  }

  private text(...values: (string | undefined)[]): void {
    if (!this.out.multiline && values.some(hasLineBreak)) this.out.multiline = true;
  }

  private refRegion(code: string): void {
    if (!this.regions.has(code)) this.regions.set(ownKey(code), '');
  }

  private refInstitution(code: string): void {
    if (!this.institutions.has(code)) this.institutions.set(ownKey(code), '');
  }

  private refDoctor(code: string): void {
    if (!this.doctors.has(code)) this.doctors.set(ownKey(code), '');
  }

  private refPerson(id: string): void {
    if (!this.persons.has(id)) this.persons.set(id, '');
  }

  private holds(person: string, card: string): void {
    const first = this.firstHolder.get(card);
    if (first === undefined) this.firstHolder.set(card, ownKey(person));
    else if (first === person || !this.otherHolds.add(`${person},${card}`)) return;
    this.out.file('HOLDS').line(`${person},${card}`);
  }

  private pair(seen: Set<string>, type: 'IN_REGION' | 'WORKS_AT', from: string, to: string): void {
    const line = `${from},${to}`;
    if (seen.has(line)) return;
    seen.add(ownKey(line));
    this.out.file(type).line(line);
  }

  /** True when the lane loaded this claim from a claims file. */
  hasClaim(id: string): boolean {
    return this.claims.has(id);
  }

  /** Writes the nodes gathered in memory, settles repeated claims, and closes every file. */
  async finish(): Promise<{ files: WrittenFile[]; multiline: boolean; repeatedClaims: number }> {
    const nodes = [
      ['Region', this.regions.entries()],
      ['Institution', this.institutions.entries()],
      ['Doctor', this.doctors.entries()],
      ['Person', this.persons.entries()],
      ['Card', this.cards.entries()],
    ] as const;
    for (const [name, entries] of nodes) {
      const file = this.out.file(name);
      for (const [key, line] of entries) file.line(line || bareRow(key, LAYOUT[name]));
    }
    // A repeated claim's latest row replaces its properties and its relationships (as the MERGE
    // statement does): every earlier relationship row of the claim is dropped, the latest row's appended.
    const latest = new Map<ClaimLink, string[]>(CLAIM_LINKS.map((t) => [t, []]));
    for (const links of this.repeatedClaims.values()) for (const [type, line] of links) latest.get(type)!.push(line);
    for (const [type, lines] of latest) if (lines.length) this.out.file(type);
    const files = this.out.close();
    if (this.repeatedClaims.size) {
      const ids = new Set(this.repeatedClaims.keys());
      for (const w of files) {
        if (w.layout === 'Claim') w.rows -= await keepLastPerKey(w.path, 1, ids);
        const lines = latest.get(w.layout as ClaimLink);
        if (lines) w.rows += lines.length - (await replaceRowsOf(w.path, ids, lines));
      }
    }
    return { files, multiline: this.out.multiline, repeatedClaims: this.repeatedClaims.size };
  }
}
