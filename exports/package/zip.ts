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
  /** a directory entry (no data) */
  directory: boolean;
  /** the name bytes of the central directory, as Latin-1 (differs from path when an extra field renamed the entry) */
  rawName: string;
  /** the name in the entry's local header, which streaming extractors read instead (null: no local header there) */
  localName: string | null;
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50;

function localHeaderName(zip: Buffer, offset: number): string | null {
  if (offset + 30 > zip.length || zip.readUInt32LE(offset) !== LOCAL_HEADER_SIGNATURE) return null;
  const length = zip.readUInt16LE(offset + 26);
  return zip.subarray(offset + 30, offset + 30 + length).toString('latin1');
}

/** Reads every entry, in archive order, duplicates included; an unreadable entry is reported, not thrown, so verify can name it. */
export function readZip(buffer: Buffer): Promise<ZipEntryRead[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return reject(new Error(`not a readable ZIP archive: ${err?.message ?? 'unknown error'}`));
      const out: ZipEntryRead[] = [];
      zip.on('error', (e: Error) => reject(new Error(`not a readable ZIP archive: ${e.message}`)));
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry & { fileNameRaw: Buffer }) => {
        const names = { rawName: entry.fileNameRaw.toString('latin1'), localName: localHeaderName(buffer, entry.relativeOffsetOfLocalHeader) };
        if (entry.fileName.endsWith('/')) {
          out.push({ path: entry.fileName, data: null, error: null, directory: true, ...names });
          return zip.readEntry();
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) {
            out.push({ path: entry.fileName, data: null, error: e?.message ?? 'cannot open', directory: false, ...names });
            return zip.readEntry();
          }
          const chunks: Buffer[] = [];
          let failed: string | null = null;
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (se: Error) => {
            failed = se.message;
            out.push({ path: entry.fileName, data: null, error: failed, directory: false, ...names });
            zip.readEntry();
          });
          stream.on('end', () => {
            if (failed) return;
            out.push({ path: entry.fileName, data: Buffer.concat(chunks), error: null, directory: false, ...names });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
