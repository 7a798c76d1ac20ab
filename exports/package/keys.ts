import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The bureau's Ed25519 signing key pair: two PEM files in a configurable directory
 * (RINGLENS_EXPORT_KEY_DIR, default <cache>/keys), generated on first use. The private key file is
 * created exclusively with mode 0600, so two processes starting at once cannot overwrite each
 * other's key: the loser reads the winner's.
 */

export const PRIVATE_KEY_FILE = 'export-signing-ed25519.pem';
export const PUBLIC_KEY_FILE = 'export-signing-ed25519.pub.pem';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** SHA-256 of the public key's DER (SPKI) encoding, hex: what a recipient compares by phone */
  fingerprint: string;
  dir: string;
  generated: boolean;
}

export const fingerprintOf = (publicKey: KeyObject) => createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

export function loadOrCreateSigningKey(dir: string): SigningKey {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privPath = path.join(dir, PRIVATE_KEY_FILE);
  const pubPath = path.join(dir, PUBLIC_KEY_FILE);
  let generated = false;
  if (!existsSync(privPath)) {
    const pair = generateKeyPairSync('ed25519');
    try {
      writeFileSync(privPath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
      generated = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create the export signing key ${privPath}: ${(err as Error).message}`);
    }
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(privPath));
  } catch (err) {
    throw new Error(`export signing key ${privPath} cannot be read as a PEM private key: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`export signing key ${privPath} is a ${privateKey.asymmetricKeyType} key; an Ed25519 key is required`);
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  // The public half is derived, so it is rewritten when missing or stale rather than trusted.
  if (!existsSync(pubPath) || readFileSync(pubPath, 'utf8') !== publicKeyPem) {
    writeFileSync(pubPath, publicKeyPem);
    chmodSync(pubPath, 0o644);
  }
  return { privateKey, publicKey, publicKeyPem, fingerprint: fingerprintOf(publicKey), dir, generated };
}

/** A public key a recipient pins: a PEM file (SPKI) as `ringlens export-key` or the key directory gives it. */
export function readPublicKeyFile(file: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read public key ${file}: ${(err as Error).message}`);
  }
  try {
    const key = createPublicKey(text);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is a ${key.asymmetricKeyType} key, not Ed25519`);
    return key;
  } catch (err) {
    throw new Error(`${file} is not an Ed25519 public key in PEM form: ${(err as Error).message}`);
  }
}
