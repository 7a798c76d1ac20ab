import { describe, expect, it } from 'vitest';
import { TransitionBody } from '../../../api/schemas/cases.ts';
import { loadVerdictLabels, parseVerdictLabels } from '../../../cases/verdict-labels.ts';

/** Issue 23, defect 3: Chinese verdict labels are accepted, and investigators pick them from a configurable list. */
describe('verdict labels', () => {
  it('accepts Chinese labels and pick-list codes; refuses markup with a message that says what is allowed', () => {
    expect(TransitionBody.parse({ to: 'dismissed', labels: ['养老院集体就诊', 'hard-negative:nursing-home', '家庭共济（夫妻）'] }).labels).toEqual(['养老院集体就诊', 'hard-negative:nursing-home', '家庭共济（夫妻）']);
    const bad = TransitionBody.safeParse({ to: 'dismissed', labels: ['<script>'] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/Chinese included/);
  });

  it('ships a pick-list with Chinese and English names, hard negatives among the dismissal labels', () => {
    const list = loadVerdictLabels();
    expect(list.length).toBeGreaterThanOrEqual(8);
    for (const l of list) expect(l.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(list.find((l) => l.code === 'hard-negative:nursing-home')).toMatchObject({ zh: '养老院集体就诊', verdicts: ['false-positive'] });
    expect(list.some((l) => l.verdicts.includes('fraud'))).toBe(true);
  });

  it('refuses a pick-list file with a bad code or a duplicate, naming the file and the field', () => {
    expect(() => parseVerdictLabels('labels:\n  - { code: "Bad Code", zh: "甲", en: "a", verdicts: [fraud] }\n', 'x.yaml')).toThrow(/x\.yaml: labels\.0\.code: a code is lower-case/);
    expect(() => parseVerdictLabels('labels:\n  - { code: "a", zh: "甲", en: "a", verdicts: [fraud] }\n  - { code: "a", zh: "乙", en: "b", verdicts: [fraud] }\n', 'y.yaml')).toThrow(/y\.yaml: labels\.1\.code: "a" is listed twice/);
  });
});
