import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

let root: Logger | undefined;

/**
 * One structured logger per process, on stderr so stdout stays for command output.
 * JSON lines for machines; human-readable lines when a person is watching a terminal.
 */
export function logger(): Logger {
  if (root) return root;
  const level = process.env.LOG_LEVEL ?? 'info';
  const human = process.stderr.isTTY && process.env.LOG_FORMAT !== 'json';
  root = human
    ? pino({ level }, pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname' }))
    : pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
  return root;
}
