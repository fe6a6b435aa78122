import type { BackendPlugin, EncoderPlugin, ExtensionPlugin } from '@visor/plugin-api';

export type PluginKind = 'backend' | 'encoder' | 'extension';

/** The plugin object each kind of package exports. */
export interface PluginByKind {
  backend: BackendPlugin;
  encoder: EncoderPlugin;
  extension: ExtensionPlugin;
}

export type AnyPlugin = PluginByKind[PluginKind];
