import type { KeyObject } from 'node:crypto';
import { checkSignature, MANIFEST_FILE, parseManifest, sha256, type Manifest } from './manifest.ts';
import { readZip, type ZipEntryRead } from './zip.ts';

/**
 * Verifies a package: every file listed in the manifest is there once with its size and SHA-256,
 * nothing unlisted was added, and the manifest's signature holds (against the pinned bureau key when
 * one is given) over the manifest's exact bytes. An archive that extractors could read differently
 * from us — an entry name twice (some keep the first, some the last), a local header naming another
 * file than the central directory, names with "..", backslashes or absolute paths — is refused, even
 * when the copy we read is intact. Every problem is reported with the file it concerns; nothing stops
 * at the first. Entry order is not significant: re-zipping the same files in another order verifies.
 */

/** Names the exporter writes: relative, forward slashes, no empty, "." or ".." segment, no hidden files. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** What is wrong with the archive's entries themselves, whatever their content. */
function entryProblems(entries: ZipEntryRead[]): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.path.toLowerCase(), (counts.get(e.path.toLowerCase()) ?? 0) + 1);
  for (const e of entries) {
    if (e.directory) problems.push({ file: e.path, problem: 'unexpected directory entry (the exporter writes files only)' });
    else if (!SAFE_NAME.test(e.path)) problems.push({ file: e.path, problem: 'unexpected entry name: absolute, with "." or "..", a backslash or characters the exporter never writes' });
    if (e.rawName !== e.path) problems.push({ file: e.path, problem: `the entry's stored name is "${e.rawName}": an extra field renames it for some extractors only` });
    if (e.localName !== e.rawName) problems.push({ file: e.path, problem: e.localName === null ? 'no local header where the central directory points' : `its local header names "${e.localName}": extractors that read local headers see another file` });
  }
  for (const [name, n] of counts) {
    if (n > 1) problems.push({ file: entries.find((e) => e.path.toLowerCase() === name)!.path, problem: `the archive holds ${n} entries of this name (letter case aside): extractors keep the first or the last, so which one is real cannot be told` });
  }
  return problems;
}

/** What is wrong with the manifest's own list of files. */
function listProblems(manifest: Manifest): VerifyProblem[] {
  const seen = new Set<string>();
  const problems: VerifyProblem[] = [];
  for (const f of manifest.files) {
    if (f.path === MANIFEST_FILE || !SAFE_NAME.test(f.path)) problems.push({ file: MANIFEST_FILE, problem: `lists a file the exporter never writes: "${f.path}"` });
    if (seen.has(f.path.toLowerCase())) problems.push({ file: MANIFEST_FILE, problem: `lists "${f.path}" twice` });
    seen.add(f.path.toLowerCase());
  }
  return problems;
}

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
  problems.push(...entryProblems(entries));
  const byPath = new Map(entries.filter((e) => !e.directory).map((e) => [e.path, e]));

  const m = byPath.get(MANIFEST_FILE);
  if (!m) {
    problems.push({ file: MANIFEST_FILE, problem: 'missing: the package has no manifest' });
    return report(null, null, 0);
  }
  if (!m.data) {
    problems.push({ file: MANIFEST_FILE, problem: `unreadable in the archive: ${m.error}` });
    return report(null, null, 0);
  }
  const read = parseManifest(m.data);
  if ('problem' in read) {
    problems.push({ file: MANIFEST_FILE, problem: read.problem });
    return report(null, null, 0);
  }
  const manifest = read.manifest;
  problems.push(...listProblems(manifest));

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
