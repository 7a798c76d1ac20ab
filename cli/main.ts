import { buildProgram } from './program.ts';
import { isLongRunning } from './shutdown.ts';

const program = await buildProgram(process.argv);

try {
  await program.parseAsync(process.argv);
  // One-shot commands end here even if a client library left a socket open;
  // long-running ones (serve, worker, demo) registered a shutdown handler and stay up.
  if (!isLongRunning()) process.exit(process.exitCode ?? 0);
} catch (err) {
  console.error(`ringlens: ${(err as Error).message}`);
  process.exit(1);
}
