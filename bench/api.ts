/**
 * API latency benchmark (autocannon): ring list, ring detail and neighbourhood expand, each under
 * `--clients` concurrent connections for `--seconds`, against a separate `ringlens serve` process on
 * an instance that already holds detected rings (the demo's, or any instance after `ringlens detect`).
 * Ring detail and expand write an audit event per request, as in production. Detail and expand rotate
 * over the top rings and their members, so the figures are not one hot key. Load generator, API and
 * Neo4j share the machine, so the figures are pessimistic for a dedicated server.
 *   npx tsx bench/api.ts [--instance default] [--clients 50] [--seconds 15] [--rounds 3] [--only list,detail,expand] [--workers 1] [--profile DIR]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { issueTokens, tokenConfig } from '../api/auth/tokens.ts';
import { loadEnv } from '../config/env.ts';
import { hashPassword } from '../access/passwords.ts';
import { createDriver } from '../graph/driver.ts';
import { createUser, findUser } from '../graph/users/users.ts';
import { runningInstance } from '../stack/neo4j-local.ts';
import { locateNeo4j } from '../stack/stack.ts';

const { values } = parseArgs({
  options: {
    instance: { type: 'string', default: 'default' },
    clients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: 'list,detail,expand' },
    // writes a V8 CPU profile of the API process (open it in Chrome DevTools or speedscope)
    profile: { type: 'string' },
    // API processes (ringlens serve --workers)
    workers: { type: 'string', default: '1' },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const BENCH_USER = 'bench.api';
const env = loadEnv();
const driver = createDriver(locateNeo4j(env, values.instance));
const ringIds = (await driver.executeQuery('MATCH (r:Ring) RETURN r.ringId AS id ORDER BY r.score DESC LIMIT 200')).records.map((r) => r.get('id') as string);
// Expand from what investigators expand from: ring members of every kind (persons, cards, doctors, institutions).
const nodeIds = (
  await driver.executeQuery('MATCH (r:Ring)-[:HAS_MEMBER]->(n) WITH r, n ORDER BY r.score DESC RETURN DISTINCT elementId(n) AS id LIMIT 500')
).records.map((r) => r.get('id') as string);
const counts = (await driver.executeQuery('MATCH (c:Claim) WITH count(c) AS claims MATCH (r:Ring) RETURN claims, count(r) AS rings')).records[0]!;
// Every request checks the token against its user's current session: the benchmark's user must exist.
if (!(await findUser(driver, BENCH_USER))) {
  await createUser(driver, { username: BENCH_USER, displayName: 'API benchmark', role: 'investigator', passwordHash: await hashPassword(randomBytes(24).toString('base64url')) });
}
const benchUser = (await findUser(driver, BENCH_USER))!;
await driver.close();
if (!ringIds.length) throw new Error(`no rings in instance ${values.instance}: run \`ringlens detect --instance ${values.instance}\` first`);

const neo4jPid = env.NEO4J_URI ? undefined : runningInstance({ cacheDir: env.RINGLENS_CACHE_DIR, name: values.instance })?.pid;

const secret = randomBytes(32).toString('base64url');
const profileArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : [];
const server = spawn(process.execPath, [...profileArgs, 'bin/ringlens.js', 'serve', '--instance', values.instance, '--port', '0', '--workers', values.workers], {
  env: { ...process.env, RINGLENS_JWT_SECRET: secret, NODE_ENV: 'production', LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve, reject) => {
  server.stdout!.on('data', (d: Buffer) => {
    const m = /RingLens API at (\S+)/.exec(d.toString());
    if (m) resolve(m[1]!);
  });
  server.on('exit', (code) => reject(new Error(`ringlens serve exited with ${code}`)));
});
const { accessToken } = await issueTokens(tokenConfig(secret), { username: BENCH_USER, role: benchUser.role, tokenVersion: benchUser.tokenVersion });

// What the workbench asks for on a double-click (ui/src/pages/RingWorkspace.tsx).
const EXPAND_LIMIT = 100;

const SCENARIOS: Record<string, (i: number) => string> = {
  list: () => '/api/v1/rings?limit=50&sort=-score',
  detail: (i) => `/api/v1/rings/${ringIds[i % ringIds.length]}`,
  expand: (i) => `/api/v1/graph/expand?node=${encodeURIComponent(nodeIds[i % nodeIds.length]!)}&hops=1&limit=${EXPAND_LIMIT}`,
};

/**
 * CPU seconds a process and its children have used (Linux /proc; undefined elsewhere). Latency under a
 * closed loop of 50 connections is queueing on two shared cores, so CPU per request is the steadier
 * figure for telling whether a change made the API or Neo4j cheaper.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return cpuTicks(pid) / 100;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process and, recursively, its children, in clock ticks (100 per second). */
function cpuTicks(pid: number): number {
  // Fields after the command name: utime is the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const children = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean));
  return Number(f[11]) + Number(f[12]) + children.reduce((sum, c) => sum + cpuTicks(Number(c)), 0);
}

interface Figures {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  rps: number;
  n: number;
  errors: number;
  /** CPU ms per request: API processes, Neo4j, this load generator */
  cpu: { api?: number; neo4j?: number; load: number };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One autocannon run; latencies come from every response (autocannon's own summary has no p95). */
async function run(kind: string, duration: number): Promise<Figures> {
  const path = SCENARIOS[kind]!;
  let i = 0;
  const latencies: number[] = [];
  let errors = 0;
  const before = { api: cpuSeconds(server.pid), neo4j: cpuSeconds(neo4jPid), load: process.cpuUsage() };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: clients,
        duration,
        headers: { authorization: `Bearer ${accessToken}` },
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path(i++) }) }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode !== 200) errors++;
      latencies.push(responseTime);
    });
  });
  if (result.errors || result.timeouts) errors += result.errors + result.timeouts;
  const perRequest = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : ((b - a) * 1000) / latencies.length);
  const load = process.cpuUsage(before.load);
  const cpu = { api: perRequest(before.api, cpuSeconds(server.pid)), neo4j: perRequest(before.neo4j, cpuSeconds(neo4jPid)), load: (load.user + load.system) / 1000 / latencies.length };
  latencies.sort((a, b) => a - b);
  return { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), max: latencies.at(-1)!, rps: latencies.length / duration, n: latencies.length, errors, cpu };
}

const f = (x: number) => x.toFixed(1);
const g = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(2));
const cpuText = (c: Figures['cpu']) => `CPU per request: API ${g(c.api)} ms, Neo4j ${g(c.neo4j)} ms, load generator ${g(c.load)} ms`;
try {
  console.log(
    `${counts.get('claims')} claims, ${counts.get('rings')} rings; rotating over ${ringIds.length} rings and ${nodeIds.length} member nodes; ` +
      `${clients} connections, ${seconds} s per round, ${values.workers} API process(es); load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`,
  );
  const summary: string[] = [];
  for (const kind of values.only.split(',')) {
    if (!SCENARIOS[kind]) throw new Error(`--only: unknown scenario ${kind} (list, detail, expand)`);
    await run(kind, 3); // warm-up: query plans, connection pool, JIT, caches
    const rounds: Figures[] = [];
    for (let r = 0; r < Number(values.rounds); r++) {
      const x = await run(kind, seconds);
      if (x.errors) throw new Error(`${kind}: ${x.errors} requests failed or answered other than 200`);
      rounds.push(x);
      console.log(`${kind} round ${r + 1}: p50 ${f(x.p50)} ms, p95 ${f(x.p95)} ms, p99 ${f(x.p99)} ms, max ${f(x.max)} ms; ${x.rps.toFixed(0)} req/s (${x.n} requests); ${cpuText(x.cpu)}`);
    }
    const m = (k: Exclude<keyof Figures, 'cpu'>) => median(rounds.map((x) => x[k]));
    const mc = (k: keyof Figures['cpu']) => (rounds.some((x) => x.cpu[k] === undefined) ? undefined : median(rounds.map((x) => x.cpu[k]!)));
    summary.push(`${kind}: p50 ${f(m('p50'))} ms, p95 ${f(m('p95'))} ms, p99 ${f(m('p99'))} ms; ${m('rps').toFixed(0)} req/s; ${cpuText({ api: mc('api'), neo4j: mc('neo4j'), load: mc('load')! })}`);
  }
  console.log(`medians of ${values.rounds} rounds (load average now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}):\n  ${summary.join('\n  ')}`);
} finally {
  server.kill('SIGTERM');
}
