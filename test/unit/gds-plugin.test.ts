import { describe, expect, it } from 'vitest';
import { assertGdsSupports, jarFileName, parseDependencyList } from '../../stack/gds-plugin.ts';

// Shaped like the file `mvn dependency:list -DoutputFile=…` writes (maven-dependency-plugin 3.x).
const LISTING = `
The following files have been resolved:
   org.neo4j.gds:proc-community:jar:2.13.9:compile
   com.fasterxml.jackson.core:jackson-core:jar:2.18.6:runtime -- module com.fasterxml.jackson.core
   io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.1.137.Final:compile
   org.javassist:javassist:jar:3.28.0-GA:runtime

`;

describe('GDS plugin assembly from Maven output', () => {
  it('reads group, artifact, classifier and version of every listed jar', () => {
    const list = parseDependencyList(LISTING);
    expect(list.map((a) => [a.groupId, a.artifactId, a.classifier, a.version])).toEqual([
      ['org.neo4j.gds', 'proc-community', undefined, '2.13.9'],
      ['com.fasterxml.jackson.core', 'jackson-core', undefined, '2.18.6'],
      ['io.netty', 'netty-transport-native-epoll', 'linux-x86_64', '4.1.137.Final'],
      ['org.javassist', 'javassist', undefined, '3.28.0-GA'],
    ]);
  });

  it('names jars the way copy-dependencies does with the group id prepended', () => {
    const [proc, , epoll] = parseDependencyList(LISTING);
    expect(jarFileName(proc!)).toBe('org.neo4j.gds.proc-community-2.13.9.jar');
    expect(jarFileName(epoll!)).toBe('io.netty.netty-transport-native-epoll-4.1.137.Final-linux-x86_64.jar');
  });

  it('refuses GDS 2.13 for a Neo4j outside the 5.26 line, naming both versions', () => {
    expect(() => assertGdsSupports('2.13.9', '5.26.30')).not.toThrow();
    expect(() => assertGdsSupports('2.13.9', '5.25.1')).toThrow(/GDS 2\.13\.9 is built for Neo4j 5\.26\.x, but the server jars are Neo4j 5\.25\.1/);
  });
});
