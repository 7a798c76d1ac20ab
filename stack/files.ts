import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Write-then-rename so a crash never leaves a half-written state file behind. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The last ERROR and `Caused by:` lines a Neo4j log gained after `offset` bytes ('' if none). */
export function errorLinesSince(file: string, offset: number, lines: number): string {
  let text: string;
  try {
    text = readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
  return text
    .split('\n')
    .filter((l) => / ERROR |^Caused by:/.test(l))
    .slice(-lines)
    .join('\n');
}
