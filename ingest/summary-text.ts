import type { IngestSummary } from './run-ingest.ts';

/** The run's account for an operator: read = accepted + rejected per file, and why rows were rejected. */
export function formatSummary(s: IngestSummary): string {
  const lines: string[] = [];
  for (const f of s.files) {
    const state = f.skippedAsLoaded ? ' (already loaded; nothing written)' : f.resumedFromLine > 0 ? ` (resumed after line ${f.resumedFromLine})` : '';
    const dup = f.duplicates ? ` (${f.duplicates} of them identical duplicates, stored once)` : '';
    lines.push(`${f.file} [${f.kind}]: read ${f.read} = accepted ${f.accepted} + rejected ${f.rejected}${dup}  in ${f.seconds.toFixed(1)} s${state}`);
    for (const [reason, n] of Object.entries(f.reasons).sort((a, b) => b[1] - a[1])) lines.push(`    ${String(n).padStart(8)}  ${reason}`);
    if (f.rejectsFile) lines.push(`    rejected rows with line, field and reason: ${f.rejectsFile}`);
  }
  const rate = s.seconds > 0 ? Math.round(s.read / s.seconds) : 0;
  lines.push(`total: read ${s.read} = accepted ${s.accepted} + rejected ${s.rejected}  in ${s.seconds.toFixed(1)} s (${rate} rows/s)`);
  return lines.join('\n');
}
