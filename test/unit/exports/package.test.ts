import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCasePackage, type BuiltPackage } from '../../../exports/build-package.ts';
import { CaseJsonSchema } from '../../../exports/case-json.ts';
import { loadOrCreateSigningKey, PRIVATE_KEY_FILE, readPublicKeyFile } from '../../../exports/package/keys.ts';
import { canonicalJson, MANIFEST_FILE, manifestBytes, ManifestSchema, signedBytes } from '../../../exports/package/manifest.ts';
import { verifyPackage } from '../../../exports/package/verify.ts';
import { readZip, writeZip } from '../../../exports/package/zip.ts';
import { FontMissingError, locateCjkFont } from '../../../exports/pdf/fonts.ts';
import { FIXTURE_IDS, fixtureBundle } from '../../fixtures/case-bundle.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-export-unit-'));
const keyDir = path.join(dir, 'keys');

async function entries(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Map((await readZip(zip)).map((e) => [e.path, e.data!]));
}

async function rezip(files: Map<string, Buffer>): Promise<Buffer> {
  return writeZip([...files].map(([p, data]) => ({ path: p, data })), new Date('2025-01-01T00:00:00Z'));
}

describe('export package (built from a hand-made case bundle)', () => {
  let pkg: BuiltPackage;
  let files: Map<string, Buffer>;
  beforeAll(async () => {
    pkg = await buildCasePackage(fixtureBundle('referred'), { exporter: { user: 'liaison.wang', role: 'liaison' }, lang: 'zh', bureau: '杭州市医疗保障局', keyDir });
    files = await entries(pkg.zip);
  }, 60_000);

  it('holds every promised file, each listed in the manifest with its hash', () => {
    expect([...files.keys()].sort()).toEqual(
      ['README.txt', 'case-report.pdf', 'case.json', 'case.schema.json', 'evidence.xlsx', 'graph/I2-IMPORT.txt', 'graph/i2-entities.csv', 'graph/i2-links.csv', 'graph/network.gexf', 'graph/network.graphml', MANIFEST_FILE].sort(),
    );
    const manifest = ManifestSchema.parse(JSON.parse(files.get(MANIFEST_FILE)!.toString('utf8')));
    expect(manifest.files.map((f) => f.path).sort()).toEqual([...files.keys()].filter((p) => p !== MANIFEST_FILE).sort());
    expect(manifest.exportedBy).toEqual({ user: 'liaison.wang', role: 'liaison' });
    expect(manifest.masking).toMatchObject({ level: 'full', reason: 'referred-case-authorized-role' });
    expect(files.get('case-report.pdf')!.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('verifies, also against the pinned bureau key', async () => {
    expect((await verifyPackage(pkg.zip)).problems).toEqual([]);
    const pinned = readPublicKeyFile(path.join(keyDir, 'export-signing-ed25519.pub.pem'));
    const r = await verifyPackage(pkg.zip, { publicKey: pinned });
    expect(r).toMatchObject({ ok: true, keyPinned: true, filesChecked: 10 });
  });

  it('fails verification naming the file when any byte of any file changes', async () => {
    for (const [name, data] of files) {
      for (const at of [0, data.length >> 1, data.length - 1]) {
        const changed = Buffer.from(data);
        changed[at] = changed[at]! ^ 0x01;
        const r = await verifyPackage(await rezip(new Map([...files, [name, changed]])));
        expect(r.ok, `${name}@${at}`).toBe(false);
        expect(r.problems.map((p) => p.file), `${name}@${at}`).toContain(name);
      }
    }
  });

  it('reports missing and added files', async () => {
    const without = new Map(files);
    without.delete('evidence.xlsx');
    expect((await verifyPackage(await rezip(without))).problems).toEqual([{ file: 'evidence.xlsx', problem: 'missing from the package' }]);
    const added = new Map([...files, ['graph/extra.csv', Buffer.from('x')]]);
    expect((await verifyPackage(await rezip(added))).problems).toEqual([{ file: 'graph/extra.csv', problem: 'not listed in the manifest (added after export)' }]);
    expect((await verifyPackage(Buffer.from('not a zip at all'))).problems[0]).toMatchObject({ file: '(package)', problem: expect.stringMatching(/not a readable ZIP/) });
  });

  it('rejects a forged signature, and a re-signed package when the bureau key is pinned', async () => {
    const manifest = ManifestSchema.parse(JSON.parse(files.get(MANIFEST_FILE)!.toString('utf8')));
    const forger = generateKeyPairSync('ed25519');
    const { signature: _s, ...body } = manifest;
    // 1. The bureau's key stays in the manifest, the signature is someone else's.
    const forged = { ...manifest, signature: sign(null, signedBytes(body), forger.privateKey).toString('base64') };
    const r1 = await verifyPackage(await rezip(new Map([...files, [MANIFEST_FILE, manifestBytes(forged)]])));
    expect(r1.problems).toEqual([{ file: MANIFEST_FILE, problem: expect.stringMatching(/signature does not match/) }]);
    // 2. Everything re-signed with the forger's own key: consistent on its own, caught by the pin.
    const pem = forger.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { createHash } = await import('node:crypto');
    const fp = createHash('sha256').update(forger.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    const body2 = { ...body, signing: { algorithm: 'Ed25519' as const, publicKey: pem, fingerprint: fp } };
    const resigned = { ...body2, signature: sign(null, Buffer.from(canonicalJson(body2)), forger.privateKey).toString('base64') };
    const zip2 = await rezip(new Map([...files, [MANIFEST_FILE, manifestBytes(resigned)]]));
    expect((await verifyPackage(zip2)).ok).toBe(true);
    const pinned = readPublicKeyFile(path.join(keyDir, 'export-signing-ed25519.pub.pem'));
    const r2 = await verifyPackage(zip2, { publicKey: pinned });
    expect(r2.problems).toEqual([{ file: MANIFEST_FILE, problem: expect.stringMatching(/key mismatch: the package was signed with key [0-9a-f]{64}, not with the pinned bureau key [0-9a-f]{64}/) }]);
  });

  it('writes a typed evidence workbook and a case.json that matches its schema', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(files.get('evidence.xlsx')! as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['成员 Members', '结算 Claims', '明细 Item lines', '证据 Evidence', '关系 Links']);
    const claims = wb.getWorksheet('结算 Claims')!;
    expect(claims.rowCount).toBe(13);
    const row = claims.getRow(2);
    expect(row.getCell(2).value).toBeInstanceOf(Date);
    expect(row.getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(typeof row.getCell(19).value).toBe('number');
    expect(row.getCell(19).numFmt).toBe('#,##0.00');
    const members = wb.getWorksheet('成员 Members')!;
    const keyCol = (members.getRow(1).values as unknown[]).indexOf('标识 Key');
    const ids = members.getColumn(keyCol).values.slice(2);
    expect(ids).toContain(FIXTURE_IDS.organizer);
    const doc = CaseJsonSchema.parse(JSON.parse(files.get('case.json')!.toString('utf8')));
    expect(doc.claims).toHaveLength(12);
    expect(doc.entities.filter((e) => e.member)).toHaveLength(7);
  });
});

describe('export signing key', () => {
  it('is generated on first use with a private file only its owner can read, then reused', () => {
    const d = path.join(dir, 'fresh-keys');
    const a = loadOrCreateSigningKey(d);
    expect(a.generated).toBe(true);
    expect(statSync(path.join(d, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    const b = loadOrCreateSigningKey(d);
    expect(b.generated).toBe(false);
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  it('refuses a key file that is not an Ed25519 private key', () => {
    const d = path.join(dir, 'bad-keys');
    loadOrCreateSigningKey(d);
    writeFileSync(path.join(d, PRIVATE_KEY_FILE), generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadOrCreateSigningKey(d)).toThrow(/is a rsa key; an Ed25519 key is required/);
  });
});

describe('report font', () => {
  it('names the Debian package when the CJK font is missing, instead of printing tofu', () => {
    expect(() => locateCjkFont({}, path.join(dir, 'no-fonts-here'))).toThrow(FontMissingError);
    expect(() => locateCjkFont({}, path.join(dir, 'no-fonts-here'))).toThrow(/fonts-noto-cjk/);
    expect(() => locateCjkFont({ RINGLENS_CJK_FONT: '/nonexistent/font.ttc' })).toThrow(/RINGLENS_CJK_FONT points to \/nonexistent\/font.ttc/);
  });
});
