import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { expect } from 'vitest';
import { hashPassword } from '../../access/passwords.ts';
import type { Role } from '../../access/roles.ts';
import { runDetection, type DetectionSummary } from '../../detection/run-detection.ts';
import { migrate } from '../../graph/migrate.ts';
import { createUser } from '../../graph/users/users.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { wipeGraph } from './graph-snapshot.ts';

/** A small HTTP client for API tests: JSON in, parsed JSON (or problem+json) out. */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  contentType: string;
}

export function client(baseUrl: string) {
  return async function call<T = any>(
    method: string,
    url: string,
    opts: { token?: string | undefined; body?: unknown; rawBody?: RequestInit['body']; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: RequestInit['body'] | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(`${baseUrl}${url}`, { method: method.toUpperCase(), headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (/json/.test(contentType) && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers, contentType };
  };
}

export const PASSWORDS: Record<Role, string> = {
  investigator: 'investigator-password-1',
  supervisor: 'supervisor-password-1',
  liaison: 'liaison-password-1',
  admin: 'admin-password-0001',
};
export const USERNAME: Record<Role, string> = { investigator: 'inv', supervisor: 'sup', liaison: 'liaison', admin: 'admin' };

export async function createRoleUsers(driver: Driver): Promise<void> {
  for (const role of Object.keys(PASSWORDS) as Role[]) {
    await createUser(driver, { username: USERNAME[role], displayName: `${role} user`, role, passwordHash: await hashPassword(PASSWORDS[role]) });
  }
}

/**
 * A generated dataset, ingested and detected once per test file: real rings in the real Neo4j
 * (the same size and seed as test/integration/detect.test.ts, which finds every family in it).
 */
export async function loadDetectedDataset(driver: Driver, claims = 30_000): Promise<{ dir: string; data: string; detection: DetectionSummary }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-api-'));
  const data = path.join(dir, 'data');
  const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', String(claims), '--seed', '3', '--out', data], { encoding: 'utf8' });
  expect(gen.status, gen.stderr).toBe(0);
  await wipeGraph(driver);
  await migrate(driver);
  const ingest = await runIngest(driver, { inputs: [data], rejectsDir: path.join(dir, 'rejects') });
  expect(ingest.rejected).toBe(0);
  const detection = await runDetection(driver);
  expect(detection.rings.length).toBeGreaterThan(3);
  return { dir, data, detection };
}

export async function countNodes(driver: Driver): Promise<Record<string, number>> {
  const { records } = await driver.executeQuery('MATCH (n) WHERE NOT n:AuditEvent RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label');
  return Object.fromEntries(records.map((r) => [r.get('label') as string, r.get('n') as number]));
}
