import { open } from 'node:fs/promises';

/** fsyncs a directory, making a rename inside it durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
