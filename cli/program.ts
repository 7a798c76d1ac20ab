import { Command } from 'commander';
import { registerDbCommands } from './commands/db.ts';
import { registerDetectCommands } from './commands/detect.ts';
import { registerExportCommands } from './commands/export.ts';
import { registerGenerateCommands } from './commands/generate.ts';
import { registerIngestCommands } from './commands/ingest.ts';
import { registerJobCommands } from './commands/jobs.ts';
import { registerRateCommands } from './commands/rate.ts';
import { registerScheduleCommands } from './commands/schedules.ts';
import { registerScoreCommands } from './commands/score.ts';
import { registerServiceCommands } from './commands/services.ts';
import { registerStackCommands } from './commands/stack.ts';
import { registerUserCommands } from './commands/users.ts';

export function buildProgram(): Command {
  const program = new Command('ringlens')
    .description('RingLens: find collusive fraud rings in medical-insurance claims')
    .version('0.1.0')
    .showHelpAfterError();
  registerStackCommands(program);
  registerDbCommands(program);
  registerServiceCommands(program);
  registerJobCommands(program);
  registerGenerateCommands(program);
  registerScoreCommands(program);
  registerIngestCommands(program);
  registerDetectCommands(program);
  registerRateCommands(program);
  registerExportCommands(program);
  registerScheduleCommands(program);
  registerUserCommands(program);
  return program;
}
