import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { logger } from '../../config/logger.ts';

/**
 * Login limits, counted in Redis so every API process and machine shares them: failed attempts per
 * client address (password spraying over many accounts) and per account (guessing one account's
 * password from many addresses). The failure that reaches a limit locks the address or account for
 * `lockMs`; while locked every attempt is refused, the right password too.
 *
 * Failures are only known once a password has been checked, so parallel guesses could all pass the
 * check before the first failure is counted. Attempts in progress are therefore limited too: one per
 * account and `addressInFlight` per address at a time; the others are refused at once ("busy", not a
 * lock). So at most `accountLimit` passwords of an account are ever checked in a window.
 *
 * While Redis is away, or slower than `redisTimeoutMs`, in-process limiters with the same policy stand
 * in (rate-limiter-flexible's insurance limiter): logins stay limited, per process.
 */
export interface LoginLimitPolicy {
  /** failed attempts per client address within the window */
  limit: number;
  windowMs: number;
  /** failed attempts per account within the window; default 5 */
  accountLimit?: number;
  /** how long an address or account stays locked once over its limit; default the window */
  lockMs?: number;
  /** attempts in progress at once from one address; default 10 */
  addressInFlight?: number;
}

export type LockScope = 'address' | 'account';

export type AttemptOutcome =
  | { allowed: true }
  | { allowed: false; scope: LockScope; retryAfterSeconds: number; reason: 'locked' | 'busy' };

/** A lock the failure just set (audit it). */
export interface NewLock {
  scope: LockScope;
  failures: number;
  lockedForSeconds: number;
}

export interface LoginLimits {
  /** refuses when the address or account is locked or has too many attempts in progress */
  attempt(address: string, account: string): Promise<AttemptOutcome>;
  /** the password was wrong: counts the failure; returns the locks it set */
  failed(address: string, account: string): Promise<NewLock[]>;
  /** the password was right: the account's failures are forgotten */
  succeeded(address: string, account: string): Promise<void>;
  /** the password could not be checked (Neo4j away): the attempt does not count */
  release(address: string, account: string): Promise<void>;
  policy: Required<LoginLimitPolicy>;
  close(): Promise<void>;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
/** An attempt in progress holds its slot at most this long (a process that died mid-attempt frees it). */
const IN_FLIGHT_SECONDS = 30;

export function createLoginLimits(redis: Redis, prefix: string, policy: LoginLimitPolicy, redisTimeoutMs = 1_000): LoginLimits {
  const full: Required<LoginLimitPolicy> = { accountLimit: 5, lockMs: policy.windowMs, addressInFlight: 10, ...policy };
  // A connection of its own: refuses at once while Redis is away (no offline queue) and gives up on a
  // command after the timeout, so a login never waits on Redis longer than that.
  const store = redis.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: redisTimeoutMs, lazyConnect: true });
  store.on('error', () => {});
  let connecting: Promise<void> | null = null;
  const connected = () =>
    (connecting ??= Promise.race([
      store.connect().catch((err: Error) => logger().warn({ err: err.message }, 'login limits: Redis not reachable, counting in this process until it is')),
      new Promise<void>((resolve) => setTimeout(resolve, redisTimeoutMs).unref()),
    ]));

  const limiter = (name: string, points: number, durationSeconds: number) => {
    const opts = { points, duration: durationSeconds };
    // The policy is part of the key: processes configured alike share counters, a changed policy starts afresh.
    const keyPrefix = `${prefix}:login-${name}:${points}/${durationSeconds}/${seconds(full.lockMs)}`;
    return new RateLimiterRedis({ ...opts, storeClient: store, keyPrefix, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory({ ...opts, keyPrefix }) });
  };
  const failures = { address: limiter('address', full.limit, seconds(full.windowMs)), account: limiter('account', full.accountLimit, seconds(full.windowMs)) };
  const inFlight = { address: limiter('address-busy', full.addressInFlight, IN_FLIGHT_SECONDS), account: limiter('account-busy', 1, IN_FLIGHT_SECONDS) };
  const keys = (address: string, account: string) => ({ address, account });

  const lockedFor = async (scope: LockScope, key: string): Promise<number> => {
    const res = await failures[scope].get(key);
    return res && res.consumedPoints >= failures[scope].points ? res.msBeforeNext : 0;
  };
  const take = async (scope: LockScope, key: string): Promise<boolean> => {
    try {
      await inFlight[scope].consume(key);
      return true;
    } catch (rejected) {
      if (!(rejected instanceof RateLimiterRes)) throw rejected;
      // The refused attempt's point was counted too: give it back, the count is of attempts in progress.
      await inFlight[scope].reward(key);
      return false;
    }
  };
  const done = async (address: string, account: string) => {
    await Promise.all([inFlight.address.reward(address), inFlight.account.reward(account)]);
  };
  const quietly = (what: string) => (err: Error) => logger().warn({ err: err.message }, `login limits: could not ${what}`);

  return {
    policy: full,
    async attempt(address, account) {
      await connected();
      const k = keys(address, account);
      for (const scope of ['address', 'account'] as const) {
        const ms = await lockedFor(scope, k[scope]);
        if (ms > 0) return { allowed: false, scope, retryAfterSeconds: seconds(ms), reason: 'locked' };
      }
      if (!(await take('address', address))) return { allowed: false, scope: 'address', retryAfterSeconds: 1, reason: 'busy' };
      if (!(await take('account', account))) {
        await inFlight.address.reward(address);
        return { allowed: false, scope: 'account', retryAfterSeconds: 1, reason: 'busy' };
      }
      return { allowed: true };
    },
    async failed(address, account) {
      const k = keys(address, account);
      const locks: NewLock[] = [];
      for (const scope of ['address', 'account'] as const) {
        const rl = failures[scope];
        const res = await rl.penalty(k[scope]);
        // Only the failure that reaches the limit sets the lock (and is audited).
        if (res.consumedPoints === rl.points) {
          await rl.block(k[scope], seconds(full.lockMs));
          locks.push({ scope, failures: rl.points, lockedForSeconds: seconds(full.lockMs) });
        }
      }
      await done(address, account).catch(quietly('end an attempt'));
      return locks;
    },
    async succeeded(address, account) {
      await Promise.all([failures.account.delete(account), done(address, account)]).catch(quietly('clear the counters after a successful login'));
    },
    async release(address, account) {
      await done(address, account).catch(quietly('end an attempt that was not checked'));
    },
    async close() {
      store.disconnect();
    },
  };
}
