import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';
import { hashPassword, passwordProblem } from '../../access/passwords.ts';
import { isRole, ROLES, type Role } from '../../access/roles.ts';
import { loadEnv } from '../../config/env.ts';
import { appendAudit } from '../../graph/audit/audit.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { createUser, UserExistsError } from '../../graph/users/users.ts';
import { locateNeo4j } from '../../stack/stack.ts';

/** Reads the password from stdin: piped (first line), or typed at a terminal without echo. */
async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const rl = createInterface({ input });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  process.stderr.write(prompt);
  const rl = createInterface({ input, output: undefined, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

function parseRole(v: string): Role {
  if (!isRole(v)) throw new InvalidArgumentError(`"${v}" is not a role (${ROLES.join(', ')})`);
  return v;
}

function parseUsername(v: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(v)) throw new InvalidArgumentError(`"${v}" is not a username (3-64 of a-z 0-9 . _ -, starting with a letter or digit)`);
  return v;
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('API users (stored in Neo4j)');
  users
    .command('create')
    .description('create a user; the password is read from stdin (piped, or typed without echo). Use it to create the first admin.')
    .argument('<username>', 'login name', parseUsername)
    .option('--role <role>', `one of ${ROLES.join(', ')}`, parseRole, 'admin' as Role)
    .option('--name <displayName>', 'display name (default: the username)')
    .option('--instance <name>', 'local instance to use when NEO4J_URI is not set', 'default')
    .action(async (username: string, o: { role: Role; name?: string; instance: string }) => {
      const password = await readPassword(`password for ${username}: `);
      const problem = passwordProblem(password);
      if (problem) {
        console.error(`password ${problem}`);
        process.exitCode = 2;
        return;
      }
      const driver = createDriver(locateNeo4j(loadEnv(), o.instance));
      try {
        await migrate(driver);
        await createUser(driver, { username, displayName: o.name ?? username, role: o.role, passwordHash: await hashPassword(password) });
        await appendAudit(driver, {
          actor: `cli:${process.env.USER ?? 'unknown'}`,
          role: null,
          action: 'user-create',
          target: `user:${username}`,
          outcome: 'success',
          ip: null,
          userAgent: 'ringlens users create',
          method: null,
          path: null,
          details: { role: o.role },
        });
        console.log(`created ${o.role} ${username}`);
      } catch (e) {
        if (e instanceof UserExistsError) {
          console.error(e.message);
          process.exitCode = 3;
          return;
        }
        throw e;
      } finally {
        await driver.close();
      }
    });
}
