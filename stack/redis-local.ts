import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import getPort from 'get-port';
import { Redis } from 'ioredis';
import { logger } from '../config/logger.ts';
import { readJson, tail, writeJsonAtomic } from './files.ts';
import { commandLine, isAlive, terminate } from './processes.ts';

export interface RedisInstanceOptions {
  cacheDir: string;
  name: string;
  /** Append-only file on: for tests that restart Redis and expect their schedules back. */
  appendOnly?: boolean;
  fresh?: boolean;
}

export interface RedisInstanceState {
  pid: number;
  port: number;
  url: string;
  dir: string;
  startedAt: string;
}

export function redisDir(opts: Pick<RedisInstanceOptions, 'cacheDir' | 'name'>): string {
  return path.join(opts.cacheDir, 'redis', opts.name);
}

const stateFile = (dir: string) => path.join(dir, 'state.json');
/** The port an instance keeps across restarts (and --fresh): clients that outlive a restart reconnect to it. */
const portsFile = (dir: string) => path.join(dir, 'ports.json');

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The kept port if it is free (an error naming it and the instance if not); a free one on the first start. */
async function choosePort(opts: RedisInstanceOptions, dir: string, kept: number | undefined): Promise<number> {
  if (kept === undefined) return getPort({ host: '127.0.0.1' });
  if (await portIsFree(kept)) return kept;
  throw new Error(`Redis instance "${opts.name}" keeps port ${kept} (recorded in ${portsFile(dir)}), but 127.0.0.1:${kept} is taken by another process. Free the port, or delete that file to let the instance pick a new one (then restart the API and workers that use it).`);
}

export async function redisReachable(url: string, timeoutMs = 2_000): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    client.disconnect();
  }
}

export function runningRedis(opts: Pick<RedisInstanceOptions, 'cacheDir' | 'name'>): RedisInstanceState | undefined {
  const dir = redisDir(opts);
  const state = readJson<RedisInstanceState>(stateFile(dir));
  if (!state) return undefined;
  const cmd = isAlive(state.pid) ? commandLine(state.pid) : undefined;
  if (cmd?.includes('redis-server') && cmd.includes(`:${state.port}`)) return state;
  rmSync(stateFile(dir), { force: true });
  return undefined;
}

export function redisServerBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('redis-server is not installed: apt-get install -y redis-server (or set REDIS_URL to a reachable Redis)');
  return found;
}

export async function startRedis(opts: RedisInstanceOptions): Promise<RedisInstanceState & { reused: boolean }> {
  const existing = runningRedis(opts);
  if (existing && !opts.fresh) return { ...existing, reused: true };
  if (existing) await stopRedis(opts);
  const binary = redisServerBinary();
  const dir = redisDir(opts);
  const kept = readJson<{ port: number }>(portsFile(dir))?.port;
  if (opts.fresh) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = await choosePort(opts, dir, kept);
  writeJsonAtomic(portsFile(dir), { port });
  const logFile = path.join(dir, 'redis.log');
  const args = [
    '--bind', '127.0.0.1',
    '--port', String(port),
    '--dir', dir,
    '--logfile', logFile,
    '--save', '',
    '--appendonly', opts.appendOnly ? 'yes' : 'no',
    '--appendfsync', 'everysec',
    // BullMQ requires that Redis never evicts its keys.
    '--maxmemory-policy', 'noeviction',
  ];
  const child = spawn(binary, args, { detached: true, stdio: 'ignore' });
  child.unref();
  const state: RedisInstanceState = { pid: child.pid!, port, url: `redis://127.0.0.1:${port}`, dir, startedAt: new Date().toISOString() };
  writeJsonAtomic(stateFile(dir), state);
  const deadline = Date.now() + 15_000;
  let lastError: string | undefined = 'not tried';
  while (Date.now() < deadline) {
    if (!isAlive(state.pid)) throw new Error(`redis-server exited at start-up; last lines of ${logFile}:\n${tail(logFile, 20)}`);
    lastError = await redisReachable(state.url, 500);
    if (!lastError) {
      logger().info({ url: state.url, serverPid: state.pid, appendOnly: !!opts.appendOnly }, 'project-owned Redis ready');
      return { ...state, reused: false };
    }
    await sleep(100);
  }
  await terminate(state.pid, 5_000);
  throw new Error(`redis-server did not answer on ${state.url}: ${lastError}`);
}

export async function stopRedis(opts: Pick<RedisInstanceOptions, 'cacheDir' | 'name'>): Promise<'not-running' | 'terminated' | 'killed'> {
  const state = runningRedis(opts);
  if (!state) return 'not-running';
  const how = await terminate(state.pid, 10_000);
  rmSync(stateFile(redisDir(opts)), { force: true });
  logger().info({ serverPid: state.pid, how }, 'project-owned Redis stopped');
  return how;
}
