import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The moment by which the work of one API request must have its answers from Neo4j (epoch ms). Set by
 * the API around each request; the resilient driver caps how long it lets a call go unanswered by what
 * is left of it, so a request that makes two or three calls still fails within its budget when Neo4j
 * stops answering, not after two or three full per-call waits.
 */
const store = new AsyncLocalStorage<{ deadline: number }>();

export function withDeadline<T>(deadline: number, fn: () => T): T {
  return store.run({ deadline }, fn);
}

/** Milliseconds left for the current request, or undefined outside one. */
export function remainingMs(now = Date.now()): number | undefined {
  const d = store.getStore();
  return d === undefined ? undefined : d.deadline - now;
}

/**
 * Neo4j is working on the request's call, only slowly (a restarted server plans its first queries for
 * seconds): the request's remaining calls, its audit event included, may wait until `deadline`. Never
 * shortens the budget; outside a request, nothing to do.
 */
export function extendDeadline(deadline: number): void {
  const d = store.getStore();
  if (d && deadline > d.deadline) d.deadline = deadline;
}
