import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { logger } from '../config/logger.ts';
import { readJson, writeJsonAtomic } from './files.ts';
import { runMaven } from './maven.ts';

/**
 * The Neo4j Graph Data Science library (OpenGDS, GPLv3) as a plugin for our own Neo4j, assembled
 * from Maven Central. Neo4j's download site is not reachable from here and the shaded
 * `open-gds.jar` is not on Maven Central, but its modules are (`org.neo4j.gds:*`). The official
 * jar is what GDS's `open-packaging` module shades together, so we ask Maven for the same four
 * modules and their dependencies:
 * - `proc`: the procedures (`gds.graph.project`, `gds.louvain.*`, …);
 * - `opengds-extension`: the kernel extension that registers the component every procedure
 *   injects — without it the server refuses to start ("GraphDataScienceProcedures … is not a
 *   known injectable component");
 * - `proc-sysinfo` (`gds.version()`, `gds.debug.sysInfo()`) and `open-write-services`.
 *
 * Only 2.13.x is built for Neo4j 5.26; of that line Maven Central has all four modules only at
 * 2.13.9 (later 2.13 patches exist for some modules only). 2.26.0 targets Neo4j 2025.x.
 */
export const GDS_VERSION = '2.13.9';
const GDS_ARTIFACTS = ['proc', 'opengds-extension', 'proc-sysinfo', 'open-write-services'];
const NEO4J_LINE_FOR_GDS_2_13 = /^5\.26\.\d+$/;

export interface GdsPlugin {
  gdsVersion: string;
  neo4jVersion: string;
  /** GDS's own jars: Neo4j scans this folder for procedures (`server.directories.plugins`). */
  pluginsDir: string;
  /** GDS's third-party dependencies that Neo4j does not ship; classpath only, never scanned. */
  libDir: string;
}

interface Marker {
  gdsVersion: string;
  neo4jVersion: string;
  pluginJars: number;
  libJars: number;
  /** Dependencies left out because Neo4j ships the same artifact (its version is the one loaded). */
  providedByNeo4j: string[];
  downloadedAt: string;
  downloadSeconds: number;
}

/** One folder per GDS and Neo4j version: which jars are left out depends on what that Neo4j ships. */
export function gdsPluginDir(cacheDir: string, gdsVersion: string, neo4jVersion: string): string {
  return path.join(cacheDir, 'neo4j', 'gds', `${gdsVersion}-neo4j-${neo4jVersion}`);
}

export function assertGdsSupports(gdsVersion: string, neo4jVersion: string): void {
  if (gdsVersion.startsWith('2.13.') && !NEO4J_LINE_FOR_GDS_2_13.test(neo4jVersion)) {
    throw new Error(`GDS ${gdsVersion} is built for Neo4j 5.26.x, but the server jars are Neo4j ${neo4jVersion} (NEO4J_VERSION_RANGE)`);
  }
}

export function cachedGdsPlugin(cacheDir: string, neo4jVersion: string, gdsVersion = GDS_VERSION): GdsPlugin | undefined {
  const dir = gdsPluginDir(cacheDir, gdsVersion, neo4jVersion);
  const marker = readJson<Marker>(path.join(dir, 'complete.json'));
  if (!marker) return undefined;
  const plugin = layout(dir, gdsVersion, neo4jVersion);
  const count = (d: string) => (existsSync(d) ? readdirSync(d).length : -1);
  if (count(plugin.pluginsDir) !== marker.pluginJars || count(plugin.libDir) !== marker.libJars) return undefined;
  return plugin;
}

/** Downloads (first time only) and lays out the plugin for the given Neo4j server version. */
export async function ensureGdsPlugin(cacheDir: string, neo4jVersion: string, gdsVersion = GDS_VERSION): Promise<GdsPlugin & { downloaded: boolean }> {
  assertGdsSupports(gdsVersion, neo4jVersion);
  const cached = cachedGdsPlugin(cacheDir, neo4jVersion, gdsVersion);
  if (cached) {
    logger().info({ gdsVersion, neo4jVersion, dir: cached.pluginsDir }, 'reusing cached GDS plugin jars (no download)');
    return { ...cached, downloaded: false };
  }
  const dir = gdsPluginDir(cacheDir, gdsVersion, neo4jVersion);
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  logger().info({ gdsVersion, neo4jVersion, dir }, 'fetching the Graph Data Science plugin from Maven Central with mvn (first use only)');
  const started = Date.now();
  const mvnLog = path.join(work, 'mvn.log');
  const gdsPom = path.join(work, 'pom.xml');
  const neo4jPom = path.join(work, 'neo4j-server.pom.xml');
  writeFileSync(gdsPom, pom('gds-plugin-jars', GDS_ARTIFACTS.map((a) => ({ groupId: 'org.neo4j.gds', artifactId: a, version: gdsVersion }))));
  writeFileSync(neo4jPom, pom('neo4j-server-artifacts', [{ groupId: 'org.neo4j', artifactId: 'neo4j', version: neo4jVersion }]));

  const gdsList = path.join(work, 'gds-artifacts.txt');
  const neo4jList = path.join(work, 'neo4j-artifacts.txt');
  const all = path.join(work, 'all');
  await runMaven(['-B', '-f', gdsPom, 'dependency:list', '-DincludeScope=runtime', `-DoutputFile=${gdsList}`], mvnLog);
  await runMaven(['-B', '-f', neo4jPom, 'dependency:list', '-DincludeScope=runtime', `-DoutputFile=${neo4jList}`], mvnLog);
  // Group ids in the file names: GDS has artifacts named like Neo4j's own (`annotations`,
  // `neo4j-values`) that are different libraries.
  await runMaven(['-B', '-f', gdsPom, 'dependency:copy-dependencies', '-DincludeScope=runtime', '-Dmdep.prependGroupId=true', `-DoutputDirectory=${all}`], mvnLog);

  const neo4jShips = new Set(parseDependencyList(readFileSync(neo4jList, 'utf8')).map(groupAndArtifact));
  const plugin = layout(work, gdsVersion, neo4jVersion);
  mkdirSync(plugin.pluginsDir);
  mkdirSync(plugin.libDir);
  const providedByNeo4j: string[] = [];
  for (const a of parseDependencyList(readFileSync(gdsList, 'utf8'))) {
    const file = path.join(all, jarFileName(a));
    if (!existsSync(file)) throw new Error(`mvn listed ${a.coordinates} but ${file} was not copied; see ${mvnLog}`);
    if (neo4jShips.has(groupAndArtifact(a))) {
      // Neo4j's copy is on the classpath first and would win anyway; a second version only invites
      // "which one got loaded" surprises.
      providedByNeo4j.push(a.coordinates);
      continue;
    }
    renameSync(file, path.join(a.groupId === 'org.neo4j.gds' ? plugin.pluginsDir : plugin.libDir, jarFileName(a)));
  }
  rmSync(all, { recursive: true, force: true });
  const pluginJars = readdirSync(plugin.pluginsDir).length;
  const libJars = readdirSync(plugin.libDir).length;
  if (!readdirSync(plugin.pluginsDir).some((j) => j.startsWith('org.neo4j.gds.opengds-extension-'))) {
    throw new Error(`mvn finished but the opengds-extension jar is not in ${plugin.pluginsDir}; see ${mvnLog}`);
  }
  const seconds = (Date.now() - started) / 1000;
  writeJsonAtomic(path.join(work, 'complete.json'), {
    gdsVersion,
    neo4jVersion,
    pluginJars,
    libJars,
    providedByNeo4j,
    downloadedAt: new Date().toISOString(),
    downloadSeconds: seconds,
  } satisfies Marker);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  renameSync(work, dir);
  logger().info({ gdsVersion, pluginJars, libJars, providedByNeo4j: providedByNeo4j.length, seconds }, 'GDS plugin jars cached');
  return { ...layout(dir, gdsVersion, neo4jVersion), downloaded: true };
}

function layout(dir: string, gdsVersion: string, neo4jVersion: string): GdsPlugin {
  return { gdsVersion, neo4jVersion, pluginsDir: path.join(dir, 'plugins'), libDir: path.join(dir, 'lib') };
}

export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  classifier?: string;
  version: string;
  coordinates: string;
}

/**
 * Parses the file `mvn dependency:list -DoutputFile=…` writes: one `group:artifact:type[:classifier]:version:scope`
 * per line (newer plugin versions append ` -- module …`), after a header line.
 */
export function parseDependencyList(text: string): MavenArtifact[] {
  const out: MavenArtifact[] = [];
  for (const line of text.split('\n')) {
    const coordinates = line.trim().split(/\s+/)[0] ?? '';
    const parts = coordinates.split(':');
    if (parts.length === 5) {
      const [groupId, artifactId, , version] = parts as [string, string, string, string, string];
      out.push({ groupId, artifactId, version, coordinates });
    } else if (parts.length === 6) {
      const [groupId, artifactId, , classifier, version] = parts as [string, string, string, string, string, string];
      out.push({ groupId, artifactId, classifier, version, coordinates });
    }
  }
  return out;
}

const groupAndArtifact = (a: MavenArtifact) => `${a.groupId}:${a.artifactId}`;

/** The name `dependency:copy-dependencies -Dmdep.prependGroupId=true` gives a jar. */
export function jarFileName(a: MavenArtifact): string {
  return `${a.groupId}.${a.artifactId}-${a.version}${a.classifier ? `-${a.classifier}` : ''}.jar`;
}

function pom(artifactId: string, deps: { groupId: string; artifactId: string; version: string }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by ringlens: resolves the Graph Data Science plugin jars from Maven Central. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ringlens.local</groupId>
  <artifactId>${artifactId}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${deps.map((d) => `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version></dependency>`).join('\n')}
  </dependencies>
</project>
`;
}
