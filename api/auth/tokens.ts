import { SignJWT, jwtVerify, errors } from 'jose';
import { isRole, type Role } from '../../access/roles.ts';

/**
 * Access tokens (15 min) and refresh tokens (8 h) both carry the user's tokenVersion, which logout,
 * a role change, a password change and disabling bump. Every request checks the access token's
 * version against the user's current one (api/auth/sessions.ts), so those end a session at once;
 * refreshing re-reads the user too.
 */
export interface TokenConfig {
  secret: Uint8Array;
  /**
   * Access tokens already verified, with their expiry: a workbench sends the same token with every
   * request for 15 minutes, and checking its signature each time was a tenth of the API's CPU.
   * The signature of a token never changes; whether its session still holds is checked per request
   * (api/auth/sessions.ts).
   */
  verified: Map<string, { claims: AccessClaims; expiresAtMs: number }>;
  issuer: string;
  accessSeconds: number;
  refreshSeconds: number;
}

export interface AccessClaims {
  username: string;
  role: Role;
  tokenVersion: number;
}

export interface RefreshClaims {
  username: string;
  tokenVersion: number;
}

const AUDIENCE = { access: 'ringlens-api', refresh: 'ringlens-refresh' } as const;

export function tokenConfig(secret: string, opts: Partial<Omit<TokenConfig, 'secret'>> = {}): TokenConfig {
  if (Buffer.byteLength(secret) < 32) throw new Error('the JWT secret must be at least 32 bytes');
  return { secret: new TextEncoder().encode(secret), verified: new Map(), issuer: 'ringlens', accessSeconds: 15 * 60, refreshSeconds: 8 * 3600, ...opts };
}

export async function issueTokens(cfg: TokenConfig, user: { username: string; role: Role; tokenVersion: number }) {
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, audience: string, seconds: number) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(user.username).setIssuer(cfg.issuer).setAudience(audience).setIssuedAt(now).setExpirationTime(now + seconds).sign(cfg.secret);
  const accessToken = await sign({ role: user.role, ver: user.tokenVersion }, AUDIENCE.access, cfg.accessSeconds);
  const refreshToken = await sign({ ver: user.tokenVersion }, AUDIENCE.refresh, cfg.refreshSeconds);
  return { accessToken, refreshToken, tokenType: 'Bearer' as const, expiresIn: cfg.accessSeconds, refreshExpiresIn: cfg.refreshSeconds };
}

export class TokenError extends Error {
  override name = 'TokenError';
}

async function verify(cfg: TokenConfig, token: string, audience: string) {
  try {
    const { payload } = await jwtVerify(token, cfg.secret, { issuer: cfg.issuer, audience, algorithms: ['HS256'] });
    return payload;
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw new TokenError('token expired');
    throw new TokenError('token invalid');
  }
}

const VERIFIED_TOKENS_KEPT = 10_000;

export async function verifyAccessToken(cfg: TokenConfig, token: string): Promise<AccessClaims> {
  const known = cfg.verified.get(token);
  if (known) {
    if (Date.now() < known.expiresAtMs) return known.claims;
    cfg.verified.delete(token);
    throw new TokenError('token expired');
  }
  const p = await verify(cfg, token, AUDIENCE.access);
  if (typeof p.sub !== 'string' || !isRole(p.role) || typeof p.ver !== 'number' || typeof p.exp !== 'number') throw new TokenError('token invalid');
  const claims: AccessClaims = { username: p.sub, role: p.role, tokenVersion: p.ver };
  if (cfg.verified.size >= VERIFIED_TOKENS_KEPT) cfg.verified.delete(cfg.verified.keys().next().value!);
  cfg.verified.set(token, { claims, expiresAtMs: p.exp * 1000 });
  return claims;
}

export async function verifyRefreshToken(cfg: TokenConfig, token: string): Promise<RefreshClaims> {
  const p = await verify(cfg, token, AUDIENCE.refresh);
  if (typeof p.sub !== 'string' || typeof p.ver !== 'number') throw new TokenError('token invalid');
  return { username: p.sub, tokenVersion: p.ver };
}
