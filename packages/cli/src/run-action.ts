import type { Command } from 'commander';
import { CommandContext } from './context.js';
import { describeError } from './errors/exit-codes.js';

/**
 * Wraps a command's action: builds its context, and turns any error into one line on standard
 * error (`visor: <code> (HTTP <status>): <message>`, the stack only with `--debug`) and an exit status.
 */
export function action<A extends unknown[]>(run: (context: CommandContext, ...args: A) => Promise<void>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args.at(-1) as Command;
    const context = new CommandContext(command);
    try {
      // Commander passes the positional arguments, the options, then the command.
      await run(context, ...(args.slice(0, -1) as A));
    } catch (error) {
      const { message, exitCode } = describeError(error);
      process.stderr.write(`visor: ${message}\n`);
      if (context.options.debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exitCode = exitCode;
    }
  };
}
