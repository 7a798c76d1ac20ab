import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { keptBoltPort, runningInstance, startNeo4j, stopNeo4j, instanceDir } from '../../stack/neo4j-local.ts';
import { runningRedis, startRedis, stopRedis } from '../../stack/redis-local.ts';
import { cachedDistribution } from '../../stack/neo4j-distribution.ts';
import { parsePort } from '../options.ts';

export function registerStackCommands(program: Command): void {
  const neo4j = program
    .command('neo4j')
    .description('run a project-owned Neo4j 5.26 Community server (jars fetched from Maven Central, cached in .cache/)');

  neo4j
    .command('start')
    .description('download (first time only), configure and start Neo4j in the background; waits until Bolt answers')
    .option('--instance <name>', 'instance name; each has its own store', 'default')
    .option('--port <port>', 'Bolt port, kept across restarts (default: the port the instance kept; 7687 or a free one on its first start; 0: any free port). A taken port is an error', parsePort)
    .option('--fresh', 'delete the instance store first', false)
    .option('--gds', 'load the Graph Data Science plugin (OpenGDS 2.13, fetched from Maven Central on first use)', false)
    .action(async (o: { instance: string; port?: number; fresh: boolean; gds: boolean }) => {
      const env = loadEnv();
      const s = await startNeo4j({
        cacheDir: env.RINGLENS_CACHE_DIR,
        versionRange: env.NEO4J_VERSION_RANGE,
        name: o.instance,
        heap: env.NEO4J_HEAP,
        pageCache: env.NEO4J_PAGECACHE,
        ...(o.port !== undefined ? { preferredPort: o.port } : {}),
        fresh: o.fresh,
        withGds: o.gds,
      });
      console.log(`Neo4j ${s.version}${s.gdsVersion ? ` with GDS ${s.gdsVersion}` : ''} ${s.reused ? 'already running' : 'started'} at ${s.uri} (pid ${s.pid}, ${s.provisionSeconds.toFixed(1)} s, ${s.downloaded ? 'downloaded now' : 'cached jars reused'})`);
      console.log(`  user ${s.user}, password in ${instanceDir({ cacheDir: env.RINGLENS_CACHE_DIR, name: o.instance })}/credentials.json`);
    });

  neo4j
    .command('stop')
    .description('stop the project-owned Neo4j cleanly (SIGTERM, SIGKILL only after 60 s)')
    .option('--instance <name>', 'instance name', 'default')
    .action(async (o: { instance: string }) => {
      const env = loadEnv();
      const how = await stopNeo4j({ cacheDir: env.RINGLENS_CACHE_DIR, name: o.instance });
      console.log(how === 'not-running' ? 'Neo4j was not running' : `Neo4j stopped (${how})`);
    });

  neo4j
    .command('status')
    .description('show whether the project-owned Neo4j runs, where, and which version is cached')
    .option('--instance <name>', 'instance name', 'default')
    .action((o: { instance: string }) => {
      const env = loadEnv();
      const dist = cachedDistribution(env.RINGLENS_CACHE_DIR, env.NEO4J_VERSION_RANGE);
      const s = runningInstance({ cacheDir: env.RINGLENS_CACHE_DIR, name: o.instance });
      console.log(`cached server jars: ${dist ? `Neo4j ${dist.version} (${dist.jarCount} jars)` : 'none yet'}`);
      const kept = keptBoltPort({ cacheDir: env.RINGLENS_CACHE_DIR, name: o.instance });
      console.log(s ? `running: ${s.uri} pid ${s.pid} since ${s.startedAt}${s.gdsVersion ? `, GDS ${s.gdsVersion} loaded` : ''}` : `instance "${o.instance}": not running${kept ? ` (keeps Bolt port ${kept})` : ''}`);
      process.exitCode = s ? 0 : 3;
    });

  const redis = program.command('redis').description('run a project-owned redis-server (when REDIS_URL is not set)');
  redis
    .command('start')
    .description('start redis-server on the loopback port the instance kept (a free one on its first start; a taken kept port is an error)')
    .option('--instance <name>', 'instance name', 'default')
    .option('--aof', 'keep an append-only file so data survives restarts', false)
    .action(async (o: { instance: string; aof: boolean }) => {
      const env = loadEnv();
      const s = await startRedis({ cacheDir: env.RINGLENS_CACHE_DIR, name: o.instance, appendOnly: o.aof });
      console.log(`Redis ${s.reused ? 'already running' : 'started'} at ${s.url} (pid ${s.pid})`);
    });
  redis
    .command('stop')
    .description('stop the project-owned redis-server')
    .option('--instance <name>', 'instance name', 'default')
    .action(async (o: { instance: string }) => {
      const env = loadEnv();
      const how = await stopRedis({ cacheDir: env.RINGLENS_CACHE_DIR, name: o.instance });
      console.log(how === 'not-running' ? 'Redis was not running' : `Redis stopped (${how})`);
    });
  redis
    .command('status')
    .description('show whether the project-owned redis-server runs')
    .option('--instance <name>', 'instance name', 'default')
    .action((o: { instance: string }) => {
      const env = loadEnv();
      const s = runningRedis({ cacheDir: env.RINGLENS_CACHE_DIR, name: o.instance });
      console.log(s ? `running: ${s.url} pid ${s.pid} since ${s.startedAt}` : `instance "${o.instance}": not running`);
      process.exitCode = s ? 0 : 3;
    });

  program
    .command('down')
    .description('stop every project-owned Neo4j and Redis instance')
    .action(async () => {
      const env = loadEnv();
      const { readdirSync } = await import('node:fs');
      const names = (dir: string) => {
        try {
          return readdirSync(dir);
        } catch {
          return [];
        }
      };
      for (const name of names(`${env.RINGLENS_CACHE_DIR}/neo4j/instances`)) {
        const how = await stopNeo4j({ cacheDir: env.RINGLENS_CACHE_DIR, name });
        if (how !== 'not-running') console.log(`Neo4j "${name}" stopped (${how})`);
      }
      for (const name of names(`${env.RINGLENS_CACHE_DIR}/redis`)) {
        const how = await stopRedis({ cacheDir: env.RINGLENS_CACHE_DIR, name });
        if (how !== 'not-running') console.log(`Redis "${name}" stopped (${how})`);
      }
      console.log('nothing of ours is running');
    });
}
