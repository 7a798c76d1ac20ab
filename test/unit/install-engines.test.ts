import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../config/env.ts';

/**
 * Install honesty (issue 22, defect 8): `npm ci` prints EBADENGINE for any locked package whose
 * `engines.node` excludes the running Node. The README and package.json name Node 20.19+, so every
 * package in the lock must accept the oldest Node that promise covers, and the Node running the tests.
 */
describe('the Node version the README names installs every locked package', () => {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
  };
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it('package.json and the README name the same Node', () => {
    expect(oldest).toBe('20.19.0');
    expect(readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')).toContain('Node 20.19+');
  });

  it(`no locked package declares an engines.node range that excludes Node ${oldest} or the running ${process.version}`, () => {
    const declared = Object.entries(lock.packages).filter(([name, p]) => name !== '' && !Array.isArray(p.engines) && p.engines?.node);
    expect(declared.length).toBeGreaterThan(100);
    const refused = declared.flatMap(([name, p]) =>
      [oldest, process.version]
        .filter((node) => !semver.satisfies(node, (p.engines as { node: string }).node, { includePrerelease: true }))
        .map((node) => `${name.replace(/^.*node_modules\//, '')}@${p.version} wants node ${(p.engines as { node: string }).node}, not ${node}`),
    );
    expect(refused).toEqual([]);
  });
});
