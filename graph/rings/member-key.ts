/** Cypher expression for a ring member's key as detection writes it ("person:<idNumber>", "card:<cardNo>", …; detection/ring-record.ts memberKey). */
export const memberKeyOf = (e: string) => `CASE
               WHEN ${e}:Person THEN 'person:' + ${e}.idNumber
               WHEN ${e}:Card THEN 'card:' + ${e}.cardNo
               WHEN ${e}:Doctor THEN 'doctor:' + ${e}.code
               ELSE 'institution:' + ${e}.code END`;
