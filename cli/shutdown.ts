import { logger } from '../config/logger.ts';

/**
 * Runs the given cleanup once on SIGINT/SIGTERM, then exits. A second signal while cleaning up
 * exits at once, so a stuck shutdown never traps the operator.
 */
let longRunning = false;

export function isLongRunning(): boolean {
  return longRunning;
}

export function onShutdown(cleanup: () => Promise<void>): void {
  longRunning = true;
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger().warn({ signal }, 'second signal: exiting without waiting');
      process.exit(130);
    }
    stopping = true;
    logger().info({ signal }, 'shutting down');
    cleanup()
      .then(() => process.exit(0))
      .catch((err: Error) => {
        logger().error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
