import type { BackendPlugin } from '../backend/backend.js';
import type { EncoderPlugin } from '../encoder/encoder.js';
import type { ExtensionPlugin } from '../extension/extension-plugin.js';

export type PluginKind = 'backend' | 'encoder' | 'extension';

/** The plugin object each kind of package exports. */
export interface PluginByKind {
  backend: BackendPlugin;
  encoder: EncoderPlugin;
  extension: ExtensionPlugin;
}

export type AnyPlugin = PluginByKind[PluginKind];
