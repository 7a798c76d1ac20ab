import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate, currentSchemaVersion } from '../../graph/migrate.ts';
import { SCHEMA_VERSION } from '../../graph/migrations/index.ts';
import { locateNeo4j } from '../../stack/stack.ts';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('Neo4j schema: constraints and indexes, versioned');
  db.command('migrate')
    .description('apply pending schema migrations (idempotent: a second run changes nothing)')
    .option('--instance <name>', 'local instance to use when NEO4J_URI is not set', 'default')
    .action(async (o: { instance: string }) => {
      const driver = createDriver(locateNeo4j(loadEnv(), o.instance));
      try {
        const r = await migrate(driver);
        console.log(r.applied.length ? `applied migrations ${r.applied.join(', ')}; schema at version ${r.schemaVersion}` : `schema already at version ${r.schemaVersion}; nothing to do`);
      } finally {
        await driver.close();
      }
    });
  db.command('status')
    .description('show the schema version of the database and of this build')
    .option('--instance <name>', 'local instance to use when NEO4J_URI is not set', 'default')
    .action(async (o: { instance: string }) => {
      const driver = createDriver(locateNeo4j(loadEnv(), o.instance));
      try {
        const v = await currentSchemaVersion(driver);
        console.log(`database schema version ${v}; this build expects ${SCHEMA_VERSION}${v === SCHEMA_VERSION ? '' : ' — run `ringlens db migrate`'}`);
        process.exitCode = v === SCHEMA_VERSION ? 0 : 3;
      } finally {
        await driver.close();
      }
    });
}
