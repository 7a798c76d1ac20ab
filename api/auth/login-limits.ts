import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { logger } from '../../config/logger.ts';

/**
 * Login limits, counted in Redis so every API process and machine shares them: per client address
 * (password spraying over many accounts) and per account (guessing one account's password from many
 * addresses). Each attempt takes a point before the password is checked — so parallel guesses cannot
 * all slip through before the first failure is counted — and a successful login gives it back.
 * The attempt after the last allowed failure locks the address or account for `lockMs`.
 *
 * While Redis is away, or slower than `redisTimeoutMs`, an in-process limiter with the same policy
 * stands in (rate-limiter-flexible's insurance limiter): logins stay limited, per process.
 */
export interface LoginLimitPolicy {
  /** failed attempts per client address within the window */
  limit: number;
  windowMs: number;
  /** failed attempts per account within the window; default 5 */
  accountLimit?: number;
  /** how long an address or account stays locked once over its limit; default the window */
  lockMs?: number;
}

export type LockScope = 'address' | 'account';

export type AttemptOutcome =
  | { allowed: true }
  /** lockedNow: this attempt is the one that locked (audit it once) */
  | { allowed: false; scope: LockScope; retryAfterSeconds: number; lockedNow: boolean; failures: number };

export interface LoginLimits {
  /** takes a point from the address, then from the account; refuses when either is locked */
  attempt(address: string, account: string): Promise<AttemptOutcome>;
  /** the password was right: the account's failures are forgotten, the address's point given back */
  succeeded(address: string, account: string): Promise<void>;
  policy: Required<LoginLimitPolicy>;
  close(): Promise<void>;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function createLoginLimits(redis: Redis, prefix: string, policy: LoginLimitPolicy, redisTimeoutMs = 1_000): LoginLimits {
  const full: Required<LoginLimitPolicy> = { accountLimit: 5, lockMs: policy.windowMs, ...policy };
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

  const limiter = (scope: LockScope, points: number) => {
    const opts = { points, duration: seconds(full.windowMs), blockDuration: seconds(full.lockMs) };
    // The policy is part of the key: processes configured alike share counters, a changed policy starts afresh.
    const keyPrefix = `${prefix}:login-${scope}:${points}/${opts.duration}/${opts.blockDuration}`;
    return new RateLimiterRedis({
      ...opts,
      storeClient: store,
      keyPrefix,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ ...opts, keyPrefix }),
    });
  };
  const byAddress = limiter('address', full.limit);
  const byAccount = limiter('account', full.accountLimit);

  const take = async (rl: RateLimiterRedis, scope: LockScope, key: string): Promise<AttemptOutcome> => {
    try {
      await rl.consume(key);
      return { allowed: true };
    } catch (rejected) {
      if (!(rejected instanceof RateLimiterRes)) throw rejected;
      return {
        allowed: false,
        scope,
        retryAfterSeconds: seconds(rejected.msBeforeNext),
        // Points go on counting while locked; only the first attempt over the limit set the lock.
        lockedNow: rejected.consumedPoints === rl.points + 1,
        failures: rl.points,
      };
    }
  };

  return {
    policy: full,
    async attempt(address, account) {
      await connected();
      const a = await take(byAddress, 'address', address);
      if (!a.allowed) return a;
      return take(byAccount, 'account', account);
    },
    async succeeded(address, account) {
      await Promise.all([byAccount.delete(account), byAddress.reward(address)]).catch((err: Error) =>
        logger().warn({ err: err.message }, 'login limits: could not clear the counters after a successful login'),
      );
    },
    async close() {
      store.disconnect();
    },
  };
}
