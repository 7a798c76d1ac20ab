import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * Password hashes: argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane). The encoded
 * hash carries its parameters, so raising them later still verifies old hashes.
 */
// algorithm 2 = Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax)
const PARAMS: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 12;

export function passwordProblem(password: string): string | null {
  if (Array.from(password).length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 256) return 'must be at most 256 characters';
  return null;
}

export const hashPassword = (password: string) => hash(password, PARAMS);

export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  try {
    return await verify(encoded, password);
  } catch {
    return false; // a malformed stored hash never verifies
  }
}

/** A hash of a random password, verified against when the user does not exist, so timing does not tell. */
let dummy: Promise<string> | undefined;
export const dummyHash = () => (dummy ??= hashPassword('not-a-user-password-0000'));
