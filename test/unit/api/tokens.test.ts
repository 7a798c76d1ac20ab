import { SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from '../../../access/passwords.ts';
import { issueTokens, tokenConfig, verifyAccessToken, verifyRefreshToken } from '../../../api/auth/tokens.ts';

const cfg = tokenConfig('a-test-secret-that-is-long-enough-0123456789');

describe('tokens', () => {
  it('round-trips the user and role, and keeps access and refresh tokens apart', async () => {
    const t = await issueTokens(cfg, { username: 'wang', role: 'investigator', tokenVersion: 3 });
    expect(await verifyAccessToken(cfg, t.accessToken)).toEqual({ username: 'wang', role: 'investigator', tokenVersion: 3 });
    expect(await verifyRefreshToken(cfg, t.refreshToken)).toEqual({ username: 'wang', tokenVersion: 3 });
    await expect(verifyAccessToken(cfg, t.refreshToken)).rejects.toThrow('token invalid');
    await expect(verifyRefreshToken(cfg, t.accessToken)).rejects.toThrow('token invalid');
  });

  it('rejects tokens signed with another secret, tampered or expired', async () => {
    const other = tokenConfig('another-secret-that-is-long-enough-0123456789');
    const t = await issueTokens(other, { username: 'wang', role: 'admin', tokenVersion: 0 });
    await expect(verifyAccessToken(cfg, t.accessToken)).rejects.toThrow('token invalid');
    const mine = await issueTokens(cfg, { username: 'wang', role: 'investigator', tokenVersion: 0 });
    const [h, p, s] = mine.accessToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    await expect(verifyAccessToken(cfg, `${h}.${forged}.${s}`)).rejects.toThrow('token invalid');
    const expired = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('wang')
      .setIssuer('ringlens')
      .setAudience('ringlens-api')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(cfg.secret);
    await expect(verifyAccessToken(cfg, expired)).rejects.toThrow('token expired');
  });

  it('remembers a verified access token only until it expires', async () => {
    const short = tokenConfig('a-test-secret-that-is-long-enough-0123456789', { accessSeconds: 60 });
    const t = await issueTokens(short, { username: 'li', role: 'supervisor', tokenVersion: 0 });
    expect(await verifyAccessToken(short, t.accessToken)).toEqual({ username: 'li', role: 'supervisor', tokenVersion: 0 });
    expect(short.verified.has(t.accessToken)).toBe(true);
    expect(await verifyAccessToken(short, t.accessToken)).toEqual({ username: 'li', role: 'supervisor', tokenVersion: 0 });
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] });
    try {
      // once from memory, then (forgotten) from the signature check
      await expect(verifyAccessToken(short, t.accessToken)).rejects.toThrow('token expired');
      await expect(verifyAccessToken(short, t.accessToken)).rejects.toThrow('token expired');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses short secrets', () => {
    expect(() => tokenConfig('short')).toThrow(/at least 32 bytes/);
  });
});

describe('password hashes', () => {
  it('are argon2id, salted, and verify only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(a, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(await verifyPassword(await dummyHash(), '')).toBe(false);
  });

  it('must be long enough', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('十二个汉字的密码十二个汉字')).toBeNull();
  });
});
