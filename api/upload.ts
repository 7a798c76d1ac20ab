import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import { badRequest, Problem } from './problem.ts';

/**
 * Streams a multipart upload straight to disk (never into memory), file by file, enforcing a size
 * limit per upload. Anything wrong removes what was written, so a failed upload leaves nothing.
 */
export interface UploadedFile {
  name: string;
  bytes: number;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export async function receiveUpload(req: Request, dir: string, maxBytes: number, maxFiles = 20): Promise<UploadedFile[]> {
  const type = req.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(type)) throw new Problem(415, 'send the files as multipart/form-data (field "files")');
  const declared = Number(req.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes + 1024 * 1024) throw new Problem(413, `upload of ${declared} bytes is larger than the limit of ${maxBytes} bytes`);
  await mkdir(dir, { recursive: true });
  const files: UploadedFile[] = [];
  const writes: Promise<void>[] = [];
  let total = 0;
  let failure: Problem | undefined;
  const fail = (p: Problem) => {
    failure ??= p;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({ headers: req.headers, limits: { files: maxFiles, fileSize: maxBytes, fields: 20, fieldSize: 1024 } });
      } catch (e) {
        reject(badRequest(`cannot read the upload: ${(e as Error).message}`));
        return;
      }
      bb.on('file', (field, stream, info) => {
        const name = path.basename(info.filename ?? '');
        if (field !== 'files' || !SAFE_NAME.test(name) || files.some((f) => f.name === name)) {
          fail(badRequest('invalid file in upload', [{ path: `body.${field}`, message: `file field must be "files", names unique and made of letters, digits, . _ - (got "${name}")` }]));
          stream.resume();
          return;
        }
        const entry = { name, bytes: 0 };
        files.push(entry);
        stream.on('data', (chunk: Buffer) => {
          entry.bytes += chunk.length;
          total += chunk.length;
          if (total > maxBytes) {
            fail(new Problem(413, `upload larger than the limit of ${maxBytes} bytes`));
            stream.destroy();
          }
        });
        stream.on('limit', () => fail(new Problem(413, `upload larger than the limit of ${maxBytes} bytes`)));
        writes.push(pipeline(stream, createWriteStream(path.join(dir, name))).catch(() => undefined));
      });
      bb.on('filesLimit', () => fail(new Problem(413, `at most ${maxFiles} files per upload`)));
      bb.on('error', (e) => reject(badRequest(`cannot read the upload: ${(e as Error).message}`)));
      bb.on('close', () => resolve());
      req.on('aborted', () => reject(badRequest('upload aborted by the client')));
      req.pipe(bb);
    });
    await Promise.all(writes);
    if (failure) throw failure;
    if (files.length === 0) throw badRequest('no files in the upload', [{ path: 'body.files', message: 'attach at least one file' }]);
    return files;
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    // Drain what is left of the body so the client sees our answer rather than a reset.
    req.resume();
    throw e;
  }
}
