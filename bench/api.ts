/**
 * API latency benchmark: ring list and ring detail under concurrent clients, against a running
 * database that already holds detected rings (the demo's, or any instance after `ringlens detect`).
 * The API runs as its own process (`ringlens serve`), so the load generator does not share its event
 * loop; both share the machine's 2 cores, so figures are pessimistic. Ring detail writes an audit
 * event per request, as in production.
 *   npx tsx bench/api.ts [--instance default] [--clients 50] [--requests 2000] [--rounds 3]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { issueTokens, tokenConfig } from '../api/auth/tokens.ts';
import { loadEnv } from '../config/env.ts';
import { createDriver } from '../graph/driver.ts';
import { locateNeo4j } from '../stack/stack.ts';

const { values } = parseArgs({
  options: { instance: { type: 'string', default: 'default' }, clients: { type: 'string', default: '50' }, requests: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' } },
});
const clients = Number(values.clients);
const requests = Number(values.requests);
const env = loadEnv();
const driver = createDriver(locateNeo4j(env, values.instance));
const { records } = await driver.executeQuery('MATCH (r:Ring) RETURN r.ringId AS id ORDER BY r.score DESC LIMIT 200');
await driver.close();
const ringIds = records.map((r) => r.get('id') as string);
if (!ringIds.length) throw new Error(`no rings in instance ${values.instance}: run \`ringlens detect --instance ${values.instance}\` first`);

const secret = randomBytes(32).toString('base64url');
const server = spawn(process.execPath, ['bin/ringlens.js', 'serve', '--instance', values.instance, '--port', '0'], {
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
const { accessToken } = await issueTokens(tokenConfig(secret), { username: 'bench', role: 'investigator', tokenVersion: 0 });

const percentile = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function round(): Promise<Record<string, { p50: number; p95: number; p99: number; n: number }> & { rps: number }> {
  const latencies: Record<string, number[]> = { list: [], detail: [] };
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests) {
        const i = next++;
        const kind = i % 2 === 0 ? 'list' : 'detail';
        const path = kind === 'list' ? '/api/v1/rings?limit=50&sort=-score' : `/api/v1/rings/${ringIds[i % ringIds.length]}`;
        const t = performance.now();
        const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
        latencies[kind]!.push(performance.now() - t);
      }
    }),
  );
  if (failures) throw new Error(`${failures} requests failed`);
  const seconds = (performance.now() - started) / 1000;
  const out: Record<string, { p50: number; p95: number; p99: number; n: number }> = {};
  for (const [k, xs] of Object.entries(latencies)) {
    xs.sort((a, b) => a - b);
    out[k] = { p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), n: xs.length };
  }
  return Object.assign(out, { rps: requests / seconds });
}

try {
  console.log(`${ringIds.length} rings; ${clients} clients, ${requests} requests per round (half ring list, half ring detail)`);
  await round(); // warm-up: query plans, connection pool, JIT
  const rounds: Awaited<ReturnType<typeof round>>[] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    const x = await round();
    rounds.push(x);
    console.log(`round ${r + 1}: list p50 ${x.list!.p50.toFixed(1)} ms p95 ${x.list!.p95.toFixed(1)} ms | detail p50 ${x.detail!.p50.toFixed(1)} ms p95 ${x.detail!.p95.toFixed(1)} ms | ${x.rps.toFixed(0)} req/s`);
  }
  const m = (k: 'list' | 'detail', f: 'p50' | 'p95' | 'p99') => median(rounds.map((x) => x[k]![f])).toFixed(1);
  console.log(`median of ${rounds.length} rounds: ring list p50 ${m('list', 'p50')} ms, p95 ${m('list', 'p95')} ms, p99 ${m('list', 'p99')} ms; ring detail p50 ${m('detail', 'p50')} ms, p95 ${m('detail', 'p95')} ms, p99 ${m('detail', 'p99')} ms; ${median(rounds.map((x) => x.rps)).toFixed(0)} req/s`);
} finally {
  server.kill('SIGTERM');
}
