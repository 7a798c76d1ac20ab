import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { fingerprintOf, type SigningKey } from './keys.ts';

/**
 * manifest.json: the SHA-256 and size of every other file, who exported the package and when, the
 * masking applied, and an Ed25519 signature over all of that. The signature covers the canonical
 * form of the manifest without its `signature` field: keys sorted at every level, no whitespace,
 * UTF-8 — so any tool can recompute the signed bytes.
 */
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export const ManifestSchema = z.object({
  format: z.literal('ringlens/case-package'),
  formatVersion: z.literal(MANIFEST_VERSION),
  exportId: z.string(),
  caseNumber: z.string(),
  ringId: z.string(),
  caseStatus: z.string().nullable(),
  bureau: z.string(),
  language: z.enum(['zh', 'en']),
  exportedAt: z.string(),
  exportedBy: z.object({ user: z.string(), role: z.string() }),
  masking: z.object({ level: z.enum(['full', 'masked']), reason: z.string(), caseStatus: z.string().nullable(), exporterRole: z.string(), maskedFields: z.array(z.string()) }),
  files: z.array(z.object({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/), description: z.string() })),
  signing: z.object({ algorithm: z.literal('Ed25519'), publicKey: z.string(), fingerprint: z.string() }),
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
