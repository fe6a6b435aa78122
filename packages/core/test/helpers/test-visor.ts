import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@visor/test-support';
import { createVisor, type Visor } from '../../src/index.js';
import { createLogger, type Logger } from '../../src/util/logger.js';

export interface TestVisor {
  visor: Visor;
  url: string;
  dataDir: string;
  logs: string[];
  close(): Promise<void>;
}

/** Captures log lines so tests can assert on them without noise. */
export function memoryLogger(lines: string[]): Logger {
  return createLogger('debug', { write: (chunk: string) => lines.push(chunk) });
}

/** A fresh data directory; the caller removes it (`removeTempDir`), or the test process's exit does. */
export async function makeDataDir(): Promise<string> {
  return makeTempDir('visor-core-test-');
}

/** A real Visor over loopback on a free port, with SQLite and an fs store in a fresh temp dir. */
export async function startVisor(config: Record<string, unknown> = {}, dataDir?: string): Promise<TestVisor> {
  const dir = dataDir ?? (await makeDataDir());
  const logs: string[] = [];
  // Access control and tracking are tested in their own packages: core tests run without them unless asked.
  const visor = await createVisor({ dataDir: dir, port: 0, plugins: [], ...config }, { logger: memoryLogger(logs) });
  const { url } = await visor.listen();
  return {
    visor,
    url,
    dataDir: dir,
    logs,
    async close() {
      await visor.close();
      if (dataDir === undefined) await removeTempDir(dir);
    },
  };
}

/** Every file under a directory, relative paths (for "nothing left behind" checks). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(current: string, prefix: string) {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(current, entry.name), rel);
      else out.push(rel);
    }
  }
  await walk(dir, '');
  return out.sort();
}

export const X86 = { name: 'Debian 12', architecture: 'x86_64' };
