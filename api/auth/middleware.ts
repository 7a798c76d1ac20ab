import type { Request } from 'express';
import { Problem } from '../problem.ts';
import type { Sessions } from './sessions.ts';
import { TokenError, verifyAccessToken, type TokenConfig } from './tokens.ts';
import type { User } from '../route.ts';

const challenge = (error?: string) => ({ headers: { 'WWW-Authenticate': `Bearer realm="ringlens"${error ? `, error="${error}"` : ''}` } });

/** The user of a bearer token whose signature, expiry and session (api/auth/sessions.ts) hold; 401 otherwise. */
export async function userOfToken(token: string, deps: { tokens: TokenConfig; sessions: Sessions }): Promise<User> {
  try {
    const claims = await verifyAccessToken(deps.tokens, token);
    await deps.sessions.check(claims);
    return { username: claims.username, role: claims.role };
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    throw new Problem(401, `${e.message}; log in again or refresh`, challenge('invalid_token'));
  }
}

export async function authenticate(req: Request, deps: { tokens: TokenConfig; sessions: Sessions }): Promise<User> {
  const header = req.get('authorization');
  const m = header ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim()) : null;
  if (!m) throw new Problem(401, 'send an access token: Authorization: Bearer <token> (POST /api/v1/auth/login)', challenge());
  return userOfToken(m[1]!, deps);
}
