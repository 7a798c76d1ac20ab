import type { Request } from 'express';
import { Problem } from '../problem.ts';
import { TokenError, verifyAccessToken, type TokenConfig } from './tokens.ts';
import type { User } from '../route.ts';

export async function authenticate(req: Request, tokens: TokenConfig): Promise<User> {
  const header = req.get('authorization');
  const m = header ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim()) : null;
  if (!m) throw new Problem(401, 'send an access token: Authorization: Bearer <token> (POST /api/v1/auth/login)', { headers: { 'WWW-Authenticate': 'Bearer realm="ringlens"' } });
  try {
    return await verifyAccessToken(tokens, m[1]!);
  } catch (e) {
    const detail = e instanceof TokenError ? e.message : 'token invalid';
    throw new Problem(401, `${detail}; log in again or refresh`, { headers: { 'WWW-Authenticate': `Bearer realm="ringlens", error="invalid_token"` } });
  }
}
