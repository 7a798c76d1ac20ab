import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../config/env.ts';

/**
 * The verdict-label pick-list (config/verdict-labels.yaml): what investigators choose from when they
 * confirm or dismiss a case. A label is stored by its code (ranking reads codes: "hard-negative:*"
 * clears the institutions for the same kind of ring); people read its Chinese or English name.
 */

export const LABEL_CODE = /^[a-z0-9][a-z0-9:._-]*$/;

/** Any label a case may carry: a pick-list code, or free text in any script (Chinese included). */
export const FREE_LABEL = /^[\p{L}\p{N}][\p{L}\p{N}\p{Zs}:._\-()（）、·/]*$/u;

export const VerdictLabelDefSchema = z.strictObject({
  code: z.string().regex(LABEL_CODE, 'a code is lower-case letters, digits and : . _ - only'),
  zh: z.string().trim().min(1),
  en: z.string().trim().min(1),
  verdicts: z.array(z.enum(['fraud', 'false-positive'])).min(1),
});
export type VerdictLabelDef = z.infer<typeof VerdictLabelDefSchema>;

const FileSchema = z.strictObject({ labels: z.array(VerdictLabelDefSchema).min(1) });

export const DEFAULT_VERDICT_LABELS_FILE = path.join(PROJECT_ROOT, 'config', 'verdict-labels.yaml');

export class VerdictLabelsError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'VerdictLabelsError';
  }
}

/** Parses a pick-list file; errors name the file and the field path. Codes must be unique. */
export function parseVerdictLabels(text: string, file: string): VerdictLabelDef[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new VerdictLabelsError(file, `not valid YAML (${(e as Error).message})`);
  }
  const r = FileSchema.safeParse(raw);
  if (!r.success) throw new VerdictLabelsError(file, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const seen = new Set<string>();
  for (const [k, l] of r.data.labels.entries()) {
    if (seen.has(l.code)) throw new VerdictLabelsError(file, `labels.${k}.code: "${l.code}" is listed twice`);
    seen.add(l.code);
  }
  return r.data.labels;
}

const cache = new Map<string, VerdictLabelDef[]>();
export function loadVerdictLabels(file = process.env.RINGLENS_VERDICT_LABELS || DEFAULT_VERDICT_LABELS_FILE): VerdictLabelDef[] {
  let list = cache.get(file);
  if (!list) cache.set(file, (list = parseVerdictLabels(readFileSync(file, 'utf8'), file)));
  return list;
}
