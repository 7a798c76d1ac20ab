import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginLimits, type LoginLimitPolicy, type LoginLimits } from '../../api/auth/login-limits.ts';
import { startRedis, stopRedis, type RedisInstanceOptions } from '../../stack/redis-local.ts';

/**
 * Login limits across a Redis restart, on a private redis-server stopped and started by PID: an attempt
 * in progress when Redis goes away, or one begun while it is away, must not leave its account "busy"
 * (429) once Redis is back, nor free a second slot (two passwords of one account checked at once).
 */
const CONNECTION = 'ringlens-login-limits-restart';
const POLICY = { limit: 1_000, windowMs: 60_000, accountLimit: 3 };

describe('login limits: Redis stopped and started while logins are in progress', () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'wtdef-login-limits-'));
  const instances: Record<'aof' | 'volatile', RedisInstanceOptions> = {
    aof: { cacheDir, name: 'aof', appendOnly: true, fresh: true },
    volatile: { cacheDir, name: 'volatile', appendOnly: false, fresh: true },
  };
  const opened: { redis: Redis; limits: LoginLimits }[] = [];
  let run = 0;

  /** The limits as an API process builds them: over its (here unconnected) Redis client, 300 ms per command. */
  const prefixes = new Map<LoginLimits, string>();
  const prefixOf = (limits: LoginLimits) => prefixes.get(limits)!;
  /** `prefix` given: another API process sharing the first one's counters. */
  const limitsOn = (url: string, policy: LoginLimitPolicy = POLICY, prefix = `login-restart-${process.pid}-${++run}`) => {
    const redis = new Redis(url, { lazyConnect: true, connectionName: CONNECTION });
    const limits = createLoginLimits(redis, prefix, policy, 300);
    opened.push({ redis, limits });
    prefixes.set(limits, prefix);
    return limits;
  };
  /** Waits until the limits' own connection is back (its name shows in CLIENT LIST) and ready. */
  const limitsReconnected = async (url: string) => {
    const probe = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      const deadline = Date.now() + 30_000;
      while (!String(await probe.client('LIST')).includes(`name=${CONNECTION}`)) {
        expect(Date.now(), 'the limits’ Redis connection did not come back within 30 s').toBeLessThan(deadline);
        await sleep(100);
      }
    } finally {
      probe.disconnect();
    }
    // CLIENT SETNAME comes before ioredis's ready check; give that a moment.
    await sleep(300);
  };
  const restart = async (which: 'aof' | 'volatile', during?: () => Promise<void>) => {
    await stopRedis(instances[which]);
    await during?.();
    const back = await startRedis({ ...instances[which], fresh: false });
    await limitsReconnected(back.url);
  };
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    for (const which of ['aof', 'volatile'] as const) urls[which] = (await startRedis(instances[which])).url;
  }, 60_000);

  afterAll(async () => {
    for (const o of opened) {
      await o.limits.close();
      o.redis.disconnect();
    }
    for (const which of ['aof', 'volatile'] as const) await stopRedis(instances[which]);
    rmSync(cacheDir, { recursive: true, force: true });
  }, 60_000);

  it('a login in progress when Redis (append-only) goes down: once Redis is back the right password is let in at once, and one attempt per account still runs at a time', async () => {
    const limits = limitsOn(urls.aof!);
    expect(await limits.attempt('10.0.0.1', 'alice')).toEqual({ allowed: true });
    // The password check ends while Redis is away.
    await restart('aof', () => limits.succeeded('10.0.0.1', 'alice'));
    expect(await limits.attempt('10.0.0.1', 'alice')).toEqual({ allowed: true });
    // The limits hold: a second attempt while that one is in progress is refused, from any address, in
    // this API process and in another one (so the attempt is counted in Redis again).
    expect(await limits.attempt('10.0.0.2', 'alice')).toMatchObject({ allowed: false, scope: 'account', reason: 'busy' });
    expect(await limitsOn(urls.aof!, POLICY, prefixOf(limits)).attempt('10.0.0.2', 'alice')).toMatchObject({ allowed: false, scope: 'account', reason: 'busy' });
    await limits.succeeded('10.0.0.1', 'alice');
    // …and three failures lock the account, the right password too.
    for (let i = 0; i < 3; i++) {
      expect(await limits.attempt('10.0.0.1', 'alice')).toEqual({ allowed: true });
      await limits.failed('10.0.0.1', 'alice');
    }
    expect(await limits.attempt('10.0.0.3', 'alice')).toMatchObject({ allowed: false, scope: 'account', reason: 'locked' });
  }, 90_000);

  it('an attempt that could not be checked (release) while Redis was away does not hold the address either', async () => {
    const limits = limitsOn(urls.aof!, { ...POLICY, addressInFlight: 1 });
    expect(await limits.attempt('10.0.1.1', 'bob')).toEqual({ allowed: true });
    await restart('aof', () => limits.release('10.0.1.1', 'bob'));
    expect(await limits.attempt('10.0.1.1', 'carol')).toEqual({ allowed: true });
    expect(await limits.attempt('10.0.1.1', 'dave')).toMatchObject({ allowed: false, scope: 'address', reason: 'busy' });
    await limits.release('10.0.1.1', 'carol');
  }, 90_000);

  it('an attempt begun while Redis is away and ended after it is back frees no second slot', async () => {
    const limits = limitsOn(urls.aof!);
    // Connected first, so the outage is one the limits saw coming.
    expect(await limits.attempt('10.0.2.1', 'erin')).toEqual({ allowed: true });
    await limits.succeeded('10.0.2.1', 'erin');
    await stopRedis(instances.aof);
    expect(await limits.attempt('10.0.2.1', 'erin')).toEqual({ allowed: true });
    // While Redis is away this process still lets one attempt per account run at a time.
    expect(await limits.attempt('10.0.2.2', 'erin')).toMatchObject({ allowed: false, scope: 'account', reason: 'busy' });
    await limitsReconnected((await startRedis({ ...instances.aof, fresh: false })).url);
    await limits.succeeded('10.0.2.1', 'erin');
    expect(await limits.attempt('10.0.2.1', 'erin')).toEqual({ allowed: true });
    expect(await limits.attempt('10.0.2.2', 'erin')).toMatchObject({ allowed: false, scope: 'account', reason: 'busy' });
    await limits.succeeded('10.0.2.1', 'erin');
  }, 90_000);

  it('many logins at once from one address leave no attempt behind: afterwards exactly addressInFlight run at a time again', async () => {
    const limits = limitsOn(urls.aof!, { ...POLICY, addressInFlight: 4 });
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        await sleep(i % 7);
        const r = await limits.attempt('10.0.4.1', `user-${i % 12}`);
        if (r.allowed) {
          await sleep(3 + (i % 5));
          await (i % 3 ? limits.succeeded('10.0.4.1', `user-${i % 12}`) : limits.release('10.0.4.1', `user-${i % 12}`));
        }
        return r.allowed;
      }),
    );
    expect(outcomes.filter(Boolean).length).toBeGreaterThanOrEqual(4);
    const after = await Promise.all(Array.from({ length: 5 }, (_, i) => limits.attempt('10.0.4.1', `later-${i}`)));
    expect(after.filter((r) => r.allowed)).toHaveLength(4);
    expect(after.filter((r) => !r.allowed)).toEqual([{ allowed: false, scope: 'address', retryAfterSeconds: 1, reason: 'busy' }]);
  }, 60_000);

  it('a login in progress when Redis goes down and comes back empty (no persistence): let in, and still one at a time', async () => {
    const limits = limitsOn(urls.volatile!);
    expect(await limits.attempt('10.0.3.1', 'frank')).toEqual({ allowed: true });
    await restart('volatile', () => limits.succeeded('10.0.3.1', 'frank'));
    expect(await limits.attempt('10.0.3.1', 'frank')).toEqual({ allowed: true });
    expect(await limits.attempt('10.0.3.2', 'frank')).toMatchObject({ allowed: false, scope: 'account', reason: 'busy' });
    await limits.succeeded('10.0.3.1', 'frank');
    expect(await limits.attempt('10.0.3.2', 'frank')).toEqual({ allowed: true });
    await limits.succeeded('10.0.3.2', 'frank');
  }, 90_000);
});
