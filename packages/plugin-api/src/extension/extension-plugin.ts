/**
 * What an extension plugin package exports as its default export: `apply` is
 * called once at start-up with the plugin host and the plugin's configured options.
 */
export interface ExtensionPluginLike {
  readonly kind: 'extension';
  /** Short name, e.g. `tracking`. */
  readonly name: string;
  apply(host: unknown, options: Record<string, unknown>): void | Promise<void>;
}
