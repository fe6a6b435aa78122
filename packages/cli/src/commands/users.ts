import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Role, UserWithSecret } from '@visor/client';
import type { CommandContext } from '../context.js';
import { CliError, EXIT } from '../errors/exit-codes.js';
import { action } from '../run-action.js';
import { confirm } from './confirm.js';

const USER_COLUMNS = ['access_key', 'email', 'role', 'created_at'];

function role(value: string): Role {
  if (value === 'admin' || value === 'user') return value;
  throw new InvalidArgumentError(`must be admin or user; got '${value}'`);
}

/** Prints a user with its secret key: the one time it is ever shown. */
function showSecret(context: CommandContext, user: UserWithSecret): void {
  context.output.record(user, { user });
  if (context.output.mode !== 'json') context.note('the secret key is shown this once: keep it now');
}

/** `visor users list|add|show|update|delete|rotate` (admins). */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('manage users (admins)');
  users
    .command('list')
    .description('every user')
    .action(
      action(async (context) => {
        const list = await (await context.client()).users.list();
        await context.output.rows(list, USER_COLUMNS, { users: list });
      }),
    );
  users
    .command('add')
    .description('create a user; prints its secret key once')
    .argument('<access_key>', '3 to 64 letters, digits, ., _ or -')
    .requiredOption('--email <address>', "the user's e-mail address")
    .option('--role <admin|user>', 'role (default user)', role)
    .action(
      action(async (context, accessKey: string, flags: { email: string; role?: Role }) => {
        const created = await (await context.client()).users.create({ access_key: accessKey, email: flags.email, ...(flags.role ? { role: flags.role } : {}) });
        showSecret(context, created);
      }),
    );
  users
    .command('show')
    .description('one user')
    .argument('<access_key>')
    .action(
      action(async (context, accessKey: string) => {
        const user = await (await context.client()).users.get(accessKey);
        context.output.record(user, { user });
      }),
    );
  users
    .command('update')
    .description("change a user's e-mail or role")
    .argument('<access_key>')
    .option('--email <address>', 'new e-mail address')
    .option('--role <admin|user>', 'new role', role)
    .action(
      action(async (context, accessKey: string, flags: { email?: string; role?: Role }) => {
        if (flags.email === undefined && flags.role === undefined) throw new CliError('nothing to change: give --email or --role', EXIT.usage);
        const user = await (await context.client()).users.update(accessKey, flags);
        context.output.record(user, { user });
      }),
    );
  users
    .command('delete')
    .description('delete a user; its key stops working at once, its images stay')
    .argument('<access_key>')
    .option('-y, --yes', 'do not ask')
    .action(
      action(async (context, accessKey: string, flags: { yes?: boolean }) => {
        if (!flags.yes && !(await confirm(`Delete user '${accessKey}'?`))) throw new CliError('nothing deleted', EXIT.failure);
        await (await context.client()).users.delete(accessKey);
        context.output.message(`deleted user ${accessKey}`, { deleted: accessKey });
      }),
    );
  users
    .command('rotate')
    .description('a new secret key for a user, printed once; the old one stops working')
    .argument('<access_key>')
    .action(
      action(async (context, accessKey: string) => {
        showSecret(context, await (await context.client()).users.rotate(accessKey));
      }),
    );
}
