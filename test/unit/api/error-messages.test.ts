import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { refused } from '../../../api/routes/auth.ts';
import { fromZod, Problem, unavailable } from '../../../api/problem.ts';
import { TransitionBody } from '../../../api/schemas/cases.ts';
import { checkTransition } from '../../../cases/workflow.ts';
import { TransitionRejected } from '../../../graph/cases/cases.ts';
import { describeError, type Translate } from '../../../ui/src/api/errors.ts';
import { en } from '../../../ui/src/i18n/en.ts';
import { zh } from '../../../ui/src/i18n/zh.ts';

/**
 * Issue 23, defect 10 (remainder): server errors reached the page in English ("出错了：a new case
 * cannot become referred"). The workbench translates them at its boundary. The problems here are made
 * by the server's own code (zod field errors, the workflow's refusal, the login limiter, a dependency
 * outage), so a change of wording on the server shows up here.
 */

const SLUG: Record<number, string> = { 400: 'validation', 401: 'unauthenticated', 403: 'forbidden', 404: 'not-found', 409: 'conflict', 422: 'unprocessable', 429: 'rate-limited', 500: 'internal', 503: 'unavailable' };

/** A problem as the workbench's client turns it into an error (ui/src/api/client.ts ApiError). */
function asClientError(p: Problem) {
  const e = new Error(p.message) as Error & { status: number; detail: string; fieldErrors: { path: string; message: string; code?: string }[]; kind: string | null; allowed: string[] };
  e.status = p.status;
  e.detail = p.message;
  e.fieldErrors = p.extra.errors ?? [];
  e.kind = (p.extra.type?.replace('urn:ringlens:problem:', '') as string | undefined) ?? SLUG[p.status] ?? null;
  e.allowed = (p.extra.allowed as string[] | undefined) ?? [];
  return e;
}

const i18n = i18next.createInstance();
await i18n.init({ resources: { zh: { translation: zh }, en: { translation: en } }, lng: 'zh', interpolation: { escapeValue: false } });
const tZh = i18n.getFixedT('zh') as unknown as Translate;
const tEn = i18n.getFixedT('en') as unknown as Translate;
/** an English word of three or more letters: what must not reach a Chinese page */
const ENGLISH = /[A-Za-z]{3,}/;

describe('server errors in the user’s language', () => {
  const rejected = (from: 'new' | 'investigating', to: 'referred' | 'confirmed', role: 'investigator' | 'liaison') => {
    const check = checkTransition(from, to, role);
    if (check.ok) throw new Error('expected a refusal');
    const err = new TransitionRejected(check, from, to);
    return new Problem(check.reason === 'role-not-allowed' ? 403 : 409, err.message);
  };
  const cases: [string, Problem, string][] = [
    ['a move the workflow does not have', rejected('new', 'referred', 'investigator'), '「新建」的案件不能转为「已移送」'],
    ['a move the role may not make', rejected('investigating', 'confirmed', 'liaison'), '只有稽核人员、主管可以把案件从「调查中」转为「已确认」'],
    ['a locked account', refused({ allowed: false, scope: 'account', reason: 'locked', retryAfterSeconds: 900 } as Parameters<typeof refused>[0]), '登录失败次数过多，请 15 分钟后再试'],
    ['an outage', unavailable('Neo4j is not answering'), '系统暂时无法响应'],
    ['a wrong password', new Problem(401, 'username or password is wrong, or the account is disabled'), '用户名或密码错误'],
    ['an open case on the ring', new Problem(409, 'ring R-CF-0001 already has open case C-20261206-0A1B2C3D'), '该团伙已有在办案件 C-20261206-0A1B2C3D'],
    ['an unknown route answer', new Problem(404, 'no report weekly--2026-W49'), '找不到该报告'],
  ];
  for (const [what, problem, words] of cases) {
    it(`says ${what} in Chinese, with no English`, () => {
      const text = describeError(asClientError(problem), tZh, 'zh');
      expect(text).toContain(words);
      expect(text).not.toMatch(ENGLISH);
    });
  }

  it('names each invalid field and what is wrong with it, from zod’s codes', () => {
    const parsed = TransitionBody.safeParse({ to: 'solved', labels: ['x'.repeat(80)] });
    expect(parsed.success).toBe(false);
    const text = describeError(asClientError(fromZod('body', parsed.error!)), tZh, 'zh');
    expect(text).toBe('提交的内容有误：目标：不是允许的取值；判定标签：太长或太大');
    expect(text).not.toMatch(ENGLISH);
  });

  it('falls back to the kind of problem for anything it has no sentence for, in every status the API answers', () => {
    for (const status of Object.keys(SLUG).map(Number)) {
      const text = describeError(asClientError(new Problem(status, 'something the catalogue has never heard of')), tZh, 'zh');
      expect(text.length).toBeGreaterThan(3);
      expect(text, String(status)).not.toMatch(ENGLISH);
    }
    expect(describeError(new TypeError('x is undefined'), tZh, 'zh')).toBe('发生了意外错误，请重试');
  });

  it('keeps the server’s detail after the sentence in English', () => {
    const text = describeError(asClientError(new Problem(409, 'something else conflicts')), tEn, 'en');
    expect(text).toBe('This conflicts with the current state; reload and try again (something else conflicts)');
  });
});
