import type { KeyObject } from 'node:crypto';
import { checkSignature, MANIFEST_FILE, ManifestSchema, sha256, type Manifest } from './manifest.ts';
import { readZip } from './zip.ts';

/**
 * Verifies a package: every file listed in the manifest is there with its size and SHA-256, nothing
 * unlisted was added, and the manifest's signature holds (against the pinned bureau key when one is
 * given). Every problem is reported with the file it concerns; nothing stops at the first.
 */

export interface VerifyProblem {
  file: string;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  problems: VerifyProblem[];
  manifest: Manifest | null;
  /** fingerprint of the key that signed the package, when the signature holds */
  signedBy: string | null;
  /** true when the signature was checked against a pinned key rather than only the embedded one */
  keyPinned: boolean;
  filesChecked: number;
}

export async function verifyPackage(zipBytes: Buffer, opts: { publicKey?: KeyObject } = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const report = (manifest: Manifest | null, signedBy: string | null, filesChecked: number): VerifyReport => ({
    ok: problems.length === 0,
    problems,
    manifest,
    signedBy,
    keyPinned: Boolean(opts.publicKey),
    filesChecked,
  });

  let entries;
  try {
    entries = await readZip(zipBytes);
  } catch (err) {
    problems.push({ file: '(package)', problem: (err as Error).message });
    return report(null, null, 0);
  }
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const e of entries) {
    if (e.path.startsWith('/') || e.path.split(/[\\/]/).includes('..')) problems.push({ file: e.path, problem: 'unsafe path in the archive (absolute or containing ..)' });
  }

  const m = byPath.get(MANIFEST_FILE);
  if (!m) {
    problems.push({ file: MANIFEST_FILE, problem: 'missing: the package has no manifest' });
    return report(null, null, 0);
  }
  if (!m.data) {
    problems.push({ file: MANIFEST_FILE, problem: `unreadable in the archive: ${m.error}` });
    return report(null, null, 0);
  }
  let manifest: Manifest;
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(m.data.toString('utf8')));
    if (!parsed.success) {
      problems.push({ file: MANIFEST_FILE, problem: `not a valid manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` });
      return report(null, null, 0);
    }
    manifest = parsed.data;
  } catch (err) {
    problems.push({ file: MANIFEST_FILE, problem: `not valid JSON (${(err as Error).message})` });
    return report(null, null, 0);
  }

  const sig = checkSignature(manifest, opts.publicKey);
  if (!sig.ok) problems.push({ file: MANIFEST_FILE, problem: sig.problem });

  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const e = byPath.get(f.path);
    if (!e) {
      problems.push({ file: f.path, problem: 'missing from the package' });
      continue;
    }
    if (!e.data) {
      problems.push({ file: f.path, problem: `unreadable in the archive (${e.error}): its content was altered` });
      continue;
    }
    const actual = sha256(e.data);
    if (actual !== f.sha256) problems.push({ file: f.path, problem: `content altered: SHA-256 is ${actual}, the manifest says ${f.sha256}` });
    else if (e.data.length !== f.bytes) problems.push({ file: f.path, problem: `size is ${e.data.length} bytes, the manifest says ${f.bytes}` });
  }
  for (const e of entries) {
    if (e.path !== MANIFEST_FILE && !listed.has(e.path)) problems.push({ file: e.path, problem: 'not listed in the manifest (added after export)' });
  }
  return report(manifest, sig.ok ? sig.fingerprint : null, manifest.files.length);
}
