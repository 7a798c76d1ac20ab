/**
 * The credit-rating model as data (docs/rating.md): categories and their points, the indicators that
 * fill them — each computed from the graph or imported from a bureau's CSV — how an indicator's value
 * becomes points, and the bands. zod checks the shape; `semanticIssues` checks what needs the whole
 * model (points add up, ids unique, bands ordered). Every problem names its path in the file.
 */
import { z } from 'zod';

/** What a model rates: designated institutions, or the doctors working at them (a model of their own). */
export const SUBJECT_KINDS = ['institution', 'doctor'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
export const INSTITUTION_KINDS = ['hospital', 'clinic', 'pharmacy'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

export const VERDICTS = ['confirmed', 'open', 'dismissed'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Indicators RingLens computes from the graph (rating/indicators.ts, graph/rating/facts.ts). */
export const COMPUTED_INDICATORS = [
  'ring-patient-share',
  'ring-fund-share',
  'rule-signal-rate',
  'fund-growth',
  'service-growth',
  'readmission-rate',
  'readmission-growth',
  'prescription-concentration',
] as const;
export type ComputedIndicator = (typeof COMPUTED_INDICATORS)[number];

/**
 * Computed indicators a doctor model may use. Readmission rates are an institution's: a doctor attends
 * only part of a stay sequence, so they are not computed per doctor (split stays still count, as a rule
 * signal on the readmission the doctor attended).
 */
export const DOCTOR_COMPUTED_INDICATORS: readonly ComputedIndicator[] = ['ring-patient-share', 'ring-fund-share', 'rule-signal-rate', 'fund-growth', 'service-growth', 'prescription-concentration'];

export const RULE_SIGNALS = ['code-mismatch', 'split-stay', 'over-testing'] as const;
export type RuleSignal = (typeof RULE_SIGNALS)[number];

const Id = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected an id of lower-case letters, digits and -, starting with a letter');
const Names = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const Points = z.number().int('expected whole points').positive('expected points > 0');
const Share = z.number().min(0).max(1);

const RingParams = z.strictObject({
  /** weight of a ring's share by its verdict: a confirmed ring counts fully, a dismissed one not at all */
  verdictWeights: z.strictObject({ confirmed: Share, open: Share, dismissed: Share }).default({ confirmed: 1, open: 0.5, dismissed: 0 }),
  /** weight per family (families not listed weigh 1) */
  familyWeights: z.record(z.string().min(1), Share).default({}),
});

const Computed = z.discriminatedUnion('computed', [
  z.strictObject({ computed: z.literal('ring-patient-share'), params: RingParams.default({ verdictWeights: { confirmed: 1, open: 0.5, dismissed: 0 }, familyWeights: {} }) }),
  z.strictObject({ computed: z.literal('ring-fund-share'), params: RingParams.default({ verdictWeights: { confirmed: 1, open: 0.5, dismissed: 0 }, familyWeights: {} }) }),
  z.strictObject({
    computed: z.literal('rule-signal-rate'),
    params: z.strictObject({ signals: z.array(z.enum(RULE_SIGNALS)).min(1), readmissionDays: z.number().int().min(1).max(90).default(15), hba1cPerYear: z.number().int().min(1).default(4) }),
  }),
  z.strictObject({ computed: z.literal('fund-growth') }),
  z.strictObject({ computed: z.literal('service-growth') }),
  z.strictObject({ computed: z.literal('readmission-rate'), params: z.strictObject({ days: z.number().int().min(1).max(90) }).default({ days: 15 }) }),
  z.strictObject({ computed: z.literal('readmission-growth'), params: z.strictObject({ days: z.number().int().min(1).max(90) }).default({ days: 15 }) }),
  z.strictObject({
    computed: z.literal('prescription-concentration'),
    /** fewer fills than this and the index says nothing (missing) */
    params: z.strictObject({ minFills: z.number().int().min(1).default(20) }).default({ minFills: 20 }),
  }),
]);

const Imported = z.strictObject({
  /** the `indicator` value of the rows of an import CSV (rating/import.ts) */
  imported: Id,
  /** the range a value must lie in; a row outside it is rejected */
  range: z.tuple([z.number(), z.number()]),
});

const Linear = z.strictObject({ method: z.literal('linear'), best: z.number(), worst: z.number() });
const Peer = z.strictObject({
  method: z.literal('peer'),
  direction: z.enum(['lower-better', 'higher-better']),
  /** full points up to this robust z-score against the peers (median, 1.4826 × MAD) */
  fullWithin: z.number().default(1),
  /** no points from this z-score on */
  zeroAt: z.number().default(4),
  /** peers needed in the institution's kind and level; fewer: kind only, then every institution */
  minPeers: z.number().int().min(2).default(5),
  /** smallest spread used, in the value's unit (peers that all sit on one value) */
  minSpread: z.number().positive(),
});
const Direct = z.strictObject({ method: z.literal('direct') });
const Scoring = z.discriminatedUnion('method', [Linear, Peer, Direct]);

const Indicator = z.strictObject({
  id: Id,
  name: Names,
  description: z.string().min(1),
  category: Id,
  group: Id.optional(),
  points: Points,
  /** kinds of institution the indicator applies to (a doctor's: the kind of the doctor's institution); others are rated without it (not applicable) */
  appliesTo: z.array(z.enum(INSTITUTION_KINDS)).min(1).default([...INSTITUTION_KINDS]),
  source: z.union([Computed, Imported], { error: 'expected { computed: <indicator>, … } or { imported: <id>, range: [min, max] }' }),
  scoring: Scoring,
});

const Group = z.strictObject({ id: Id, name: Names, points: Points });
const Category = z.strictObject({ id: Id, name: Names, points: Points, groups: z.array(Group).optional() });
const Band = z.strictObject({ code: z.string().regex(/^[A-Z]$/, 'expected one capital letter'), name: Names, min: z.number().min(0) });

export const RatingModelSchema = z.strictObject({
  version: z.literal(1, { error: 'expected version: 1' }),
  id: Id,
  name: Names,
  subject: z.enum(SUBJECT_KINDS, { error: `expected one of ${SUBJECT_KINDS.join(', ')}` }),
  /** total points of a full score (千分制: 1000) */
  scale: Points,
  /**
   * An indicator without a value (an external one nobody imported, a growth without a previous period) is
   * shown as missing and left out: the score is the points earned over the points evaluated, times the
   * scale, and the rating carries its coverage (points evaluated / scale). It never counts as zero.
   */
  minCoverage: Share.default(0.2),
  bands: z.array(Band).min(2),
  categories: z.array(Category).min(1),
  indicators: z.array(Indicator).min(1),
});

export type RatingModel = z.output<typeof RatingModelSchema>;
export type IndicatorDef = RatingModel['indicators'][number];
export type ScoringRule = IndicatorDef['scoring'];
export type ComputedSource = z.output<typeof Computed>;

export interface ModelIssue {
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** Checks that need the whole model: ids unique and known, points adding up, bands ordered. */
export function semanticIssues(m: RatingModel): ModelIssue[] {
  const issues: ModelIssue[] = [];
  const categoryIds = new Map<string, number>();
  m.categories.forEach((c, i) => {
    if (categoryIds.has(c.id)) issues.push({ path: `categories[${i}].id`, message: `duplicate category "${c.id}"` });
    categoryIds.set(c.id, i);
    if (c.groups) {
      const sum = c.groups.reduce((s, g) => s + g.points, 0);
      if (sum !== c.points) issues.push({ path: `categories[${i}].groups`, message: `group points add up to ${sum}, the category has ${c.points}` });
    }
  });
  const categorySum = m.categories.reduce((s, c) => s + c.points, 0);
  if (categorySum !== m.scale) issues.push({ path: 'categories', message: `category points add up to ${categorySum}, the scale is ${m.scale}` });

  const seen = new Set<string>();
  const importedIds = new Set<string>();
  const perCategory = new Map<string, number>();
  const perGroup = new Map<string, number>();
  m.indicators.forEach((ind, i) => {
    const at = `indicators[${i}]`;
    if (seen.has(ind.id)) issues.push({ path: `${at}.id`, message: `duplicate indicator "${ind.id}"` });
    seen.add(ind.id);
    const ci = categoryIds.get(ind.category);
    if (ci === undefined) {
      issues.push({ path: `${at}.category`, message: `unknown category "${ind.category}" (known: ${[...categoryIds.keys()].join(', ')})` });
    } else {
      perCategory.set(ind.category, (perCategory.get(ind.category) ?? 0) + ind.points);
      const groups = m.categories[ci]!.groups;
      if (groups) {
        if (ind.group === undefined) issues.push({ path: `${at}.group`, message: `category "${ind.category}" has groups: name one (${groups.map((g) => g.id).join(', ')})` });
        else if (!groups.some((g) => g.id === ind.group)) issues.push({ path: `${at}.group`, message: `unknown group "${ind.group}" of category "${ind.category}"` });
        else perGroup.set(`${ind.category}/${ind.group}`, (perGroup.get(`${ind.category}/${ind.group}`) ?? 0) + ind.points);
      } else if (ind.group !== undefined) {
        issues.push({ path: `${at}.group`, message: `category "${ind.category}" has no groups` });
      }
    }
    if ('imported' in ind.source) {
      if (importedIds.has(ind.source.imported)) issues.push({ path: `${at}.source.imported`, message: `"${ind.source.imported}" is imported by another indicator already` });
      importedIds.add(ind.source.imported);
      const [lo, hi] = ind.source.range;
      if (!(lo < hi)) issues.push({ path: `${at}.source.range`, message: `expected [min, max] with min < max, got [${lo}, ${hi}]` });
      if (ind.scoring.method === 'direct' && (lo < 0 || hi > ind.points)) {
        issues.push({ path: `${at}.source.range`, message: `direct scoring takes the value as points: the range must lie within [0, ${ind.points}]` });
      }
    } else {
      if (ind.scoring.method === 'direct') issues.push({ path: `${at}.scoring.method`, message: 'direct scoring is for imported points; a computed indicator needs linear or peer' });
      if (m.subject === 'doctor' && !DOCTOR_COMPUTED_INDICATORS.includes(ind.source.computed)) {
        issues.push({ path: `${at}.source.computed`, message: `"${ind.source.computed}" is not computed for doctors (doctors: ${DOCTOR_COMPUTED_INDICATORS.join(', ')})` });
      }
    }
    if (ind.scoring.method === 'linear' && ind.scoring.best === ind.scoring.worst) issues.push({ path: `${at}.scoring`, message: 'best and worst must differ' });
    if (ind.scoring.method === 'peer' && !(ind.scoring.zeroAt > ind.scoring.fullWithin)) issues.push({ path: `${at}.scoring.zeroAt`, message: 'must be above fullWithin' });
  });
  m.categories.forEach((c, i) => {
    const sum = perCategory.get(c.id) ?? 0;
    if (sum !== c.points) issues.push({ path: `categories[${i}].points`, message: `the indicators of "${c.id}" add up to ${sum}, the category has ${c.points}` });
    c.groups?.forEach((g, j) => {
      const gs = perGroup.get(`${c.id}/${g.id}`) ?? 0;
      if (gs !== g.points) issues.push({ path: `categories[${i}].groups[${j}].points`, message: `the indicators of group "${g.id}" add up to ${gs}, the group has ${g.points}` });
    });
  });

  const codes = new Set<string>();
  m.bands.forEach((b, i) => {
    if (codes.has(b.code)) issues.push({ path: `bands[${i}].code`, message: `duplicate band "${b.code}"` });
    codes.add(b.code);
    if (b.min > m.scale) issues.push({ path: `bands[${i}].min`, message: `above the scale (${m.scale})` });
    if (i > 0 && !(b.min < m.bands[i - 1]!.min)) issues.push({ path: `bands[${i}].min`, message: 'bands go from best to worst: each min below the one before' });
  });
  const last = m.bands.at(-1);
  if (last && last.min !== 0) issues.push({ path: `bands[${m.bands.length - 1}].min`, message: 'the last band must start at 0, so every score has a band' });
  return issues;
}
