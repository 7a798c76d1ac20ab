/**
 * Server errors in the user's language. The API answers in English (problem+json for clients and
 * logs); the workbench translates at its boundary: the errors people actually meet (a wrong password,
 * a locked account, a case that already exists, a move the workflow does not allow, a bad field) by
 * what the server says, everything else by the kind of problem (`type` urn:ringlens:problem:<kind>)
 * and its status. In Chinese no English sentence reaches the page; in English the server's own detail
 * follows the catalogue's sentence when no specific one matched. No server code is imported: this runs
 * in the browser and in the unit tests.
 */

export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** What describeError reads of client.ts's ApiError (restated here: this file also runs under Node in the unit tests). */
interface ApiErrorLike {
  status: number;
  detail: string;
  fieldErrors: { path: string; message: string; code?: string | undefined }[];
  kind: string | null;
  allowed: string[];
}

const isApiError = (e: unknown): e is ApiErrorLike => e instanceof Error && typeof (e as Partial<ApiErrorLike>).status === 'number' && typeof (e as Partial<ApiErrorLike>).detail === 'string';

/** What the server says, and which catalogue sentence says it (with the parts it needs). */
const SPECIFIC: { re: RegExp; key: string; args?: (m: RegExpExecArray, t: Translate) => Record<string, unknown> }[] = [
  { re: /^network error/, key: 'errors.network' },
  { re: /username or password is wrong/, key: 'errors.specific.loginFailed' },
  { re: /too many failed logins for this (account|address); try again in (\d+) minutes/, key: 'errors.specific.loginLocked', args: (m) => ({ minutes: Number(m[2]) }) },
  { re: /another login for this (account|address) is in progress/, key: 'errors.specific.loginBusy' },
  { re: /session ended|log in again|refresh token/, key: 'errors.specific.sessionEnded' },
  { re: /already has open case (\S+)/, key: 'errors.specific.openCaseExists', args: (m) => ({ caseId: m[1] }) },
  { re: /(\S+) is not an active investigator or supervisor/, key: 'errors.specific.assigneeInvalid', args: (m) => ({ username: m[1] }) },
  { re: /a (\w+) case cannot become (\w+)/, key: 'errors.specific.transitionInvalid', args: (m, t) => ({ from: t(`caseStatus.${m[1]}`), to: t(`caseStatus.${m[2]}`) }) },
  { re: /only (.+) may move a case from (\w+) to (\w+)/, key: 'errors.specific.transitionRole', args: (m, t) => ({ roles: m[1]!.split(' or ').map((r) => t(`role.${r}`)).join(t('case.labelSeparator')), from: t(`caseStatus.${m[2]}`), to: t(`caseStatus.${m[3]}`) }) },
  { re: /the job dashboard is for admins/, key: 'errors.specific.boardAdminOnly' },
  { re: /^no (ring|case|report|schedule|export) /, key: 'errors.specific.noSuch', args: (m, t) => ({ what: t(`errors.what.${m[1]}`) }) },
  { re: /RingLens cannot answer right now/, key: 'errors.unavailable' },
];

const KINDS = ['validation', 'unauthenticated', 'forbidden', 'not-found', 'conflict', 'too-large', 'unsupported-media-type', 'unprocessable', 'rate-limited', 'internal', 'unavailable', 'network', 'invalid-stored-value'] as const;
const KIND_OF_STATUS: Record<number, (typeof KINDS)[number]> = { 0: 'network', 400: 'validation', 401: 'unauthenticated', 403: 'forbidden', 404: 'not-found', 409: 'conflict', 413: 'too-large', 415: 'unsupported-media-type', 422: 'unprocessable', 429: 'rate-limited', 500: 'internal', 503: 'unavailable' };

/** A field's name in words: the last named part of its path (body.labels.0 → labels). */
function fieldName(path: string, t: Translate): string {
  const name = path.split('.').filter((p) => !/^\d+$/.test(p) && p !== 'body' && p !== 'query' && p !== 'params').at(-1) ?? path;
  return t(`errors.field.${name}`, { defaultValue: t('errors.field.other') });
}

export function describeError(e: unknown, t: Translate, lang: 'zh' | 'en'): string {
  if (!isApiError(e)) return t('errors.unknown');
  for (const s of SPECIFIC) {
    const m = s.re.exec(e.detail);
    if (m) return t(s.key, s.args?.(m, t) ?? {});
  }
  const kind = (KINDS as readonly string[]).includes(e.kind ?? '') ? e.kind! : (KIND_OF_STATUS[e.status] ?? null);
  const head = kind ? t(`errors.${kind}`, { status: e.status }) : t('errors.status', { status: e.status });
  if (e.fieldErrors.length > 0) {
    const fields = e.fieldErrors.map((f) => `${fieldName(f.path, t)}${t('errors.colon')}${t(`errors.code.${f.code ?? 'other'}`, { defaultValue: t('errors.code.other') })}`);
    return `${head}${t('errors.colon')}${fields.join(t('errors.separator'))}`;
  }
  return lang === 'en' && e.detail ? `${head} (${e.detail})` : head;
}
