import assert from 'node:assert/strict';
import { silentLogger } from '@visor/plugin-api';
import { startWebHdfsEmulator, type WebHdfsEmulator, type WebHdfsEmulatorOptions } from '@visor/webhdfs-emulator';
import hdfsBackendPlugin, { HdfsBackend, type HdfsBackendOptions } from '../../src/index.js';

/** The store directory the tests use. */
export const DIRECTORY = '/visor/images';
export const USER = 'visor';

/** The emulator each backend of a test talks to, for the probes. */
const emulators = new WeakMap<HdfsBackend, WebHdfsEmulator>();

/** Builds a store through the plugin's public entry point, as the core does. */
export async function createHdfsBackend(options: Partial<HdfsBackendOptions> & Pick<HdfsBackendOptions, 'namenodes'>, name = 'default'): Promise<HdfsBackend> {
  const backend = await hdfsBackendPlugin.create({ directory: DIRECTORY, user: USER, ...options } as Record<string, unknown>, {
    name,
    dataDir: '/nonexistent',
    baseDir: '/nonexistent',
    optionsKey: `stores.${name}.options`,
    logger: silentLogger,
  });
  assert.ok(backend instanceof HdfsBackend);
  return backend;
}

/** A fresh emulator and a store on it; `emulatorOf` finds the emulator again. */
export async function emulatedStore(
  emulatorOptions: WebHdfsEmulatorOptions = {},
  backendOptions: Partial<HdfsBackendOptions> = {},
): Promise<{ emulator: WebHdfsEmulator; backend: HdfsBackend }> {
  const emulator = await startWebHdfsEmulator(emulatorOptions);
  try {
    emulator.provisionDirectory('/visor', USER);
    const backend = await createHdfsBackend({ namenodes: emulator.namenodeUrls, ...backendOptions });
    emulators.set(backend, emulator);
    return { emulator, backend };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

export function emulatorOf(backend: HdfsBackend): WebHdfsEmulator {
  const emulator = emulators.get(backend);
  assert.ok(emulator, 'this backend was not made by emulatedStore');
  return emulator;
}

/** Every file in the store directory (temporary ones included), as paths relative to it. */
export function storeFiles(emulator: WebHdfsEmulator, directory = DIRECTORY): string[] {
  return emulator.namespace.filesUnder(directory).map((file) => file.path.slice(directory.length + 1));
}
