import { Command, CommanderError } from 'commander';
import { registerCompletionCommand } from './commands/completion.js';
import { registerImageCommands } from './commands/images.js';
import { registerLoginCommands } from './commands/login.js';
import { registerServerCommands } from './commands/server.js';
import { registerServerInfoCommands } from './commands/server-info.js';
import { registerSharingCommands } from './commands/sharing.js';
import { registerTrackingCommands } from './commands/tracking.js';
import { registerTransferCommands } from './commands/transfers.js';
import { registerUserCommands } from './commands/users.js';
import { EXIT } from './errors/exit-codes.js';
import { action } from './run-action.js';
import { CLI_VERSION } from './version.js';

/** The `visor` command tree. `ui` starts the interactive UI, imported only then. */
export function buildProgram(): Command {
  const program = new Command('visor')
    .description('Command line and terminal UI for the Visor image service. Run without a command on a terminal for the UI.')
    .version(CLI_VERSION, '-V, --version')
    .option('--url <url>', 'server URL (else VISOR_URL, else the profile)')
    .option('--profile <name>', 'profile of ~/.visor/credentials (else VISOR_PROFILE, else default)')
    .option('--json', 'print one JSON document')
    .option('-q, --quiet', 'no progress bar or notes on standard error')
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .exitOverride();
  program.configureHelp({ sortSubcommands: false });
  registerLoginCommands(program);
  registerImageCommands(program);
  registerTransferCommands(program);
  registerSharingCommands(program);
  registerTrackingCommands(program);
  registerServerInfoCommands(program);
  registerUserCommands(program);
  registerServerCommands(program);
  registerCompletionCommand(program);
  program
    .command('ui')
    .description('the interactive terminal UI')
    .action(
      action(async (context) => {
        const { runUi } = await import('./tui/run-ui.js');
        await runUi(await context.settings());
      }),
    );
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the command line; resolves with the exit status (2 for usage errors Commander reports). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for is success; help shown because a command is missing (commander.help) is a usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    throw error;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
}
