import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_MODULES } from '../../cli/program.ts';

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

describe('the ringlens CLI', async () => {
  const commands = allCommands(await buildProgram());

  it('loads only the module of the command it runs, and each module registers the names listed for it', async () => {
    for (const m of COMMAND_MODULES) {
      const program = await buildProgram(['node', 'ringlens', m.names.at(-1)!, '--help']);
      expect(program.commands.map((c) => c.name())).toEqual(m.names);
    }
    // help, and a name that is no command, list every command
    expect((await buildProgram(['node', 'ringlens', '--help'])).commands.map((c) => c.name())).toEqual(COMMAND_MODULES.flatMap((m) => m.names));
    expect((await buildProgram(['node', 'ringlens', 'detct'])).commands).toHaveLength(commands[0]!.commands.length);
  });

  it('has the foundation subcommands', () => {
    const paths = commands.map((c) => {
      const names: string[] = [];
      for (let x: Command | null = c; x; x = x.parent) names.unshift(x.name());
      return names.join(' ');
    });
    for (const p of ['ringlens neo4j start', 'ringlens neo4j stop', 'ringlens neo4j status', 'ringlens redis start', 'ringlens db migrate', 'ringlens serve', 'ringlens worker', 'ringlens demo', 'ringlens down', 'ringlens jobs ping']) {
      expect(paths).toContain(p);
    }
  });

  it('describes every command in its --help', () => {
    for (const c of commands) {
      expect(c.description().length, `${c.name()} has no description`).toBeGreaterThan(10);
      expect(c.helpInformation()).toContain('-h, --help');
    }
  });
});
