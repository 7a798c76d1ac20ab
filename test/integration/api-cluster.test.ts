import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../config/env.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { client, createRoleUsers, PASSWORDS, USERNAME } from './api-client.ts';
import { wipeGraph } from './graph-snapshot.ts';

/**
 * `ringlens serve --workers 2` as an operator runs it: a primary and two API processes on one port,
 * against the test Neo4j and Redis. A token issued by one worker must be accepted by the other (one
 * signing secret), and a worker that dies must be replaced without the port going dark.
 */
describe('ringlens serve --workers 2', () => {
  const stack = inject('stack');
  let services: Services;
  let serve: ChildProcess;
  let output = '';
  let url = '';
  const listening = () => (output.match(/"msg":"API listening"/g) ?? []).length;

  beforeAll(async () => {
    services = openServices(stack, `${inject('queuePrefix')}-cluster`);
    await wipeGraph(services.driver);
    await createRoleUsers(services.driver);
    serve = spawn(process.execPath, ['bin/ringlens.js', 'serve', '--port', '0', '--workers', '2'], {
      cwd: PROJECT_ROOT,
      // No RINGLENS_JWT_SECRET on purpose: the primary makes one secret for both workers.
      env: { ...process.env, NEO4J_URI: stack.neo4j.uri, NEO4J_USER: stack.neo4j.user, NEO4J_PASSWORD: stack.neo4j.password, REDIS_URL: stack.redis.url, RINGLENS_JWT_SECRET: '', LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    serve.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    for (let k = 0; k < 240 && !(url && listening() >= 2); k++) {
      url = /RingLens API at (\S+)/.exec(output)?.[1] ?? '';
      await sleep(250);
    }
    if (!url || listening() < 2) throw new Error(`serve --workers 2 did not come up; output:\n${output}`);
  }, 120_000);

  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    await services?.close();
  });

  it('answers on one port from two processes, and a token from one worker works on the other', async () => {
    const call = client(url);
    const login = await call('post', '/api/v1/auth/login', { body: { username: USERNAME.investigator, password: PASSWORDS.investigator } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    // Fresh connections are spread over the workers by the primary; every one must accept the token.
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () => fetch(`${url}/api/v1/rings?limit=5`, { headers: { authorization: `Bearer ${login.body.accessToken}`, connection: 'close' } }).then((r) => r.status)),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it('replaces a worker that dies, and stops every process on SIGTERM', async () => {
    const pids = [...output.matchAll(/"pid":(\d+),"url":"[^"]+","msg":"API listening"/g)].map((m) => Number(m[1]));
    expect(new Set(pids).size).toBe(2);
    process.kill(pids[0]!, 'SIGKILL');
    for (let k = 0; k < 120 && listening() < 3; k++) await sleep(250);
    expect(listening()).toBe(3);
    expect(output).toMatch(/API worker exited; starting a new one/);
    expect((await fetch(`${url}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => serve.once('exit', (code) => resolve(code)));
    serve.kill('SIGTERM');
    expect(await exited).toBe(0);
    const alive = [...new Set([...output.matchAll(/"pid":(\d+),"url":"[^"]+","msg":"API listening"/g)].map((m) => Number(m[1])))].filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
