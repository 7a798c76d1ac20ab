import { z } from 'zod';
import { dummyHash, hashPassword, verifyPassword } from '../../access/passwords.ts';
import { ROLES } from '../../access/roles.ts';
import { bumpTokenVersion, countAdmins, createUser, findUser, listUsers, recordLogin, updateUser, UserExistsError } from '../../graph/users/users.ts';
import type { AttemptOutcome, NewLock } from '../auth/login-limits.ts';
import { issueTokens, TokenError, verifyRefreshToken } from '../auth/tokens.ts';
import { conflict, notFound, Problem } from '../problem.ts';
import { clientIp, defineRoute, type AnyRoute, type Ctx } from '../route.ts';
import { CreateUserBody, LoginBody, RefreshBody, TokensSchema, UpdateUserBody, UsernameParams, UserSchema } from '../schemas/auth.ts';

const unauthorized = (detail: string) => new Problem(401, detail, { headers: { 'WWW-Authenticate': 'Bearer realm="ringlens"' } });

/** Writes one login-locked event per lock a failure set. */
async function auditLocks(locks: NewLock[], account: string, address: string, audit: Ctx<unknown, unknown, unknown>['audit']): Promise<void> {
  for (const l of locks) {
    await audit({ action: 'login-locked', actor: account, target: l.scope === 'account' ? `user:${account}` : `address:${address}`, outcome: 'failure', details: { ...l } });
  }
}

export function refused(held: Extract<AttemptOutcome, { allowed: false }>): Problem {
  const what = held.scope === 'account' ? 'this account' : 'this address';
  const detail =
    held.reason === 'busy'
      ? `another login for ${what} is in progress; try again in a second`
      : `too many failed logins for ${what}; try again in ${Math.ceil(held.retryAfterSeconds / 60)} minutes`;
  return new Problem(429, detail, { headers: { 'Retry-After': String(held.retryAfterSeconds) } });
}

export function authRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      operationId: 'login',
      tag: 'auth',
      summary: 'Log in with username and password; returns an access token and a refresh token',
      roles: 'public',
      body: LoginBody,
      response: { status: 200, schema: TokensSchema, description: 'tokens' },
      problems: [401, 429],
      audit: ['login', 'login-failed', 'login-locked'],
      async handler({ req, body, deps, audit }) {
        const address = clientIp(req) ?? 'unknown';
        const account = body.username.trim().toLowerCase();
        const held = await deps.loginLimits.attempt(address, account);
        if (!held.allowed) throw refused(held);
        let user, ok;
        try {
          user = await findUser(deps.services.driver, body.username);
          // Verify against a dummy hash when the user does not exist, so response time does not tell.
          ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), body.password);
        } catch (e) {
          await deps.loginLimits.release(address, account);
          throw e;
        }
        if (!user || !ok || user.disabled) {
          const locks = await deps.loginLimits.failed(address, account);
          await audit({ action: 'login-failed', actor: body.username, target: `user:${body.username}`, outcome: 'failure', details: { reason: !user ? 'unknown user' : !ok ? 'wrong password' : 'disabled' } });
          await auditLocks(locks, account, address, audit);
          throw unauthorized('username or password is wrong, or the account is disabled');
        }
        await deps.loginLimits.succeeded(address, account);
        await recordLogin(deps.services.driver, user.username);
        await audit({ action: 'login', actor: user.username, target: `user:${user.username}` });
        const tokens = await issueTokens(deps.tokens, user);
        return { ...tokens, user: { username: user.username, displayName: user.displayName, role: user.role } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      operationId: 'refreshTokens',
      tag: 'auth',
      summary: 'Exchange a refresh token for new tokens (the user is re-read: disabled users and changed roles take effect)',
      roles: 'public',
      body: RefreshBody,
      response: { status: 200, schema: TokensSchema, description: 'new tokens' },
      problems: [401],
      audit: ['token-refresh'],
      async handler({ body, deps, audit }) {
        let claims;
        try {
          claims = await verifyRefreshToken(deps.tokens, body.refreshToken);
        } catch (e) {
          throw unauthorized(e instanceof TokenError ? `refresh ${e.message}; log in again` : 'refresh token invalid');
        }
        const user = await findUser(deps.services.driver, claims.username);
        if (!user || user.disabled || user.tokenVersion !== claims.tokenVersion) throw unauthorized('session ended (logout, role change or disabled account); log in again');
        await audit({ action: 'token-refresh', actor: user.username, target: `user:${user.username}` });
        const tokens = await issueTokens(deps.tokens, user);
        return { ...tokens, user: { username: user.username, displayName: user.displayName, role: user.role } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      operationId: 'logout',
      tag: 'auth',
      summary: 'End every session of the caller: its access and refresh tokens stop working at once',
      roles: ROLES,
      response: { status: 200, schema: z.object({ loggedOut: z.literal(true) }), description: 'done' },
      audit: ['logout'],
      async handler({ user, deps, audit }) {
        await bumpTokenVersion(deps.services.driver, user.username);
        await deps.sessions.ended(user.username);
        await audit({ action: 'logout', target: `user:${user.username}` });
        return { loggedOut: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/me',
      operationId: 'me',
      tag: 'auth',
      summary: 'Who the token belongs to, and how much personal data this role sees',
      roles: ROLES,
      response: {
        status: 200,
        schema: z.object({ username: z.string(), role: z.enum(ROLES), masking: z.enum(['full', 'masked']) }),
        description: 'the caller',
      },
      async handler({ user, mask }) {
        return { username: user.username, role: user.role, masking: mask.level };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      tag: 'users',
      summary: 'List users',
      roles: ['admin'],
      response: { status: 200, schema: z.object({ items: z.array(UserSchema) }), description: 'users' },
      async handler({ deps }) {
        return { items: await listUsers(deps.services.driver) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      operationId: 'createUser',
      tag: 'users',
      summary: 'Create a user',
      roles: ['admin'],
      body: CreateUserBody,
      response: { status: 201, schema: UserSchema, description: 'the new user' },
      problems: [409],
      audit: ['user-create'],
      async handler({ body, deps, audit }) {
        try {
          const created = await createUser(deps.services.driver, { username: body.username, displayName: body.displayName, role: body.role, passwordHash: await hashPassword(body.password) });
          await audit({ action: 'user-create', target: `user:${body.username}`, details: { role: body.role } });
          return created;
        } catch (e) {
          if (e instanceof UserExistsError) throw conflict(e.message);
          throw e;
        }
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/users/:username',
      operationId: 'updateUser',
      tag: 'users',
      summary: "Change a user's name, role, password or disable them (ends their sessions)",
      roles: ['admin'],
      params: UsernameParams,
      body: UpdateUserBody,
      response: { status: 200, schema: UserSchema, description: 'the user after the change' },
      problems: [404, 409],
      audit: ['user-update'],
      async handler({ params, body, deps, audit, user }) {
        const target = await findUser(deps.services.driver, params.username);
        if (!target) throw notFound(`no user ${params.username}`);
        const demotes = target.role === 'admin' && !target.disabled && ((body.role && body.role !== 'admin') || body.disabled === true);
        if (demotes && (await countAdmins(deps.services.driver)) <= 1) throw conflict('this is the last active admin; create another admin first');
        const updated = await updateUser(deps.services.driver, params.username, {
          displayName: body.displayName,
          role: body.role,
          disabled: body.disabled,
          passwordHash: body.password ? await hashPassword(body.password) : undefined,
        });
        if (!updated) throw notFound(`no user ${params.username}`);
        await deps.sessions.ended(params.username);
        await audit({ action: 'user-update', target: `user:${params.username}`, details: { fields: Object.keys(body).filter((k) => k !== 'password').concat(body.password ? ['password'] : []), by: user.username } });
        return updated;
      },
    }),
  ];
}
