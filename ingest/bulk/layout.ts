/**
 * The importer files of a bulk load: one per node label or relationship type, with headers that
 * give every property the name and type the transactional writers (graph/writes/upserts.ts) give it.
 * Numbers are `double` everywhere: the driver sends JavaScript numbers as floats, so a MERGE-loaded
 * graph holds lineNo, bedCount, itemCount … as FLOAT, and the bulk load must not differ.
 */
export interface ImporterFile {
  kind: 'nodes' | 'relationships';
  /** Label or relationship type. */
  name: string;
  header: string;
}

const node = (name: string, header: string): ImporterFile => ({ kind: 'nodes', name, header });
const rel = (name: string, from: string, to: string, props = ''): ImporterFile => ({
  kind: 'relationships',
  name,
  header: `:START_ID(${from}),:END_ID(${to})${props ? `,${props}` : ''}`,
});

export const LAYOUT = {
  Region: node('Region', 'code:ID(Region),name,province,latitude:double,longitude:double'),
  Institution: node('Institution', 'code:ID(Institution),name,kind,level,region,address,latitude:double,longitude:double,bedCount:double'),
  Doctor: node('Doctor', 'code:ID(Doctor),name,gender,institutionCode,department,title'),
  Person: node('Person', 'idNumber:ID(Person),name,gender,birthDate:date,region,insuredType,householdId,address'),
  Card: node('Card', 'cardNo:ID(Card),type,holderIdNumber,issuedDate:date,region'),
  Item: node('Item', 'code:ID(Item),name,category,unit,referencePrice:double,genderRestriction,minAge:double,maxAge:double,minLevel'),
  Claim: node(
    'Claim',
    'claimId:ID(Claim),settledAt:datetime,kind,department,region,diagnosisCode,diagnosisName,admissionDate:date,dischargeDate:date,prescriptionId,identityCheck,itemCount:double,total:double,fundPaid:double,selfPaid:double,cardNo,institutionCode,doctorCode,prescriberCode,servedIdNumber,ingestSeq:long',
  ),
  /** Claims that only item lines refer to: MERGE creates them with their key alone (and the ingest sequence). */
  BareClaim: node('Claim', 'claimId:ID(Claim),ingestSeq:long'),
  TraceCode: node('TraceCode', 'code:ID(TraceCode)'),
  IN_REGION: rel('IN_REGION', 'Institution', 'Region'),
  WORKS_AT: rel('WORKS_AT', 'Doctor', 'Institution'),
  HOLDS: rel('HOLDS', 'Person', 'Card'),
  CHARGED_TO: rel('CHARGED_TO', 'Claim', 'Card'),
  AT: rel('AT', 'Claim', 'Institution'),
  BY: rel('BY', 'Claim', 'Doctor'),
  FOR: rel('FOR', 'Claim', 'Person'),
  PRESCRIBED_BY: rel('PRESCRIBED_BY', 'Claim', 'Doctor'),
  BILLED: rel('BILLED', 'Claim', 'Item', 'lineNo:double,quantity:double,unitPrice:double,amount:double,traceCode'),
  DISPENSED: rel('DISPENSED', 'Claim', 'TraceCode', 'lineNo:double'),
} as const satisfies Record<string, ImporterFile>;

export type LayoutName = keyof typeof LAYOUT;

/** A written importer file: which layout entry, where, how many rows. */
export interface WrittenFile {
  layout: LayoutName;
  path: string;
  rows: number;
}

/** Columns of a node row that holds its key alone. */
export const bareRow = (key: string, layout: ImporterFile) => key + ','.repeat(layout.header.split(',').length - 1);
