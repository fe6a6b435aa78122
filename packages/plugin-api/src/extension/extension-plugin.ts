import type { PluginErrorCodes } from '../errors/visor-error.js';
import type { PluginHost } from './plugin-host.js';

/**
 * What an extension plugin package exports as its default export: `apply` is
 * called once at start-up with its host and the plugin's configured options.
 * A bad option is reported by throwing ConfigError naming
 * `${host.optionsKey}.<option>`; anything else `apply` throws stops Visor with
 * a PluginError naming the plugin.
 */
export interface ExtensionPlugin<Options = Record<string, unknown>> {
  readonly kind: 'extension';
  /** Short name, e.g. `tracking`. */
  readonly name: string;
  /** The plugin API version the package was built for, `major.minor` (see PLUGIN_API_VERSION). */
  readonly apiVersion?: string;
  /** Error codes the plugin's errors use beyond the core's, with their HTTP statuses. */
  readonly errorCodes?: PluginErrorCodes;
  apply(host: PluginHost, options: Options): void | Promise<void>;
}

/** @deprecated since plugin API 1.0: `ExtensionPlugin`. */
export type ExtensionPluginLike = ExtensionPlugin;
