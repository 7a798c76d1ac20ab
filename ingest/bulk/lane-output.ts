import path from 'node:path';
import { ImporterCsv } from './importer-csv.ts';
import { LAYOUT, type LayoutName, type WrittenFile } from './layout.ts';

/** A lane's importer files, opened on first use, named after their layout entry. */
export class LaneOutput {
  private readonly files = new Map<LayoutName, ImporterCsv>();
  /** Set when some value holds a line break: the importer then has to parse multi-line fields. */
  multiline = false;

  constructor(private readonly dir: string) {}

  file(name: LayoutName): ImporterCsv {
    let f = this.files.get(name);
    if (!f) {
      f = new ImporterCsv(path.join(this.dir, `${name}.csv`), LAYOUT[name].header);
      this.files.set(name, f);
    }
    return f;
  }

  close(): WrittenFile[] {
    const written: WrittenFile[] = [];
    for (const [layout, f] of this.files) {
      f.close();
      written.push({ layout, path: f.path, rows: f.rows });
    }
    return written;
  }
}
