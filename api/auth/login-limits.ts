import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
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
 * While Redis is away, or slower than `redisTimeoutMs`, logins stay limited, per process: failures are
 * counted by in-process limiters with the same policy (rate-limiter-flexible's insurance limiter), and
 * attempts in progress by the process's own record of them, which also holds those Redis counts. An
 * attempt that ends while Redis is away is removed from Redis once it is back, so the account is not
 * left "busy" after an outage.
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
const IN_FLIGHT_MS = 30_000;

/**
 * Takes a slot for one attempt in progress. The attempts are a sorted set of tokens scored by when their
 * hold ends, so ending an attempt removes exactly its own token: an end that reaches Redis late (it was
 * away) or never (it came back empty) can neither leave a stale point behind nor free someone else's slot.
 * ARGV: token, limit, hold (ms), attempts this process holds outside Redis.
 */
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) + tonumber(ARGV[4]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** One attempt in progress in this process. */
interface Slot {
  token: string;
  /** Date.now() when the hold lapses on its own */
  until: number;
  /** counted in Redis; in this process only (Redis away); or unknown (Redis gave no answer: counted in both) */
  where: 'redis' | 'here' | 'unsure';
}

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
  const keys = (address: string, account: string) => ({ address, account });

  // Attempts in progress. This process's own are also kept here, whichever store counted them, so that while
  // Redis is away it still counts the ones Redis holds, and while Redis is there it adds the ones only it
  // knows of. (rate-limiter-flexible's insurance limiter could not do this: an attempt counted in Redis and
  // ended while Redis was away was given back to the in-process counter, and its point stayed in Redis.)
  const slotLimit = { address: full.addressInFlight, account: 1 };
  const slotKey = (scope: LockScope, key: string) => `${prefix}:login-in-flight-${scope}:${slotLimit[scope]}:${key}`;
  const slots = new Map<string, Slot[]>();
  /** Attempts whose removal from Redis failed (it was away): removed once it is back, unless lapsed by then. */
  const unreleased = new Map<string, Slot[]>();
  const live = (k: string): Slot[] => {
    const now = Date.now();
    const list = (slots.get(k) ?? []).filter((s) => s.until > now);
    if (list.length) slots.set(k, list);
    else slots.delete(k);
    return list;
  };
  const removeInRedis = async (k: string, ended: Slot[]) => {
    try {
      if (store.status !== 'ready') throw new Error('Redis connection is not ready');
      await store.zrem(k, ...ended.map((s) => s.token));
    } catch {
      unreleased.set(k, [...(unreleased.get(k) ?? []), ...ended]);
    }
  };
  // All removals are sent at once, before anything else on the connection: a take that follows them is
  // counted without the stale tokens and need not wait for their answers.
  const flush = () => {
    const now = Date.now();
    const pending = [...unreleased].map(([k, ended]) => [k, ended.filter((s) => s.until > now)] as const).filter(([, ended]) => ended.length);
    unreleased.clear();
    return Promise.all(pending.map(([k, ended]) => removeInRedis(k, ended)));
  };
  store.on('ready', () => void flush());

  const take = async (scope: LockScope, key: string): Promise<Slot | undefined> => {
    const k = slotKey(scope, key);
    const slot: Slot = { token: randomUUID(), until: Date.now() + IN_FLIGHT_MS, where: 'here' };
    // The process's list is read afresh after every await: other attempts begin and end meanwhile.
    let taken: boolean;
    if (store.status === 'ready') {
      if (unreleased.size) void flush();
      const outside = live(k).filter((s) => s.where !== 'redis').length;
      try {
        taken = (await store.eval(TAKE_SLOT, 1, k, slot.token, slotLimit[scope], IN_FLIGHT_MS, outside)) === 1;
        slot.where = 'redis';
      } catch {
        // No answer: the token may have been added all the same, so its end removes it there too.
        slot.where = 'unsure';
        taken = live(k).length < slotLimit[scope];
        if (!taken) await removeInRedis(k, [slot]);
      }
    } else {
      taken = live(k).length < slotLimit[scope];
    }
    if (!taken) return undefined;
    slots.set(k, [...live(k), slot]);
    return slot;
  };
  const end = async (scope: LockScope, key: string, slot?: Slot) => {
    const k = slotKey(scope, key);
    const list = slots.get(k) ?? [];
    const ended = slot ?? list[0];
    if (!ended) return;
    const rest = list.filter((s) => s !== ended);
    if (rest.length) slots.set(k, rest);
    else slots.delete(k);
    if (ended.where !== 'here') await removeInRedis(k, [ended]);
  };
  const done = async (address: string, account: string) => {
    await Promise.all([end('address', address), end('account', account)]);
  };

  const lockedFor = async (scope: LockScope, key: string): Promise<number> => {
    const res = await failures[scope].get(key);
    return res && res.consumedPoints >= failures[scope].points ? res.msBeforeNext : 0;
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
      const byAddress = await take('address', address);
      if (!byAddress) return { allowed: false, scope: 'address', retryAfterSeconds: 1, reason: 'busy' };
      if (!(await take('account', account))) {
        await end('address', address, byAddress);
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
