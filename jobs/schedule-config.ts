import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { WindowSchema } from '../detection/scope.ts';
import { PERIOD_UNITS } from './period.ts';

/**
 * Scheduled runs and reports, as an operator writes them in a file (YAML or JSON) and as the admin
 * API accepts them. One schema for both, so a file and an API call fail with the same field paths.
 */

/** Five-field cron (minute precision) or six fields with seconds first — what BullMQ's cron-parser reads. */
const cron = z
  .string()
  .trim()
  .refine((v) => {
    const n = v.split(/\s+/).length;
    return n === 5 || n === 6;
  }, 'must be a cron pattern with 5 fields (m h dom mon dow) or 6 (seconds first)');

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Shanghai');

export const WebhookTargetSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** HMAC-SHA256 key for X-RingLens-Signature; never returned by the API */
    secret: z.string().min(16, 'must be at least 16 characters').optional(),
    /** or the name of an environment variable holding it (keeps secrets out of files) */
    secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name').optional(),
  })
  .strict()
  .refine((w) => !!w.secret !== !!w.secretEnv, { message: 'give exactly one of secret or secretEnv', path: ['secret'] });

export const EmailTargetSchema = z
  .object({
    to: z.array(z.email({ error: 'must be an e-mail address' })).min(1),
    subjectPrefix: z.string().max(80).optional(),
  })
  .strict();

export const ScheduleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, starting with a letter or digit'),
    title: z.string().min(1).max(120),
    /** detection: run a (partitioned) detection, then report on it; report: report on the runs already made */
    kind: z.enum(['detection', 'report']),
    /** detection schedules: only the claims of the last N days up to the fire's day (e.g. 365d); default all */
    window: WindowSchema.optional(),
    cron,
    tz: timeZone.default('Asia/Shanghai'),
    /** what one report covers; two fires inside one period make one report */
    period: z.enum(PERIOD_UNITS),
    enabled: z.boolean().default(true),
    lang: z.enum(['zh', 'en']).default('zh'),
    formats: z.array(z.enum(['html', 'pdf', 'json'])).min(1).default(['html', 'pdf', 'json']),
    delivery: z
      .object({
        webhooks: z.array(WebhookTargetSchema).max(10).default([]),
        email: EmailTargetSchema.optional(),
      })
      .strict()
      .default({ webhooks: [] }),
  })
  .strict();
export type Schedule = z.output<typeof ScheduleSchema>;

/**
 * What the field types cannot say (ScheduleSchema stays a plain object: the API derives its patch
 * schema from it): a window belongs to a detection schedule — a report schedule runs nothing.
 */
export function scheduleProblem(s: Pick<Schedule, 'kind' | 'window'>): { field: string; message: string } | null {
  if (s.window && s.kind !== 'detection') return { field: 'window', message: 'only a detection schedule has a window (a report schedule reports on runs already made)' };
  return null;
}
export type ScheduleInput = z.input<typeof ScheduleSchema>;

export const ScheduleFileSchema = z
  .object({ schedules: z.array(ScheduleSchema) })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Map<string, number>();
    f.schedules.forEach((s, k) => {
      const wrong = scheduleProblem(s);
      if (wrong) ctx.addIssue({ code: 'custom', message: wrong.message, path: ['schedules', k, wrong.field] });
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', message: `duplicate id "${s.id}" (also schedules.${seen.get(s.id)})`, path: ['schedules', k, 'id'] });
      seen.set(s.id, k);
    });
  });

/** The defaults: nightly detection at 02:00 China time, weekly report Monday 03:00, monthly on the 1st. */
export const DEFAULT_SCHEDULES_FILE = 'config/schedules.yaml';

export class ScheduleFileError extends Error {
  override name = 'ScheduleFileError';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], root = ''): string {
  return issues.map((i) => `  ${[root, ...i.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${i.message}`).join('\n');
}

export function parseScheduleFile(text: string, file: string): Schedule[] {
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ScheduleFileError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  const r = ScheduleFileSchema.safeParse(raw);
  if (!r.success) throw new ScheduleFileError(`${file}: invalid schedules:\n${formatIssues(r.error.issues)}`);
  return r.data.schedules;
}

export function loadScheduleFile(file: string): Schedule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScheduleFileError(`cannot read schedules file ${path.resolve(file)}: ${(e as Error).message}`);
  }
  return parseScheduleFile(text, file);
}

/** The webhook key, from the schedule or the environment variable it names. */
export function webhookSecret(w: z.output<typeof WebhookTargetSchema>, env: NodeJS.ProcessEnv = process.env): string {
  if (w.secret) return w.secret;
  const v = env[w.secretEnv!];
  if (!v || v.length < 16) throw new Error(`webhook ${w.url}: environment variable ${w.secretEnv} is not set or shorter than 16 characters`);
  return v;
}
