import { VisorError, type VisorErrorOptions } from './visor-error.js';

/** The configuration is invalid; `key` is the dotted path of the bad setting. */
export class ConfigError extends VisorError {
  readonly key: string | undefined;
  constructor(key: string | undefined, message: string, options: VisorErrorOptions = {}) {
    super('ConfigError', key === undefined ? `configuration: ${message}` : `configuration '${key}': ${message}`, {
      ...options,
      details: { ...(key === undefined ? {} : { key }), ...options.details },
    });
    this.key = key;
  }
}

/** A configured plugin is not installed; the message names what to install. */
export class PluginNotFoundError extends VisorError {
  readonly plugin: string;
  readonly candidates: readonly string[];
  constructor(plugin: string, candidates: readonly string[], options?: VisorErrorOptions) {
    super(
      'PluginNotFound',
      `plugin '${plugin}' is not installed: install ${candidates.map((c) => `'${c}'`).join(' or ')} (npm install ${candidates[0]})`,
      { ...options, details: { plugin, candidates } },
    );
    this.plugin = plugin;
    this.candidates = candidates;
  }
}

/** A plugin was found but is not a valid Visor plugin, or failed to set up. */
export class PluginError extends VisorError {
  readonly plugin: string;
  constructor(plugin: string, message: string, options?: VisorErrorOptions) {
    super('PluginError', `plugin '${plugin}': ${message}`, { ...options, details: { plugin } });
    this.plugin = plugin;
  }
}
