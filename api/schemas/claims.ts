import { z } from 'zod';
import type { Masker } from '../../access/masking.ts';
import type { ClaimRow } from '../../graph/queries/claims.ts';
import { Cursor, IsoDate, Key, Limit, Money, Page } from './common.ts';

export const ClaimQuery = z.object({
  from: IsoDate.optional().meta({ description: 'settled on or after this date (Asia/Shanghai)' }),
  until: IsoDate.optional().meta({ description: 'settled on or before this date' }),
  kind: z.enum(['outpatient', 'inpatient', 'pharmacy']).optional(),
  minAmount: z.coerce.number().min(0).optional().meta({ description: 'total at least (元)' }),
  institution: Key.optional().meta({ description: 'institution code' }),
  limit: Limit(50, 500),
  cursor: Cursor.optional(),
});
/**
 * A ring's claims come in larger pages: the ring page loads all of them (up to 5,000) for its claims
 * tab, and each page is a sequential round trip (on the 1M-claim dataset, 3 pages of a 705-claim ring
 * took 0.9 s under load; bench/README.md). An entity's claims can run to hundreds of thousands and stay
 * at 500 a page.
 */
export const RingClaimQuery = ClaimQuery.extend({ limit: Limit(50, 2000) });

const PersonRef = z.object({ idNumber: z.string(), name: z.string().nullable() });

export const ClaimSchema = z
  .object({
    claimId: z.string(),
    settledAt: z.string().nullable(),
    kind: z.string().nullable(),
    department: z.string().nullable(),
    institution: z.object({ code: z.string(), name: z.string().nullable(), kind: z.string().nullable() }).nullable(),
    doctorCode: z.string().nullable(),
    prescriberCode: z.string().nullable(),
    cardNo: z.string().nullable(),
    holder: PersonRef.nullable().meta({ description: 'the card holder' }),
    recipient: PersonRef.nullable().meta({ description: 'the person served, where recorded' }),
    diagnosisCode: z.string().nullable(),
    diagnosisName: z.string().nullable(),
    admissionDate: z.string().nullable(),
    dischargeDate: z.string().nullable(),
    itemCount: z.number().nullable(),
    total: Money.nullable(),
    fundPaid: Money.nullable(),
    selfPaid: Money.nullable(),
    identityCheck: z.string().nullable(),
  })
  .meta({ id: 'Claim' });

export const ClaimPageSchema = Page(ClaimSchema).meta({ id: 'ClaimPage' });

export const ClaimTimelineSchema = z
  .object({
    claims: z.number().int().meta({ description: 'all claims of the ring or entity' }),
    fundPaid: Money,
    cells: z
      .array(z.object({ day: z.string().meta({ description: 'YYYY-MM-DD, Beijing' }), hour: z.number().int().min(0).max(23), claims: z.number().int(), fundPaid: Money }))
      .meta({ description: 'claims and fund paid per Beijing day and hour of day, over all claims (months and hours are sums of these)' }),
  })
  .meta({ id: 'ClaimTimeline' });

const person = (p: ClaimRow['holder'], mask: Masker) => (p ? { idNumber: mask.idNumber(p.idNumber)!, name: mask.name(p.name) } : null);

export function apiClaim(c: ClaimRow, mask: Masker): z.input<typeof ClaimSchema> {
  return { ...c, cardNo: mask.cardNo(c.cardNo), holder: person(c.holder, mask), recipient: person(c.recipient, mask) };
}

export const claimSubjects = (rows: ClaimRow[]) => rows.flatMap((c) => [c.holder?.idNumber, c.recipient?.idNumber]).filter((x): x is string => !!x);
