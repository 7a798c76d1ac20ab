import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * The top-level commands, by the module that registers them, in the order --help lists them. A run
 * loads only its own command's module: loading them all cost ≈ 2.2 s and 245 MB before any command
 * started (`detect` alone: 0.7 s, 134 MB; `generate` 0.3 s, 84 MB). --help and a name not
 * listed load every module (commander then lists them, or suggests the nearest name); --version none.
 * test/unit/cli.test.ts checks that each module registers exactly the names listed here.
 */
export const COMMAND_MODULES: readonly { names: readonly string[]; load: () => Promise<Register> }[] = [
  { names: ['neo4j', 'redis', 'down'], load: async () => (await import('./commands/stack.ts')).registerStackCommands },
  { names: ['db'], load: async () => (await import('./commands/db.ts')).registerDbCommands },
  { names: ['serve', 'worker', 'demo'], load: async () => (await import('./commands/services.ts')).registerServiceCommands },
  { names: ['jobs'], load: async () => (await import('./commands/jobs.ts')).registerJobCommands },
  { names: ['generate'], load: async () => (await import('./commands/generate.ts')).registerGenerateCommands },
  { names: ['score'], load: async () => (await import('./commands/score.ts')).registerScoreCommands },
  { names: ['ingest'], load: async () => (await import('./commands/ingest.ts')).registerIngestCommands },
  { names: ['detect'], load: async () => (await import('./commands/detect.ts')).registerDetectCommands },
  { names: ['rate'], load: async () => (await import('./commands/rate.ts')).registerRateCommands },
  { names: ['export', 'verify-export', 'export-key'], load: async () => (await import('./commands/export.ts')).registerExportCommands },
  { names: ['schedules', 'reports'], load: async () => (await import('./commands/schedules.ts')).registerScheduleCommands },
  { names: ['users'], load: async () => (await import('./commands/users.ts')).registerUserCommands },
];

/** The program for these arguments (process.argv's shape); without them, every command. */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('ringlens')
    .description('RingLens: find collusive fraud rings in medical-insurance claims')
    .version('0.1.0')
    .showHelpAfterError();
  const first = argv?.slice(2).find((a) => !a.startsWith('-'));
  // the version needs no command at all
  if (first === undefined && argv?.some((a) => a === '-V' || a === '--version')) return program;
  const only = first === undefined ? undefined : COMMAND_MODULES.find((m) => m.names.includes(first));
  for (const m of only ? [only] : COMMAND_MODULES) (await m.load())(program);
  return program;
}
