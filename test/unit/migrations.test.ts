import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../graph/migrations/index.ts';

describe('the migration list', () => {
  it('has unique, consecutive versions starting at 1', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('only holds idempotent statements with unique names', () => {
    const statements = MIGRATIONS.flatMap((m) => m.statements);
    for (const s of statements) expect(s).toMatch(/^CREATE (CONSTRAINT|(TEXT )?INDEX) \w+ IF NOT EXISTS /);
    const names = statements.map((s) => /^CREATE (?:CONSTRAINT|(?:TEXT )?INDEX) (\w+)/.exec(s)![1]);
    expect(new Set(names).size).toBe(names.length);
  });
});
