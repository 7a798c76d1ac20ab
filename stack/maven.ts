import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { tail } from './files.ts';

/**
 * Runs one `mvn` invocation with its output appended to a log file (Maven is chatty; the log is
 * only shown when something fails). Rejects with the last lines of the log.
 */
export function runMaven(args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', (err) => reject(new Error(`cannot run mvn: ${err.message} (is Maven installed? apt-get install maven)`)));
    child.on('close', (code) => {
      out.end(() => {
        if (code === 0) resolve();
        else reject(new Error(`mvn ${args.join(' ')} exited with code ${code}\nlast lines of ${logFile}:\n${tail(logFile, 30)}`));
      });
    });
  });
}
