import type { Driver } from 'neo4j-driver';
import { logger } from '../config/logger.ts';
import { createDriver, type DriverOptions } from '../graph/driver.ts';
import type { Neo4jConnection } from '../stack/neo4j-local.ts';

/** Where an instance can be reached now, or undefined while it is stopped. */
export type Locate = () => Neo4jConnection | undefined;

export interface FollowOptions {
  /** how often, at most, the instance's record is read again (it is read on use, never on a timer) */
  checkEveryMs?: number;
  /** how long a driver to an address the instance left stays open for the sessions still on it */
  retireAfterMs?: number;
}

const sameServer = (a: Neo4jConnection, b: Neo4jConnection) => a.uri === b.uri && a.user === b.user && a.password === b.password;

/**
 * A driver for a local instance that may come back elsewhere: a restart with another `--port`, or a
 * `--fresh` start with a new password. A long-running process (API, worker) would otherwise keep
 * knocking on the old address until someone restarts it. On use, at most once a second, it reads the
 * instance's record again; when the address or password changed it opens a driver to the new one and
 * retires the old. A restart on the kept port needs none of this: the driver reconnects by itself.
 */
export function followingDriver(initial: Neo4jConnection, locate: Locate, driverOptions: DriverOptions = {}, opts: FollowOptions = {}): Driver {
  const checkEveryMs = opts.checkEveryMs ?? 1_000;
  const retireAfterMs = opts.retireAfterMs ?? 60_000;
  let target = initial;
  let current = createDriver(initial, driverOptions);
  let checkedAt = Date.now();
  const retiring = new Set<Driver>();

  const follow = () => {
    const now = Date.now();
    if (now - checkedAt < checkEveryMs) return;
    checkedAt = now;
    let found: Neo4jConnection | undefined;
    try {
      found = locate();
    } catch (err) {
      logger().warn({ err: (err as Error).message }, 'cannot read where the Neo4j instance is; keeping the current address');
      return;
    }
    if (!found || sameServer(found, target)) return;
    logger().info({ from: target.uri, to: found.uri, passwordChanged: found.password !== target.password }, 'the Neo4j instance moved; following it');
    const old = current;
    retiring.add(old);
    setTimeout(() => {
      retiring.delete(old);
      old.close().catch(() => {});
    }, retireAfterMs).unref();
    target = found;
    current = createDriver(found, driverOptions);
  };

  return new Proxy({} as Driver, {
    get(_unused, prop) {
      if (prop === 'close') {
        return async () => {
          await Promise.all([current, ...retiring].map((d) => d.close()));
          retiring.clear();
        };
      }
      follow();
      const value = Reflect.get(current, prop, current) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}
