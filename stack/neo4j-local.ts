import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import getPort from 'get-port';
import neo4j from 'neo4j-driver';
import { logger } from '../config/logger.ts';
import { errorLinesSince, fileSize, readJson, tail, writeJsonAtomic } from './files.ts';
import { ensureGdsPlugin, type GdsPlugin } from './gds-plugin.ts';
import { ensureDistribution, type Neo4jDistribution } from './neo4j-distribution.ts';
import { commandLine, isAlive, terminate } from './processes.ts';

export interface Neo4jInstanceOptions {
  cacheDir: string;
  versionRange: string;
  /** Instances are independent servers: the demo and the test suite never share a store. */
  name: string;
  heap: string;
  pageCache: string;
  /**
   * Bolt port. Unset: the port the instance kept from its last start (7687, or a free one if that is
   * taken, on the very first start). A number: exactly that port, kept from now on. 0: any free port,
   * kept from now on. A kept or named port that is taken is an error naming the port and the instance.
   */
  preferredPort?: number;
  /** Start from an empty store (the test suite wants this). */
  fresh?: boolean;
  /** Load the Graph Data Science plugin (opt-in; fetched from Maven Central on first use). */
  withGds?: boolean;
}

export interface Neo4jConnection {
  uri: string;
  user: string;
  password: string;
}

export interface Neo4jInstanceState extends Neo4jConnection {
  pid: number;
  boltPort: number;
  version: string;
  homeDir: string;
  startedAt: string;
  /** Set when the server was started with the Graph Data Science plugin. */
  gdsVersion?: string;
  /** Memory settings it was started with, so a restart (after a bulk import) keeps them. */
  heap?: string;
  pageCache?: string;
}

const ENTRY_POINT = 'org.neo4j.server.CommunityEntryPoint';
const USER = 'neo4j';

export function instanceDir(opts: Pick<Neo4jInstanceOptions, 'cacheDir' | 'name'>): string {
  return path.join(opts.cacheDir, 'neo4j', 'instances', opts.name);
}

const stateFile = (home: string) => path.join(home, 'run', 'state.json');
const credentialsFile = (home: string) => path.join(home, 'credentials.json');
/**
 * The port an instance keeps across restarts. Kept beside the store (and through --fresh, which empties
 * the store but leaves the instance where clients expect it), unlike run/state.json, which exists only
 * while the server runs.
 */
const portsFile = (home: string) => path.join(home, 'ports.json');
interface KeptPorts {
  bolt: number;
}

/** The port a stopped or running instance keeps, if it was ever started. */
export function keptBoltPort(opts: Pick<Neo4jInstanceOptions, 'cacheDir' | 'name'>): number | undefined {
  return readJson<KeptPorts>(portsFile(instanceDir(opts)))?.bolt;
}

/**
 * Where a local instance says it can be reached right now: run/state.json, written on each start and
 * removed on stop. Clients that outlive a restart (API, workers) poll this to follow the instance.
 */
export function recordedConnection(opts: Pick<Neo4jInstanceOptions, 'cacheDir' | 'name'>): Neo4jConnection | undefined {
  const state = readJson<Neo4jInstanceState>(stateFile(instanceDir(opts)));
  return state ? { uri: state.uri, user: state.user, password: state.password } : undefined;
}

export class PortTakenError extends Error {}

/** True if nothing listens on 127.0.0.1:port (we try to listen there ourselves, then let go). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

async function chooseBoltPort(opts: Neo4jInstanceOptions, home: string): Promise<number> {
  if (opts.preferredPort === 0) return getPort({ host: '127.0.0.1' });
  const kept = keptBoltPort(opts);
  const port = opts.preferredPort ?? kept;
  // The very first start without a port: the usual one if it is free, else any free port (kept from then on).
  if (port === undefined) return getPort({ host: '127.0.0.1', port: 7687 });
  if (await portIsFree(port)) return port;
  const why = opts.preferredPort === undefined ? `keeps Bolt port ${port} (recorded in ${portsFile(home)})` : `was asked for Bolt port ${port}`;
  throw new PortTakenError(
    `Neo4j instance "${opts.name}" ${why}, but 127.0.0.1:${port} is taken by another process. ` +
      `Free the port, or move the instance with \`ringlens neo4j start --instance ${opts.name} --port <free port>\` (clients of a local instance follow it).`,
  );
}

/** State of a running instance of ours, or undefined (stale state from a dead process is removed). */
export function runningInstance(opts: Pick<Neo4jInstanceOptions, 'cacheDir' | 'name'>): Neo4jInstanceState | undefined {
  const home = instanceDir(opts);
  const state = readJson<Neo4jInstanceState>(stateFile(home));
  if (!state) return undefined;
  const cmd = isAlive(state.pid) ? commandLine(state.pid) : undefined;
  if (cmd?.includes(ENTRY_POINT) && cmd.includes(home)) return state;
  rmSync(stateFile(home), { force: true });
  return undefined;
}

export async function startNeo4j(opts: Neo4jInstanceOptions): Promise<Neo4jInstanceState & { reused: boolean; downloaded: boolean; provisionSeconds: number }> {
  const started = Date.now();
  const existing = runningInstance(opts);
  if (existing && !opts.fresh) {
    if (opts.withGds && !existing.gdsVersion) {
      throw new Error(`Neo4j instance "${opts.name}" is already running without the GDS plugin; stop it first (ringlens neo4j stop --instance ${opts.name}) or start it with --fresh`);
    }
    await waitForBolt(existing, existing.pid, 30_000);
    logger().info({ uri: existing.uri, serverPid: existing.pid }, 'Neo4j instance already running');
    return { ...existing, reused: true, downloaded: false, provisionSeconds: (Date.now() - started) / 1000 };
  }
  if (existing) await stopNeo4j(opts);

  const dist = await ensureDistribution(opts.cacheDir, opts.versionRange);
  const gds = opts.withGds ? await ensureGdsPlugin(opts.cacheDir, dist.version) : undefined;
  const home = instanceDir(opts);
  if (opts.fresh) {
    rmSync(path.join(home, 'data'), { recursive: true, force: true });
    rmSync(credentialsFile(home), { force: true });
  }
  for (const sub of ['conf', 'data', 'logs', 'run', 'plugins', 'import']) mkdirSync(path.join(home, sub), { recursive: true });

  const credentials = readJson<{ password: string; initialised: boolean }>(credentialsFile(home)) ?? {
    password: randomBytes(12).toString('base64url'),
    initialised: false,
  };
  writeJsonAtomic(credentialsFile(home), credentials);

  const boltPort = await chooseBoltPort(opts, home);
  writeFileSync(path.join(home, 'conf', 'neo4j.conf'), neo4jConf(boltPort, opts) + (gds ? gdsConf(gds) : ''));

  const consoleLog = path.join(home, 'logs', 'console.log');
  // Running as a daemon, Neo4j writes its start-up errors to debug.log, not to the console.
  const debugLog = path.join(home, 'logs', 'debug.log');
  const debugLogOffset = fileSize(debugLog);
  const out = openSync(consoleLog, 'a');
  const child = spawn('java', [...jvmArgs(opts.heap), '-cp', classpath(dist, gds), ENTRY_POINT, `--home-dir=${home}`, `--config-dir=${path.join(home, 'conf')}`], {
    cwd: home,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`cannot start java: ${e.message} (is Java 17 installed?)`))));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) await spawnError;

  const state: Neo4jInstanceState = {
    pid: pid!,
    boltPort,
    uri: `bolt://127.0.0.1:${boltPort}`,
    user: USER,
    password: credentials.password,
    version: dist.version,
    homeDir: home,
    startedAt: new Date().toISOString(),
    heap: opts.heap,
    pageCache: opts.pageCache,
    ...(gds ? { gdsVersion: gds.gdsVersion } : {}),
  };
  writeJsonAtomic(stateFile(home), state);
  logger().info({ serverPid: pid, boltPort, version: dist.version, gdsVersion: gds?.gdsVersion, home }, 'Neo4j starting');

  try {
    if (!credentials.initialised) {
      await waitForBolt({ ...state, password: 'neo4j' }, state.pid, 120_000, consoleLog);
      await setInitialPassword(state);
      writeJsonAtomic(credentialsFile(home), { ...credentials, initialised: true });
    } else {
      await waitForBolt(state, state.pid, 120_000, consoleLog);
    }
    writeJsonAtomic(portsFile(home), { bolt: boltPort } satisfies KeptPorts);
  } catch (err) {
    await terminate(state.pid, 15_000);
    rmSync(stateFile(home), { force: true });
    const errors = errorLinesSince(debugLog, debugLogOffset, 12);
    (err as Error).message = `Neo4j instance "${opts.name}" (Bolt port ${boltPort}): ${(err as Error).message}`;
    if (errors) (err as Error).message += `\nerrors in ${debugLog}:\n${errors}`;
    throw err;
  }
  const provisionSeconds = (Date.now() - started) / 1000;
  logger().info({ uri: state.uri, version: dist.version, provisionSeconds, downloaded: (dist as Neo4jDistribution & { downloaded: boolean }).downloaded }, 'Neo4j ready');
  return { ...state, reused: false, downloaded: (dist as { downloaded: boolean }).downloaded, provisionSeconds };
}

export async function stopNeo4j(opts: Pick<Neo4jInstanceOptions, 'cacheDir' | 'name'>): Promise<'not-running' | 'terminated' | 'killed'> {
  const state = runningInstance(opts);
  if (!state) return 'not-running';
  // Neo4j checkpoints and closes the store on SIGTERM; SIGKILL is only the last resort.
  const how = await terminate(state.pid, 60_000);
  rmSync(stateFile(instanceDir(opts)), { force: true });
  logger().info({ serverPid: state.pid, how }, 'Neo4j stopped');
  return how;
}

function neo4jConf(boltPort: number, opts: Neo4jInstanceOptions): string {
  return `# Generated by ringlens on each start; edit the options, not this file.
server.default_listen_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:${boltPort}
server.bolt.advertised_address=127.0.0.1:${boltPort}
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=true
server.memory.pagecache.size=${opts.pageCache}
server.directories.import=import
db.tx_log.rotation.retention_policy=1G size
dbms.usage_report.enabled=false
`;
}

/**
 * Neo4j's own launcher puts plugins/ on the JVM classpath next to lib/: Neo4j scans the plugins
 * folder for procedures, but kernel extensions (GDS registers its services through one) are only
 * found on the classpath. Neo4j's jars come first so the server always loads its own classes.
 */
function classpath(dist: Neo4jDistribution, gds: GdsPlugin | undefined): string {
  const dirs = [dist.libDir, ...(gds ? [gds.pluginsDir, gds.libDir] : [])];
  return dirs.map((d) => path.join(d, '*')).join(path.delimiter);
}

function gdsConf(gds: GdsPlugin): string {
  return `# Graph Data Science ${gds.gdsVersion} (--gds): plugins read from the shared jar cache.
server.directories.plugins=${gds.pluginsDir}
dbms.security.procedures.unrestricted=gds.*
`;
}

/** The flags Neo4j's own launcher passes (we start the JVM ourselves, so the heap is set here). */
function jvmArgs(heap: string): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:-OmitStackTraceInFastThrow',
    '-XX:+UnlockExperimentalVMOptions',
    '-XX:+TrustFinalNonStaticFields',
    '-XX:+DisableExplicitGC',
    '-Djdk.nio.maxCachedBufferSize=1024',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dlog4j2.disable.jmx=true',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--add-opens=java.base/java.lang=ALL-UNNAMED',
  ];
}

/** Polls Bolt until a login succeeds; fails early with the server's own output if the JVM dies. */
async function waitForBolt(conn: Neo4jConnection, pid: number, timeoutMs: number, consoleLog?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new Error(`Neo4j at ${conn.uri} (pid ${pid}) exited during start-up${consoleLog ? `; last lines of ${consoleLog}:\n${tail(consoleLog, 40)}` : ''}`);
    }
    const driver = neo4j.driver(conn.uri, neo4j.auth.basic(conn.user, conn.password), { connectionTimeout: 2_000, logging: { level: 'error', logger: () => {} } });
    try {
      // Resolves false (rather than throwing) when Bolt is up but refuses these credentials.
      if (await driver.verifyAuthentication()) return;
      throw new Error(`Neo4j at ${conn.uri} rejected the credentials for user ${conn.user} (start it with --fresh to reset a local instance, or check NEO4J_PASSWORD)`);
    } catch (err) {
      if ((err as Error).message.includes('rejected the credentials')) throw err;
      lastError = (err as Error).message;
      // A store that still demands the default password answers with this; it means Bolt is up.
      if (/credentials expired|password change/i.test(lastError)) return;
      if (/unauthorized|authentication failure/i.test(lastError)) throw new Error(`Neo4j at ${conn.uri} rejected our credentials: ${lastError}`);
    } finally {
      await driver.close();
    }
    await sleep(500);
  }
  throw new Error(`Neo4j did not answer on ${conn.uri} within ${timeoutMs / 1000}s (last error: ${lastError})`);
}

async function setInitialPassword(state: Neo4jInstanceState): Promise<void> {
  const driver = neo4j.driver(state.uri, neo4j.auth.basic(USER, 'neo4j'), { logging: { level: 'error', logger: () => {} } });
  try {
    await driver.executeQuery('ALTER CURRENT USER SET PASSWORD FROM $old TO $new', { old: 'neo4j', new: state.password }, { database: 'system' });
  } finally {
    await driver.close();
  }
  logger().info('Neo4j initial password set (stored in the instance folder, git-ignored)');
}
