import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_MODEL_FILE, loadRatingModel, parseRatingModel, RatingModelError, validateRatingModel } from '../../../rating/load.ts';

const raw = () => parse(readFileSync(DEFAULT_MODEL_FILE, 'utf8')) as Record<string, any>;

function issuesOf(data: unknown): { path: string; message: string }[] {
  try {
    validateRatingModel(data, 'model.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(RatingModelError);
    return [...(e as RatingModelError).issues];
  }
  throw new Error('expected the model to be rejected');
}

describe('the rating model file', () => {
  it('ships the Wenzhou 1000-point model: five categories adding up to 1000, bands A ≥ 850 … E < 700', () => {
    const m = loadRatingModel(DEFAULT_MODEL_FILE);
    expect(m.scale).toBe(1000);
    expect(m.categories.map((c) => [c.id, c.points])).toEqual([
      ['basic', 30],
      ['self', 110],
      ['agreement', 580],
      ['administrative', 180],
      ['public', 100],
    ]);
    expect(m.categories.find((c) => c.id === 'agreement')!.groups!.map((g) => [g.id, g.points])).toEqual([
      ['performance', 260],
      ['fund', 140],
      ['management', 180],
    ]);
    expect(m.bands.map((b) => [b.code, b.name.zh, b.min])).toEqual([
      ['A', '优秀', 850],
      ['B', '良好', 800],
      ['C', '中等', 750],
      ['D', '较差', 700],
      ['E', '差', 0],
    ]);
    expect(m.indicators.reduce((s, i) => s + i.points, 0)).toBe(1000);
    // defaults filled in by the schema
    const ring = m.indicators.find((i) => i.id === 'ring-fund-share')!;
    expect(ring.source).toEqual({ computed: 'ring-fund-share', params: { verdictWeights: { confirmed: 1, open: 0.5, dismissed: 0 }, familyWeights: {} } });
  });

  it('rejects a wrong type with the path of the field', () => {
    const m = raw();
    m.indicators[3].points = 'sixty';
    expect(issuesOf(m)).toContainEqual({ path: 'indicators[3].points', message: expect.stringMatching(/number/) });
  });

  it('rejects unknown keys, unknown computed indicators and unknown scoring methods, each with its path', () => {
    const m = raw();
    m.indicators[0].wieght = 3;
    m.indicators[4].source = { computed: 'ring-share-of-everything' };
    m.indicators[5].scoring = { method: 'vibes' };
    const issues = issuesOf(m);
    expect(issues).toContainEqual({ path: 'indicators[0]', message: 'unknown key "wieght"' });
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['indicators[4].source', 'indicators[5].scoring.method']));
  });

  it('rejects points that do not add up, unknown categories and groups, bands out of order', () => {
    const m = raw();
    m.indicators[0].points = 25; // basic-info: the category has 30
    m.indicators[3].category = 'nowhere';
    m.indicators[4].group = 'elsewhere';
    m.bands[2].min = 820; // C above B
    const issues = issuesOf(m);
    expect(issues).toContainEqual({ path: 'categories[0].points', message: 'the indicators of "basic" add up to 25, the category has 30' });
    expect(issues).toContainEqual({ path: 'indicators[3].category', message: expect.stringContaining('unknown category "nowhere"') });
    expect(issues).toContainEqual({ path: 'indicators[4].group', message: 'unknown group "elsewhere" of category "agreement"' });
    expect(issues).toContainEqual({ path: 'bands[2].min', message: 'bands go from best to worst: each min below the one before' });
  });

  it('rejects a last band that leaves low scores without a band, and direct scoring outside the points', () => {
    const m = raw();
    m.bands[4].min = 100;
    m.indicators[0].source.range = [0, 300];
    const issues = issuesOf(m);
    expect(issues).toContainEqual({ path: 'bands[4].min', message: 'the last band must start at 0, so every score has a band' });
    expect(issues).toContainEqual({ path: 'indicators[0].source.range', message: 'direct scoring takes the value as points: the range must lie within [0, 30]' });
  });

  it('names the file and the path in the error message, and rejects unreadable YAML', () => {
    const text = readFileSync(DEFAULT_MODEL_FILE, 'utf8').replace('scale: 1000', 'scale: -5');
    expect(() => parseRatingModel(text, 'bureau.yaml')).toThrow(/^bureau\.yaml: scale: expected points > 0/m);
    expect(() => parseRatingModel('bands: [', 'bad.yaml')).toThrow(/bad\.yaml: invalid YAML/);
    expect(() => parseRatingModel('{}', 'model.txt')).toThrow(/unknown extension/);
  });
});
