import assert from 'node:assert/strict';
import { afterEach } from 'node:test';
import { silentLogger } from '@visor/plugin-api';
import { startWebHdfsEmulator, type WebHdfsEmulator, type WebHdfsEmulatorOptions } from '@visor/webhdfs-emulator';
import hdfsBackendPlugin, { HdfsBackend, type HdfsBackendOptions } from '../../src/index.js';

/** The store directory the tests use. */
export const DIRECTORY = '/visor/images';
export const USER = 'visor';
/** The image id the tests store under. */
export const KEY = 'c0ffee00-1111-4222-8333-444455556666';

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

/** What the tests of a describe block open, closed after each of them. */
export interface EmulatedStores {
  /** `emulatedStore`, closed (store, then emulator) after the test. */
  start(emulatorOptions?: WebHdfsEmulatorOptions, backendOptions?: Partial<HdfsBackendOptions>): Promise<{ emulator: WebHdfsEmulator; backend: HdfsBackend }>;
  /** Closes an emulator or store the test made itself after it; returns it. */
  closing<T extends { close(): Promise<void> }>(thing: T): T;
}

/**
 * For the tests of the describe block it is called in (call it in the block's body): what they
 * open through it is closed after each test (an `afterEach` hook), passed or failed, the last
 * opened first.
 */
export function emulatedStores(): EmulatedStores {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (let thing = open.pop(); thing !== undefined; thing = open.pop()) await thing.close();
  });
  const closing = <T extends { close(): Promise<void> }>(thing: T): T => {
    open.push(thing);
    return thing;
  };
  return {
    async start(emulatorOptions = {}, backendOptions = {}) {
      const { emulator, backend } = await emulatedStore(emulatorOptions, backendOptions);
      return { emulator: closing(emulator), backend: closing(backend) };
    },
    closing,
  };
}
