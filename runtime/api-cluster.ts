import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { logger } from '../config/logger.ts';

/**
 * `ringlens serve --workers N`: N API processes sharing one port (node:cluster), so the API uses more
 * than one core. One Node process tops out near one core of JSON, Bolt decoding and HTTP work; on a
 * bureau server with 8 cores the database is rarely what saturates first.
 *
 * Everything a worker keeps for itself stays correct across workers: the ring read cache is cleared
 * for all of them through Redis, audit events are written by whichever worker served the read, and
 * tokens verify in every worker because they share one signing secret (made here once when none is
 * configured, so a token issued by one worker is accepted by the next). Login limits and ended
 * sessions are kept in and announced through Redis, so they hold across workers too.
 */

export interface ClusterMessage {
  kind: 'listening';
  url: string;
}

export const isClusterWorker = () => cluster.isWorker;

/** Tells the primary this worker listens (the primary prints the address once). */
export function announceListening(url: string): void {
  if (cluster.isWorker) process.send?.({ kind: 'listening', url } satisfies ClusterMessage);
}

/**
 * Forks `workers` copies of the current command and keeps them running: a worker that dies is
 * replaced (after a pause if they keep dying at once). Resolves with the address once the first
 * worker listens; `stop()` ends them all and waits.
 */
export async function runApiCluster(workers: number): Promise<{ url: string; stop(): Promise<void> }> {
  if (!process.env.RINGLENS_JWT_SECRET) {
    logger().warn('RINGLENS_JWT_SECRET is not set: using a random secret for this run, tokens will not survive a restart');
    process.env.RINGLENS_JWT_SECRET = randomBytes(32).toString('base64url');
  }
  let stopping = false;
  let quickDeaths = 0;
  const fork = (): Worker => {
    const started = Date.now();
    const w = cluster.fork();
    w.on('exit', (code, signal) => {
      if (stopping) return;
      quickDeaths = Date.now() - started < 5_000 ? quickDeaths + 1 : 0;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(quickDeaths, 6));
      logger().error({ worker: w.id, workerPid: w.process.pid, code, signal, restartInMs: delay }, 'API worker exited; starting a new one');
      setTimeout(() => {
        if (!stopping) fork();
      }, delay).unref();
    });
    return w;
  };
  const url = await new Promise<string>((resolve, reject) => {
    const onMessage = (_w: Worker, m: ClusterMessage) => {
      if (m?.kind !== 'listening') return;
      cluster.off('message', onMessage);
      resolve(m.url);
    };
    cluster.on('message', onMessage);
    const first = fork();
    first.once('exit', (code) => reject(new Error(`the first API worker exited with code ${code} before listening (see its log above)`)));
    for (let i = 1; i < workers; i++) fork();
  });
  return {
    url,
    async stop() {
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      await Promise.all(
        alive.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              // Each worker closes its server (in-flight requests finish) and its connections on SIGTERM.
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
