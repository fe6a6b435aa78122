import type { BackendPlugin } from '../backend/backend.js';
import type { EncoderPlugin } from '../encoding/encoder.js';
import type { ExtensionPluginLike } from './extension-plugin.js';

export type PluginKind = 'backend' | 'encoder' | 'extension';

/** The plugin object each kind of package exports. */
export interface PluginByKind {
  backend: BackendPlugin;
  encoder: EncoderPlugin;
  extension: ExtensionPluginLike;
}

export type AnyPlugin = PluginByKind[PluginKind];
