import { Writable } from 'node:stream';

/**
 * Asks for one line on the terminal (prompt on standard error). With `hidden`, what is typed
 * is not echoed (for secret keys).
 */
export async function prompt(question: string, hidden = false): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stderr.write(chunk as Buffer);
      callback();
    },
  });
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true });
  try {
    const answer = rl.question(question);
    muted = hidden;
    return (await answer).trim();
  } finally {
    rl.close();
    if (hidden) process.stderr.write('\n');
  }
}

/** Reads all of standard input (for `--secret-key-stdin`), without the final line break. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
