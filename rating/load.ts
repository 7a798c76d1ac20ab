/** Reads a rating model (JSON or YAML by extension) and validates it, naming the file and path of every problem. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { formatPath, RatingModelSchema, semanticIssues, type ModelIssue, type RatingModel } from './model.ts';

export const DEFAULT_MODEL_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'models', 'wenzhou-1000.yaml');
/** The shipped doctor model (rating/models/doctor-100.yaml); RINGLENS_DOCTOR_RATING_MODEL names another. */
export const DEFAULT_DOCTOR_MODEL_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'models', 'doctor-100.yaml');

export class RatingModelError extends Error {
  override name = 'RatingModelError';

  constructor(
    readonly file: string,
    readonly issues: readonly ModelIssue[],
  ) {
    super(issues.map((i) => (i.path ? `${file}: ${i.path}: ${i.message}` : `${file}: ${i.message}`)).join('\n'));
  }
}

export function parseRatingModel(text: string, file: string): RatingModel {
  const ext = path.extname(file).toLowerCase();
  let data: unknown;
  try {
    if (ext === '.json') data = JSON.parse(text);
    else if (ext === '.yaml' || ext === '.yml') data = parseYaml(text);
    else throw new RatingModelError(file, [{ path: '', message: `unknown extension "${ext}": expected .json, .yaml or .yml` }]);
  } catch (error) {
    if (error instanceof RatingModelError) throw error;
    throw new RatingModelError(file, [{ path: '', message: `invalid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}` }]);
  }
  return validateRatingModel(data, file);
}

export function validateRatingModel(data: unknown, file: string): RatingModel {
  const parsed = RatingModelSchema.safeParse(data);
  if (!parsed.success) {
    throw new RatingModelError(
      file,
      parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        message: issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message,
      })),
    );
  }
  const issues = semanticIssues(parsed.data);
  if (issues.length > 0) throw new RatingModelError(file, issues);
  return parsed.data;
}

/** Reads a model and checks it rates `subject` (a doctor model given where an institution model is expected is an error naming the file). */
export function loadSubjectModel(file: string, subject: RatingModel['subject']): RatingModel {
  const m = loadRatingModel(file);
  if (m.subject !== subject) throw new RatingModelError(file, [{ path: 'subject', message: `this model rates ${m.subject}s; expected a model of ${subject}s here` }]);
  return m;
}

export const doctorModelFile = (file?: string): string => file ?? process.env.RINGLENS_DOCTOR_RATING_MODEL ?? DEFAULT_DOCTOR_MODEL_FILE;

export function loadRatingModel(file: string = process.env.RINGLENS_RATING_MODEL ?? DEFAULT_MODEL_FILE): RatingModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RatingModelError(file, [{ path: '', message: `cannot read: ${(error as Error).message}` }]);
  }
  return parseRatingModel(text, file);
}
