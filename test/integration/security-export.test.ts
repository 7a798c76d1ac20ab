import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCasePackage, type BuiltPackage } from '../../exports/build-package.ts';
import { readPublicKeyFile } from '../../exports/package/keys.ts';
import { canonicalJson, MANIFEST_FILE, type Manifest } from '../../exports/package/manifest.ts';
import { verifyPackage, type VerifyReport } from '../../exports/package/verify.ts';
import { readZip, writeZip } from '../../exports/package/zip.ts';
import { fixtureBundle } from '../fixtures/case-bundle.ts';

/**
 * Tampered case packages (issue 22, defect 4): each variant is a way someone could alter a package
 * between the bureau and the police, and `verify-export` must refuse every one — with the pinned key,
 * which is how the liaison's side runs it.
 */
const keyDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringlens-security-export-')), 'keys');
const MTIME = new Date('2025-01-01T00:00:00Z');
/** manifest.json as docs/export-package.md says the exporter writes it (spelled out here, so the test holds the format to its word). */
const manifestBytes = (m: Manifest) => Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8');

type Entry = { path: string; data: Buffer };
const zipOf = (entries: Entry[]) => writeZip(entries, MTIME);

/** Renames an entry in its local header and central directory alike (same length; the name must occur nowhere else). */
function renameBytes(zip: Buffer, from: string, to: string): Buffer {
  expect(to.length).toBe(from.length);
  const out = Buffer.from(zip);
  const needle = Buffer.from(from, 'latin1');
  let at = out.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  while (at >= 0) {
    Buffer.from(to, 'latin1').copy(out, at);
    at = out.indexOf(needle, at + 1);
  }
  return out;
}

describe('security: verify-export refuses every tampered package', () => {
  let pkg: BuiltPackage;
  let entries: Entry[];
  let manifest: Manifest;
  const pinned = () => readPublicKeyFile(path.join(keyDir, 'export-signing-ed25519.pub.pem'));
  const verify = (zip: Buffer) => verifyPackage(zip, { publicKey: pinned() });
  const refused = (r: VerifyReport, file: string, problem: RegExp) => {
    expect(r.ok, JSON.stringify(r.problems)).toBe(false);
    expect(r.problems, JSON.stringify(r.problems)).toEqual(expect.arrayContaining([{ file, problem: expect.stringMatching(problem) }]));
  };
  const withManifest = (bytes: Buffer) => zipOf(entries.map((e) => (e.path === MANIFEST_FILE ? { path: e.path, data: bytes } : e)));
  const caseJson = () => entries.find((e) => e.path === 'case.json')!;
  const caseJsonFirst = async () => Buffer.from(await zipOf([caseJson(), ...entries.filter((e) => e.path !== 'case.json')]));
  const altered = () => Buffer.from(caseJson().data.toString('utf8').replace(/"caseNumber": "[^"]+"/, '"caseNumber": "FORGED-0001"'));

  beforeAll(async () => {
    pkg = await buildCasePackage(fixtureBundle('referred'), { exporter: { user: 'liaison.wang', role: 'liaison' }, lang: 'zh', bureau: '杭州市医疗保障局', keyDir });
    entries = (await readZip(pkg.zip)).map((e) => ({ path: e.path, data: e.data! }));
    manifest = pkg.manifest;
    expect(altered().equals(caseJson().data)).toBe(false);
  }, 120_000);

  it('the untouched package verifies against the pinned key (the baseline the attacks start from)', async () => {
    expect(await verify(pkg.zip)).toMatchObject({ ok: true, problems: [], keyPinned: true });
  });

  it('a flipped byte in a file, and in the compressed archive itself', async () => {
    const flipped = Buffer.from(caseJson().data);
    flipped.writeUInt8(flipped.readUInt8(10) ^ 0x01, 10);
    refused(await verify(await zipOf(entries.map((e) => (e.path === 'case.json' ? { ...e, data: flipped } : e)))), 'case.json', /content altered/);
    // case.json first: its local header at offset 0, its compressed data right after the name and extra field.
    const raw = await caseJsonFirst();
    const at = 30 + raw.readUInt16LE(26) + raw.readUInt16LE(28) + 20;
    raw.writeUInt8(raw.readUInt8(at) ^ 0xff, at);
    refused(await verify(raw), 'case.json', /unreadable|altered/);
  });

  it('a modified case.json placed before the original (extractors take the first), and after it', async () => {
    const before = await zipOf([{ path: 'case.json', data: altered() }, ...entries]);
    refused(await verify(before), 'case.json', /2 entries of this name/);
    const after = await zipOf([...entries, { path: 'case.json', data: altered() }]);
    refused(await verify(after), 'case.json', /2 entries of this name/);
    // Letter case only: one file on Windows and macOS.
    refused(await verify(await zipOf([...entries, { path: 'CASE.json', data: altered() }])), 'case.json', /2 entries of this name/);
  });

  it('entries reordered with nothing else changed still verify (order is not significant)', async () => {
    expect(await verify(await zipOf([...entries].reverse()))).toMatchObject({ ok: true });
  });

  it('an added, a removed and a renamed file', async () => {
    refused(await verify(await zipOf([...entries, { path: 'graph/extra.csv', data: Buffer.from('a,b\n') }])), 'graph/extra.csv', /not listed in the manifest/);
    refused(await verify(await zipOf(entries.filter((e) => e.path !== 'evidence.xlsx'))), 'evidence.xlsx', /missing from the package/);
    const renamed = await verify(await zipOf(entries.map((e) => (e.path === 'README.txt' ? { ...e, path: 'README.md' } : e))));
    refused(renamed, 'README.txt', /missing/);
    refused(renamed, 'README.md', /not listed/);
  });

  it('a ../ entry, an absolute path, a backslash and a directory entry', async () => {
    const base = await zipOf([...entries, { path: 'xxevil.txt', data: Buffer.from('pwned') }]);
    expect((await verify(renameBytes(base, 'xxevil.txt', '../evil.t'.padEnd(10, 't')))).ok).toBe(false);
    expect((await verify(renameBytes(base, 'xxevil.txt', '/tmp/evil.'))).ok).toBe(false);
    // The ZIP reader turns the backslash into a slash; other extractors write a file with a backslash in its name.
    refused(await verify(renameBytes(base, 'xxevil.txt', 'graph\\evil')), 'graph/evil', /stored name is "graph\\evil"/);
    const dir = await zipOf([...entries, { path: 'zzzzzz', data: Buffer.alloc(0) }]);
    refused(await verify(renameBytes(dir, 'zzzzzz', 'graph/')), 'graph/', /directory entry/);
  });

  it('a local header that names another file than the central directory', async () => {
    // Streaming extractors read local headers: they would write case.json's bytes under another name.
    const swapped = await caseJsonFirst();
    expect(swapped.subarray(30, 39).toString('latin1')).toBe('case.json');
    swapped.write('casX', 30, 'latin1');
    refused(await verify(swapped), 'case.json', /local header names "casX.json"/);
  });

  it('manifest edits: a changed field, an extra field (top level and nested), a duplicate key, re-spaced JSON', async () => {
    const text = manifestBytes(manifest).toString('utf8');
    refused(await verify(await withManifest(manifestBytes({ ...manifest, caseNumber: 'FORGED-0001' }))), MANIFEST_FILE, /signature does not match/);
    refused(await verify(await withManifest(Buffer.from(text.replace('{\n', '{\n  "note": "added later",\n')))), MANIFEST_FILE, /Unrecognized key.*note/);
    refused(await verify(await withManifest(Buffer.from(text.replace('"exportedBy": {\n', '"exportedBy": {\n    "onBehalfOf": "someone",\n')))), MANIFEST_FILE, /exportedBy.*Unrecognized key/);
    // The forged value first (what first-key readers take), the signed one last (what JSON.parse keeps).
    const dup = text.replace(/\n  "caseNumber": ("[^"]+"),/, '\n  "caseNumber": "FORGED-0001",\n  "caseNumber": $1,');
    expect(JSON.parse(dup).caseNumber).toBe(manifest.caseNumber);
    refused(await verify(await withManifest(Buffer.from(dup))), MANIFEST_FILE, /given twice.*caseNumber/);
    refused(await verify(await withManifest(Buffer.from(JSON.stringify(manifest)))), MANIFEST_FILE, /not byte for byte/);
    refused(await verify(await withManifest(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), manifestBytes(manifest)]))), MANIFEST_FILE, /JSON/);
  });

  it('a manifest that lists a file twice or lists a ../ path, re-signed with the bureau key would still be refused', async () => {
    // Even a correctly signed manifest may not describe an archive extractors would read two ways.
    const twice = { ...manifest, files: [...manifest.files, manifest.files[0]!] };
    const r = await verify(await withManifest(manifestBytes(twice)));
    refused(r, MANIFEST_FILE, /lists "[^"]+" twice/);
  });

  it('everything re-signed with another key: consistent on its own, refused against the pinned key', async () => {
    const forger = generateKeyPairSync('ed25519');
    const { signature: _s, signing: _k, ...unsigned } = manifest;
    const forgedFiles = manifest.files.map((f) => (f.path === 'case.json' ? { ...f, bytes: altered().length, sha256: createHash('sha256').update(altered()).digest('hex') } : f));
    const fp = createHash('sha256').update(forger.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    const body = { ...unsigned, files: forgedFiles, signing: { algorithm: 'Ed25519' as const, publicKey: forger.publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: fp } };
    const resigned: Manifest = { ...body, signature: sign(null, Buffer.from(canonicalJson(body)), forger.privateKey).toString('base64') };
    const zip = await zipOf(entries.map((e) => (e.path === MANIFEST_FILE ? { path: e.path, data: manifestBytes(resigned) } : e.path === 'case.json' ? { ...e, data: altered() } : e)));
    expect((await verifyPackage(zip)).ok).toBe(true);
    refused(await verify(zip), MANIFEST_FILE, /key mismatch/);
  });
});
