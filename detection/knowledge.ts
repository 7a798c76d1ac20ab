import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DetectionKnowledgeSchema, type DetectionKnowledge } from '../algorithms/knowledge.ts';
import { ConfigError, PROJECT_ROOT } from '../config/env.ts';

/**
 * Loads the detection knowledge file (clinical and market facts, config/detection-knowledge.yaml by
 * default; RINGLENS_DETECTION_KNOWLEDGE names a bureau's own copy) and validates it. A bad file stops the
 * run with the file and the path of every problem, before any claim is read.
 */

export const DEFAULT_KNOWLEDGE_FILE = path.join(PROJECT_ROOT, 'config', 'detection-knowledge.yaml');

export function parseKnowledge(text: string, file: string): DetectionKnowledge {
  let doc: unknown;
  try {
    doc = parse(text, { uniqueKeys: true });
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = DetectionKnowledgeSchema.safeParse(doc);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(document)'}: ${i.message}`);
    throw new ConfigError(`${file}: invalid detection knowledge:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

const cache = new Map<string, DetectionKnowledge>();

export function loadKnowledge(file: string = process.env.RINGLENS_DETECTION_KNOWLEDGE || DEFAULT_KNOWLEDGE_FILE): DetectionKnowledge {
  const hit = cache.get(file);
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the detection knowledge file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const k = parseKnowledge(text, file);
  cache.set(file, k);
  return k;
}
