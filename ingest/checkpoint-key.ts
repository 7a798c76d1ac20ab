import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { RowKind } from './validate/rows.ts';

/** SHA-256 of a file's bytes: a checkpoint belongs to content, not to a file name. */
export async function fileContentHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('end', resolve)
      .on('error', (e) => reject(new Error(`${file}: cannot be read: ${e.message}`)));
  });
  return hash.digest('hex');
}

/**
 * The IngestCheckpoint key of a file: what it holds, its content, and how it was mapped. Both the
 * transactional and the bulk ingest use it, so either one recognises files the other loaded.
 */
export function checkpointKey(kind: RowKind, contentHash: string, mappingFingerprint: string | undefined): string {
  return createHash('sha256').update(`${kind}\n${contentHash}\n${mappingFingerprint ?? 'canonical'}`).digest('hex');
}
