import { randomUUID } from 'node:crypto';
import type { Driver, Session } from 'neo4j-driver';
import { extendDeadline, remainingMs } from './request-deadline.ts';
import { logger } from '../config/logger.ts';
import { createDriver, type DriverOptions } from '../graph/driver.ts';
import type { Neo4jConnection } from '../stack/neo4j-local.ts';

/** Where an instance can be reached now, or undefined while it is stopped. */
export type Locate = () => Neo4jConnection | undefined;

export interface ResilienceOptions {
  /**
   * Follow a local instance that may come back elsewhere (a restart with another `--port`, or a
   * `--fresh` start with a new password): on use, at most every `checkEveryMs`, its record is read
   * again, and a changed address or password gets a new driver.
   */
  locate?: Locate;
  checkEveryMs?: number;
  /**
   * A call that gets no answer this long fails as ServiceUnavailable (the API answers 503); if it is
   * still unanswered long after, the driver's connections are replaced. neo4j-driver bounds connecting and waiting for a pooled
   * connection, but not a query on a connection the server stopped answering — seen on Neo4j in
   * start-up and shutdown, where a request otherwise hung 15 s and more. A call that names its own
   * server-side timeout (a path search, a 2-hop expansion) is given that long plus this.
   */
  answerWithinMs?: number;
  /** how long a replaced driver stays open for calls still running on it */
  retireAfterMs?: number;
  /** a call still unanswered this long after it was given up on holds its connection for good: replace them all */
  stuckAfterMs?: number;
}

/** What neo4j-driver calls an unreachable server, so callers treat it the same way (API: 503). */
export class Neo4jUnanswered extends Error {
  override name = 'Neo4jUnanswered';
  readonly code = 'ServiceUnavailable';
}

const sameServer = (a: Neo4jConnection, b: Neo4jConnection) => a.uri === b.uri && a.user === b.user && a.password === b.password;

/** The server-side timeout a call declares, in its transaction config (executeQuery, run, executeRead/Write). */
function declaredTimeout(config: unknown): number {
  const c = config as { timeout?: unknown; transactionConfig?: { timeout?: unknown } } | undefined;
  const t = c?.timeout ?? c?.transactionConfig?.timeout;
  return typeof t === 'number' && t > 0 ? t : 0;
}

/**
 * A Driver that a long-running process (API, worker) can keep for its whole life: it follows a local
 * instance that moved, and (with answerWithinMs) bounds every wait on the server. Same port and a
 * server that answers need none of this: neo4j-driver reconnects by itself.
 */
/** the least a call is given inside a request whose budget is nearly spent */
const MIN_CALL_MS = 300;
/** a call unanswered this long (or half its wait, if shorter) is looked up in the server's transaction list */
const PROBE_AFTER_MS = 500;
/**
 * A call Neo4j is working on is given this long in all: a restarted server plans its first queries
 * slowly (the ring page's took 2–3 s, a 1M store's ring graph 8–11 s cold on this machine: bench/README).
 */
const SLOW_CALL_MS = 30_000;

export function resilientDriver(initial: Neo4jConnection, driverOptions: DriverOptions, opts: ResilienceOptions): Driver {
  const checkEveryMs = opts.checkEveryMs ?? 1_000;
  const retireAfterMs = opts.retireAfterMs ?? 5_000;
  const stuckAfterMs = opts.stuckAfterMs ?? 20_000;
  let target = initial;
  let current = createDriver(initial, driverOptions);
  let checkedAt = Date.now();
  let renewedAt = 0;
  const retiring = new Set<Driver>();

  const replace = (next: Neo4jConnection) => {
    const old = current;
    retiring.add(old);
    // Closing the old driver ends the calls still hanging on its connections.
    setTimeout(() => {
      retiring.delete(old);
      old.close().catch(() => {});
    }, retireAfterMs).unref();
    target = next;
    current = createDriver(next, driverOptions);
  };

  const follow = () => {
    if (!opts.locate) return;
    const now = Date.now();
    if (now - checkedAt < checkEveryMs) return;
    checkedAt = now;
    let found: Neo4jConnection | undefined;
    try {
      found = opts.locate();
    } catch (err) {
      logger().warn({ err: (err as Error).message }, 'cannot read where the Neo4j instance is; keeping the current address');
      return;
    }
    if (!found || sameServer(found, target)) return;
    logger().info({ from: target.uri, to: found.uri, passwordChanged: found.password !== target.password }, 'the Neo4j instance moved; following it');
    replace(found);
  };

  /** Fresh connections after a call hung for good (at most every few seconds, however many calls hang). */
  const renew = () => {
    if (Date.now() - renewedAt < retireAfterMs) return;
    renewedAt = Date.now();
    logger().warn({ uri: target.uri, answerWithinMs: opts.answerWithinMs }, 'Neo4j left a call unanswered; opening fresh connections');
    replace(target);
  };

  /**
   * Whether Neo4j is working on the tagged call: a slow answer (a cold server planning its first queries,
   * a busy one) is not an outage. Asked of the server's own transaction list; no answer counts as no.
   */
  const working = async (tag: string): Promise<boolean> => {
    try {
      const { records } = await current.executeQuery(
        'SHOW TRANSACTIONS YIELD metaData WHERE metaData.ringlensCall = $tag RETURN count(*) AS n',
        { tag },
        { transactionConfig: { timeout: 2_000 } },
      );
      return Number(records[0]?.get('n') ?? 0) > 0;
    } catch {
      return false;
    }
  };

  /**
   * `call` bounded as described in ResilienceOptions.answerWithinMs. With a `tag` (the call carries it in
   * its transaction metadata), a call still unanswered after a moment is looked up in the server's
   * transaction list: one Neo4j is working on is given up to SLOW_CALL_MS, one it never received (a
   * connection that went dead, a server that swallows packets) fails when its wait ends, as before.
   */
  const bounded = <T>(call: () => Promise<T>, config?: unknown, tag?: string): Promise<T> => {
    const limit = opts.answerWithinMs;
    if (!limit) return call();
    const declared = declaredTimeout(config);
    // Inside an API request, a call without its own timeout gets at most what is left of the request's
    // budget (never under a few hundred ms): its 503 must come within the budget, however many calls it makes.
    const left = declared === 0 ? remainingMs() : undefined;
    const ms = left === undefined ? limit + declared : Math.min(limit, Math.max(MIN_CALL_MS, left));
    const started = Date.now();
    return new Promise<T>((resolve, reject) => {
      let done = false;
      let stuck: NodeJS.Timeout | undefined;
      let slow: NodeJS.Timeout | undefined;
      /** what the server said of the call, once it has */
      let busy = false;
      const giveUp = (message: string) => {
        if (done) return;
        done = true;
        reject(new Neo4jUnanswered(message));
        // A slow answer (a cold server's first queries) frees its connection when it comes; one that
        // still has none long after holds a pool slot for good: then the connections are replaced.
        stuck = setTimeout(renew, stuckAfterMs);
        stuck.unref();
      };
      const asking = tag ? setTimeout(() => void working(tag).then((b) => (busy = b)), Math.min(PROBE_AFTER_MS, ms / 2)) : undefined;
      // Decided when the wait ends, not after: an outage still answers 503 within the request's budget.
      const timer = setTimeout(() => {
        if (!busy) return giveUp(`Neo4j at ${target.uri} did not answer within ${ms} ms`);
        logger().info({ uri: target.uri, waitedMs: ms }, 'Neo4j is still working on a call; waiting for it');
        // the rest of the request (its other calls, its audit event) shares the longer wait
        extendDeadline(started + SLOW_CALL_MS);
        slow = setTimeout(() => giveUp(`Neo4j at ${target.uri} did not finish a call within ${SLOW_CALL_MS} ms`), Math.max(0, SLOW_CALL_MS - ms));
      }, ms);
      const settle = () => {
        clearTimeout(timer);
        if (asking) clearTimeout(asking);
        if (slow) clearTimeout(slow);
        if (stuck) clearTimeout(stuck);
      };
      call().then(
        (v) => {
          settle();
          if (done) return;
          done = true;
          resolve(v);
        },
        (e: unknown) => {
          settle();
          if (done) return;
          done = true;
          reject(e as Error);
        },
      );
    });
  };

  /** A tag for a call, carried in its transaction metadata where the server lists it. */
  // unique across the API's processes and machines sharing one Neo4j
  const tagPrefix = randomUUID();
  let calls = 0;
  const nextTag = () => `${tagPrefix}-${++calls}`;
  const tagged = (config: unknown, tag: string) => {
    const c = (config ?? {}) as { metadata?: Record<string, unknown> };
    return { ...c, metadata: { ...c.metadata, ringlensCall: tag } };
  };
  const taggedQuery = (config: unknown, tag: string) => {
    const c = (config ?? {}) as { transactionConfig?: { metadata?: Record<string, unknown> } };
    return { ...c, transactionConfig: tagged(c.transactionConfig, tag) };
  };

  const boundedSession = (session: Session): Session =>
    new Proxy(session, {
      get(s, prop) {
        const value = Reflect.get(s, prop, s) as unknown;
        if (typeof value !== 'function') return value;
        const fn = value as (...a: unknown[]) => unknown;
        switch (prop) {
          case 'executeRead':
          case 'executeWrite':
            return (work: unknown, config?: unknown) => {
              const tag = nextTag();
              return bounded(() => fn.call(s, work, tagged(config, tag)) as Promise<unknown>, config, tag);
            };
          case 'close':
            // A session whose query hangs never closes on its own: give up on it (its driver is being replaced).
            return () => bounded(() => fn.call(s) as Promise<void>).catch(() => {});
          case 'run':
            return (query: unknown, params?: unknown, config?: unknown) => {
              const tag = nextTag();
              const result = fn.call(s, query, params, tagged(config, tag)) as PromiseLike<unknown> & object;
              // Awaiting the result is bounded; streaming it (subscribe, for await) is left as it is.
              return new Proxy(result, {
                get(r, p) {
                  if (p === 'then') {
                    return (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) =>
                      bounded(() => Promise.resolve(r), config, tag).then(onFulfilled, onRejected);
                  }
                  const v = Reflect.get(r, p, r) as unknown;
                  return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(r) : v;
                },
              });
            };
          default:
            return fn.bind(s);
        }
      },
    });

  return new Proxy({} as Driver, {
    get(_unused, prop) {
      if (prop === 'close') {
        return async () => {
          await Promise.all([current, ...retiring].map((d) => d.close()));
          retiring.clear();
        };
      }
      follow();
      const d = current;
      const value = Reflect.get(d, prop, d) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (!opts.answerWithinMs) return fn.bind(d);
      switch (prop) {
        case 'executeQuery':
          return (query: unknown, params?: unknown, config?: unknown) => {
            const tag = nextTag();
            return bounded(() => fn.call(d, query, params, taggedQuery(config, tag)) as Promise<unknown>, config, tag);
          };
        case 'verifyConnectivity':
        case 'getServerInfo':
        case 'verifyAuthentication':
          return (...a: unknown[]) => bounded(() => fn.apply(d, a) as Promise<unknown>);
        case 'session':
          return (...a: unknown[]) => boundedSession(fn.apply(d, a) as Session);
        default:
          return fn.bind(d);
      }
    },
  });
}
