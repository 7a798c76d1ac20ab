/**
 * Versioned schema migrations. Append new ones; never edit one that has shipped (the runner
 * refuses a migration whose statements changed after it was applied).
 * Every statement is idempotent (IF NOT EXISTS), so a half-applied migration can simply rerun.
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const unique = (label: string, prop: string) =>
  `CREATE CONSTRAINT ${label.toLowerCase()}_${prop}_unique IF NOT EXISTS FOR (n:${label}) REQUIRE n.${prop} IS UNIQUE`;
const index = (label: string, ...props: string[]) =>
  `CREATE INDEX ${label.toLowerCase()}_${props.join('_')} IF NOT EXISTS FOR (n:${label}) ON (${props.map((p) => `n.${p}`).join(', ')})`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'natural keys of the claims graph',
    statements: [
      unique('Person', 'idNumber'),
      unique('Card', 'cardNo'),
      unique('Doctor', 'code'),
      unique('Institution', 'code'),
      unique('Claim', 'claimId'),
      unique('TraceCode', 'code'),
      unique('Region', 'code'),
      unique('Item', 'code'),
    ],
  },
  {
    version: 2,
    name: 'investigator lookups on the claims graph',
    statements: [
      // Range indexes serve equality and STARTS WITH, which is how names (Chinese too) are searched.
      index('Person', 'name'),
      index('Person', 'region'),
      index('Card', 'holderIdNumber'),
      index('Doctor', 'name'),
      index('Doctor', 'institutionCode'),
      index('Institution', 'name'),
      index('Institution', 'kind'),
      index('Institution', 'region'),
      index('Claim', 'settledAt'),
      index('Claim', 'kind'),
      index('Claim', 'region'),
    ],
  },
  {
    version: 3,
    name: 'detection, cases, users and audit',
    statements: [
      unique('Ring', 'ringId'),
      unique('DetectionRun', 'runId'),
      unique('Case', 'caseId'),
      unique('User', 'username'),
      unique('AuditEvent', 'eventId'),
      index('Ring', 'type'),
      index('Ring', 'score'),
      index('Ring', 'status'),
      index('Ring', 'region'),
      index('DetectionRun', 'startedAt'),
      index('Case', 'status'),
      index('AuditEvent', 'at'),
      index('AuditEvent', 'actor'),
    ],
  },
  {
    version: 4,
    name: 'ingest checkpoints',
    statements: [unique('IngestCheckpoint', 'key')],
  },
  {
    version: 5,
    name: 'scheduled runs, reports and deliveries',
    statements: [
      unique('DetectionRun', 'scheduleKey'),
      unique('Report', 'reportId'),
      unique('Delivery', 'deliveryId'),
      unique('Schedule', 'scheduleId'),
      index('Report', 'createdAt'),
      index('Report', 'scheduleId'),
      index('DetectionRun', 'finishedAt'),
    ],
  },
  {
    version: 6,
    name: 'name search by substring',
    // Text indexes serve CONTAINS: "解放社区" finds 杭州市解放社区卫生服务中心.
    statements: ['Person', 'Doctor', 'Institution'].map((l) => `CREATE TEXT INDEX ${l.toLowerCase()}_name_text IF NOT EXISTS FOR (n:${l}) ON (n.name)`),
  },
  {
    version: 7,
    name: 'saved case views',
    statements: [unique('CaseView', 'viewId')],
  },
  {
    version: 8,
    name: 'credit ratings per period and imported indicators',
    statements: [
      unique('Rating', 'ratingId'),
      unique('RatingRun', 'ratingRunId'),
      unique('RatingImport', 'key'),
      index('Rating', 'period'),
      index('Rating', 'code'),
      index('Rating', 'band'),
      index('RatingRun', 'period'),
      index('RatingImport', 'period'),
    ],
  },
  {
    version: 9,
    name: 'doctor credit ratings per period and imported doctor indicators',
    statements: [
      unique('DoctorRating', 'ratingId'),
      unique('DoctorRatingImport', 'key'),
      index('DoctorRating', 'period'),
      index('DoctorRating', 'code'),
      index('DoctorRating', 'institutionCode'),
      index('DoctorRatingImport', 'period'),
    ],
  },
  {
    version: 10,
    name: 'ingest sequence for incremental projections',
    // graph/writes/ingest-sequence.ts: "what changed since watermark W" is a range seek on these.
    statements: [
      unique('IngestSequence', 'name'),
      ...['Claim', 'Person', 'Card', 'Institution', 'Doctor', 'Item'].map((label) => index(label, 'ingestSeq')),
    ],
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
