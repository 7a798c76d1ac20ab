import { join } from 'node:path';
import { readCsv } from './csv-reader.ts';

/**
 * Card-lending evidence computed from the generated files alone, the way a bureau's rules would:
 * items that contradict the cardholder's gender or age, and impossible travel (one card settled at two
 * institutions far apart within a short time). Used by the tests to check that rings carry these signals
 * and that honest data carries them only rarely.
 */

export const FAR_KM = 50;
export const QUICK_SECONDS = 2 * 3600;

export interface CardSignals {
  /** claim ids with at least one item the catalog forbids for the cardholder */
  contradicting: Set<string>;
  /** claim ids in an impossible-travel pair */
  travelling: Set<string>;
  claims: Record<string, string>[];
}

function ageOn(birth: string, date: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

export function cardSignals(dir: string): CardSignals {
  const persons = new Map(readCsv(join(dir, 'persons.csv')).rows.map((p) => [p.id_number!, p]));
  const items = new Map(readCsv(join(dir, 'items.csv')).rows.map((i) => [i.item_code!, i]));
  const places = new Map(readCsv(join(dir, 'institutions.csv')).rows.map((i) => [i.institution_code!, { lat: Number(i.latitude), lon: Number(i.longitude) }]));
  const claims = readCsv(join(dir, 'claims.csv')).rows;
  const byId = new Map(claims.map((c) => [c.claim_id!, c]));

  const contradicting = new Set<string>();
  for (const line of readCsv(join(dir, 'claim_items.csv')).rows) {
    const item = items.get(line.item_code!)!;
    if (item.gender_restriction === '' && item.min_age === '' && item.max_age === '') continue;
    const claim = byId.get(line.claim_id!)!;
    const holder = persons.get(claim.insured_id_number!)!;
    const age = ageOn(holder.birth_date!, claim.settled_at!.slice(0, 10));
    const wrongGender = item.gender_restriction !== '' && item.gender_restriction !== holder.gender;
    const wrongAge = (item.min_age !== '' && age < Number(item.min_age)) || (item.max_age !== '' && age > Number(item.max_age));
    if (wrongGender || wrongAge) contradicting.add(claim.claim_id!);
  }

  const travelling = new Set<string>();
  const byCard = new Map<string, { t: number; claim: Record<string, string> }[]>();
  for (const c of claims) {
    const list = byCard.get(c.card_id!) ?? byCard.set(c.card_id!, []).get(c.card_id!)!;
    list.push({ t: Date.parse(c.settled_at!) / 1000, claim: c });
  }
  for (const list of byCard.values()) {
    list.sort((a, b) => a.t - b.t);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length && list[j]!.t - list[i]!.t <= QUICK_SECONDS; j++) {
        const a = list[i]!.claim;
        const b = list[j]!.claim;
        // An inpatient claim settles at discharge: its stay does not place the card anywhere at that time.
        if (a.claim_kind === 'inpatient' || b.claim_kind === 'inpatient') continue;
        if (distanceKm(places.get(a.institution_code!)!, places.get(b.institution_code!)!) >= FAR_KM) {
          travelling.add(a.claim_id!);
          travelling.add(b.claim_id!);
        }
      }
    }
  }
  return { contradicting, travelling, claims };
}
