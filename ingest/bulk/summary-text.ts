import { formatSummary } from '../summary-text.ts';
import type { BulkIngestResult } from './bulk-ingest.ts';

/** The ingest account (read = accepted + rejected per file) followed by where the time went. */
export function formatBulkResult(r: BulkIngestResult): string {
  const claims = r.summary.files.filter((f) => f.kind === 'claims').reduce((n, f) => n + f.accepted, 0);
  const lines = [formatSummary(r.summary), `bulk import: ${r.nodes} nodes, ${r.relationships} relationships; phases:`];
  for (const p of r.phases) lines.push(`  ${p.seconds.toFixed(1).padStart(7)} s  ${p.name}`);
  const rate = r.summary.seconds > 0 ? Math.round(claims / r.summary.seconds) : 0;
  lines.push(`  ${r.summary.seconds.toFixed(1).padStart(7)} s  end to end: ${claims} claims = ${rate} claims/s (validation threads used ${r.laneCpuSeconds.toFixed(1)} CPU s; importer threads ${r.importThreads})`);
  return lines.join('\n');
}
