import type { AnyPlugin, VisorHooks } from '@visor/plugin-api';
import type { VisorConfig } from '../config/index.js';
import { loadPlugin } from '../plugins/load-plugin.js';
import { EncoderRegistry } from './encoder-registry.js';

/** Loads the configured encoders, in order (the first answers by default), onto the encode/decode hooks. */
export async function loadEncoders(config: VisorConfig, hooks: VisorHooks, loaded: (name: string, plugin: AnyPlugin) => void): Promise<EncoderRegistry> {
  const encoders = new EncoderRegistry(hooks);
  for (const encoder of config.encoders) {
    const plugin = encoder.plugin ?? (await loadPlugin(encoder.name, 'encoder', config.baseDir)).plugin;
    loaded(encoder.name, plugin);
    encoders.add(plugin);
  }
  return encoders;
}
