import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { stringify, type Stringifier } from 'csv-stringify';

/** Rejected rows, one line per problem: which file, which line, which field, why, and the raw row. */
export class RejectsFile {
  readonly path: string;
  private readonly csv: Stringifier;
  private readonly out: WriteStream;
  count = 0;

  /** `name` is the source file's rejects name (PlannedFile.rejectsName): unique within a run. */
  constructor(dir: string, name: string) {
    mkdirSync(dir, { recursive: true });
    this.path = path.join(dir, `${name}.rejects.csv`);
    this.out = createWriteStream(this.path);
    this.csv = stringify({ header: true, columns: ['file', 'line', 'field', 'reason', 'raw'], bom: true });
    this.csv.pipe(this.out);
  }

  async add(file: string, line: number, field: string, reason: string, raw: Record<string, string>): Promise<void> {
    this.count++;
    if (!this.csv.write([file, line, field, reason, JSON.stringify(raw)])) await once(this.csv, 'drain');
  }

  /** Closes the file; removes it when nothing was rejected so a clean run leaves no empty files. */
  async close(): Promise<string | undefined> {
    this.csv.end();
    await once(this.out, 'close');
    if (this.count === 0) {
      rmSync(this.path, { force: true });
      return undefined;
    }
    return this.path;
  }
}
