import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The moment by which the work of one API request must have its answers from Neo4j (epoch ms). Set by
 * the API around each request; the resilient driver caps how long it lets a call go unanswered by what
 * is left of it, so a request that makes two or three calls still fails within its budget when Neo4j
 * stops answering, not after two or three full per-call waits.
 */
const store = new AsyncLocalStorage<number>();

export function withDeadline<T>(deadline: number, fn: () => T): T {
  return store.run(deadline, fn);
}

/** Milliseconds left for the current request, or undefined outside one. */
export function remainingMs(now = Date.now()): number | undefined {
  const d = store.getStore();
  return d === undefined ? undefined : d - now;
}
