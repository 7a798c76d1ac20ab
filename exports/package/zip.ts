import yauzl from 'yauzl';
import yazl from 'yazl';

/** ZIP in and out of memory: packages are a few MB, even for the largest rings. */

export interface ZipInput {
  path: string;
  data: Buffer;
}

/** Already-compressed formats (XLSX is itself a ZIP, PNG/PDF streams are deflated) are stored. */
const STORED = /\.(xlsx|png)$/i;

export function writeZip(files: ZipInput[], mtime: Date): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(f.data, f.path, { mtime, mode: 0o100644, compress: !STORED.test(f.path) });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

export interface ZipEntryRead {
  path: string;
  data: Buffer | null;
  /** why the entry could not be read (corrupt data, CRC mismatch) */
  error: string | null;
}

/** Reads every entry; an unreadable entry is reported, not thrown, so verify can name it. */
export function readZip(buffer: Buffer): Promise<ZipEntryRead[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return reject(new Error(`not a readable ZIP archive: ${err?.message ?? 'unknown error'}`));
      const out: ZipEntryRead[] = [];
      zip.on('error', (e: Error) => reject(new Error(`not a readable ZIP archive: ${e.message}`)));
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) {
            out.push({ path: entry.fileName, data: null, error: e?.message ?? 'cannot open' });
            return zip.readEntry();
          }
          const chunks: Buffer[] = [];
          let failed: string | null = null;
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (se: Error) => {
            failed = se.message;
            out.push({ path: entry.fileName, data: null, error: failed });
            zip.readEntry();
          });
          stream.on('end', () => {
            if (failed) return;
            out.push({ path: entry.fileName, data: Buffer.concat(chunks), error: null });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
