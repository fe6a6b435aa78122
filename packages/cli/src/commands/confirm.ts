import { UsageError } from '../errors/exit-codes.js';

/**
 * Asks a yes/no question on the terminal (default no). Without a terminal on standard input
 * there is nobody to ask: throws a UsageError telling to pass `--yes`.
 */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError(`${question.replace(/\?$/, '')}: not on a terminal, so give --yes to go ahead`);
  // Loaded when asked: the commands that import this one mostly never ask.
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
