import type { Command } from 'commander';
import { action } from '../run-action.js';

/** share, unshare, members. */
export function registerSharingCommands(program: Command): void {
  program
    .command('share')
    .description('share an image with a user (owner or admin)')
    .argument('<id>', 'image id')
    .argument('<user>', "the user's access key")
    .action(
      action(async (context, id: string, user: string) => {
        await (await context.client()).members.add(id, user);
        context.output.message(`shared ${id} with ${user}`, { shared: { image: id, member: user } });
      }),
    );
  program
    .command('unshare')
    .description('stop sharing an image with a user')
    .argument('<id>', 'image id')
    .argument('<user>', "the user's access key")
    .action(
      action(async (context, id: string, user: string) => {
        await (await context.client()).members.remove(id, user);
        context.output.message(`stopped sharing ${id} with ${user}`, { unshared: { image: id, member: user } });
      }),
    );
  program
    .command('members')
    .description('the users an image is shared with')
    .argument('<id>', 'image id')
    .action(
      action(async (context, id: string) => {
        const members = await (await context.client()).members.list(id);
        await context.output.rows(members, ['access_key', 'created_at'], { members });
      }),
    );
}
