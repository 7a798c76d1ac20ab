/** Reads a mapping file (JSON or YAML by extension) and validates it, naming the file and key on error. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatIssuePath, MappingSchema, semanticIssues, type Mapping, type MappingIssue } from './schema.ts';

export class MappingError extends Error {
  override name = 'MappingError';

  constructor(
    readonly file: string,
    readonly issues: readonly MappingIssue[],
  ) {
    // One line per issue, `file: key.path: problem`, so a long list reads like compiler output.
    super(issues.map((i) => (i.path ? `${file}: ${i.path}: ${i.message}` : `${file}: ${i.message}`)).join('\n'));
  }
}

export async function loadMapping(file: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MappingError(file, [{ path: '', message: `cannot read: ${(error as Error).message}` }]);
  }
  return parseMapping(text, file);
}

/** Parses mapping text; `file` picks JSON or YAML by its extension and names the file in errors. */
export function parseMapping(text: string, file: string): Mapping {
  const ext = path.extname(file).toLowerCase();
  let data: unknown;
  try {
    if (ext === '.json') data = JSON.parse(text);
    else if (ext === '.yaml' || ext === '.yml') data = parseYaml(text);
    else throw new MappingError(file, [{ path: '', message: `unknown extension "${ext}": expected .json, .yaml or .yml` }]);
  } catch (error) {
    if (error instanceof MappingError) throw error;
    const kind = ext === '.json' ? 'JSON' : 'YAML';
    throw new MappingError(file, [{ path: '', message: `invalid ${kind}: ${(error as Error).message}` }]);
  }
  return validateMapping(data, file);
}

/** Validates already-parsed mapping data. */
export function validateMapping(data: unknown, file: string): Mapping {
  const parsed = MappingSchema.safeParse(data);
  if (!parsed.success) {
    throw new MappingError(
      file,
      parsed.error.issues.map((issue) => ({
        path: formatIssuePath(issue.path),
        message:
          issue.code === 'unrecognized_keys'
            ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
            : issue.message,
      })),
    );
  }
  const issues = semanticIssues(parsed.data);
  if (issues.length > 0) throw new MappingError(file, issues);
  return parsed.data;
}
