import { openRecordChunks, type SourceOptions } from './read/open-records.ts';
import { RejectsFile } from './rejects.ts';
import { reasonKey, type RowTransform } from './validate/check-record.ts';
import { FileRowChecker } from './validate/file-rows.ts';
import type { RowKind } from './validate/rows.ts';

/** What one file's rows come to, before anything of it is written. */
export interface FileJudgement {
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  reasons: Record<string, number>;
  rejectsFile: string | undefined;
  /** Lines (in file order) of the rows that are not stored: the write pass skips exactly these. */
  rejectedLines: number[];
}

export interface JudgeFileOptions {
  file: string;
  kind: RowKind;
  source: SourceOptions;
  transform: RowTransform | undefined;
  maxRejectRate: number;
  /** Data rows of the file (from its survey), so the reject limit can stop the pass as soon as it breaks. */
  rows: number;
  rejects: RejectsFile;
  /** Asked between chunks: true once the load has stopped for another reason, so the pass ends too. */
  cancelled?: () => boolean;
}

/**
 * The first full pass over a file on the transactional path: every row's verdict (row schema and the
 * file's rules on keys), its rejects written, and the reject-rate limit applied — before any row of
 * the file is written. A file whose rejects break the limit throws RejectRateError here, so it leaves
 * nothing of itself in the graph (only its rejects file, which says why). The write pass then stores
 * every row not listed in `rejectedLines`, validated again by the row schema alone.
 */
export async function judgeFile(o: JudgeFileOptions): Promise<FileJudgement> {
  const j: FileJudgement = { read: 0, accepted: 0, rejected: 0, duplicates: 0, reasons: {}, rejectsFile: undefined, rejectedLines: [] };
  const checker = new FileRowChecker(o.file, o.kind, o.transform, o.maxRejectRate);
  try {
    for await (const chunk of openRecordChunks(o.file, o.source)) {
      if (o.cancelled?.()) throw new Error(`${o.file}: reading stopped because the load stopped`);
      for (const rec of chunk) {
        j.read++;
        const v = checker.check(rec);
        if (v.ok) {
          j.accepted++;
          continue;
        }
        j.rejected++;
        if (v.duplicate) j.duplicates++;
        j.rejectedLines.push(rec.line);
        for (const p of v.problems) {
          const k = reasonKey(p.field, p.reason);
          j.reasons[k] = (j.reasons[k] ?? 0) + 1;
          await o.rejects.add(o.file, rec.line, p.field, p.reason, rec.fields);
        }
        checker.assertWithinRejectLimit(o.rows);
      }
    }
  } finally {
    j.rejectsFile = await o.rejects.close();
  }
  return j;
}
