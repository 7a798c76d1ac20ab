import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { visit } from 'jsonc-parser';
import { z } from 'zod';
import { fingerprintOf, type SigningKey } from './keys.ts';

/**
 * manifest.json: the SHA-256 and size of every other file, who exported the package and when, the
 * masking applied, and an Ed25519 signature over all of that. The signature covers the canonical
 * form of the manifest without its `signature` field: keys sorted at every level, no whitespace,
 * UTF-8 — so any tool can recompute the signed bytes. The file itself must be exactly the bytes the
 * exporter writes for that content (manifestBytes), so nothing in it escapes the signature: no field
 * the schema does not know, no key given twice, no other spelling of the same values.
 */
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export const ManifestSchema = z.strictObject({
  format: z.literal('ringlens/case-package'),
  formatVersion: z.literal(MANIFEST_VERSION),
  exportId: z.string(),
  caseNumber: z.string(),
  ringId: z.string(),
  caseStatus: z.string().nullable(),
  bureau: z.string(),
  language: z.enum(['zh', 'en']),
  exportedAt: z.string(),
  exportedBy: z.strictObject({ user: z.string(), role: z.string() }),
  masking: z.strictObject({ level: z.enum(['full', 'masked']), reason: z.string(), caseStatus: z.string().nullable(), exporterRole: z.string(), maskedFields: z.array(z.string()) }),
  files: z.array(z.strictObject({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/), description: z.string() })),
  signing: z.strictObject({ algorithm: z.literal('Ed25519'), publicKey: z.string(), fingerprint: z.string() }),
  signature: z.string(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type UnsignedManifest = Omit<Manifest, 'signature' | 'signing'>;

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Deterministic JSON: sorted keys at every level. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const signedBytes = (m: Omit<Manifest, 'signature'>) => Buffer.from(canonicalJson(m), 'utf8');

/** manifest.json as the exporter writes it: two-space indentation, a final newline. */
export const manifestBytes = (m: Manifest) => Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8');

/** Keys given twice in one JSON object (JSON.parse silently keeps the last; other tools keep the first). */
function duplicateKeys(text: string): string[] {
  const open: Set<string>[] = [];
  const found: string[] = [];
  visit(
    text,
    {
      onObjectBegin: () => {
        open.push(new Set());
      },
      onObjectEnd: () => {
        open.pop();
      },
      onObjectProperty: (key, _offset, _length, line, column, path) => {
        const keys = open.at(-1)!;
        if (keys.has(key)) found.push(`"${[...path(), key].join('.')}" (line ${line + 1}, column ${column + 1})`);
        keys.add(key);
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return found;
}

/** Reads manifest.json strictly: UTF-8, JSON, no duplicate keys, the schema's fields only, the exporter's exact bytes. */
export function parseManifest(bytes: Buffer): { manifest: Manifest } | { problem: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { problem: 'not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { problem: `not valid JSON (${(err as Error).message})` };
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length) return { problem: `a key is given twice, so tools may read different values: ${duplicates.join(', ')}` };
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) return { problem: `not a valid manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
  // Compared in the file's own key order (the schema's output has its own; the signature covers sorted keys anyway).
  if (!manifestBytes(json as Manifest).equals(bytes)) {
    return { problem: 'not byte for byte as the exporter writes it (whitespace, escapes, number forms or a byte-order mark changed): the file holds something its signature does not cover' };
  }
  return { manifest: parsed.data };
}

export function signManifest(unsigned: UnsignedManifest, key: SigningKey): Manifest {
  const body = { ...unsigned, signing: { algorithm: 'Ed25519' as const, publicKey: key.publicKeyPem, fingerprint: key.fingerprint } };
  return { ...body, signature: sign(null, signedBytes(body), key.privateKey).toString('base64') };
}

export type SignatureCheck =
  | { ok: true; fingerprint: string }
  | { ok: false; problem: string };

/** Checks the signature against the key in the manifest, or against a pinned key when given. */
export function checkSignature(m: Manifest, pinned?: KeyObject): SignatureCheck {
  let embedded: KeyObject;
  try {
    embedded = createPublicKey(m.signing.publicKey);
  } catch (err) {
    return { ok: false, problem: `the public key in manifest.json cannot be read: ${(err as Error).message}` };
  }
  const embeddedFp = fingerprintOf(embedded);
  if (embeddedFp !== m.signing.fingerprint) return { ok: false, problem: `manifest.json states key fingerprint ${m.signing.fingerprint} but carries a key with fingerprint ${embeddedFp}` };
  if (pinned) {
    const pinnedFp = fingerprintOf(pinned);
    if (pinnedFp !== embeddedFp) return { ok: false, problem: `key mismatch: the package was signed with key ${embeddedFp}, not with the pinned bureau key ${pinnedFp}` };
  }
  const { signature, ...body } = m;
  const sig = Buffer.from(signature, 'base64');
  let valid = false;
  try {
    valid = sig.length === 64 && verify(null, signedBytes(body), pinned ?? embedded, sig);
  } catch {
    valid = false;
  }
  return valid ? { ok: true, fingerprint: embeddedFp } : { ok: false, problem: 'the signature does not match the content of manifest.json (the manifest was altered or the signature forged)' };
}
