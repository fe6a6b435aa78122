/** The `client` section of the `visor` configuration (cosmiconfig), read only when flags, environment and profile leave a setting open. */
export interface ClientSection {
  url?: string;
  accessKey?: string;
  secretKey?: string;
}

/**
 * Searches the `visor` configuration from the working directory up to the project root
 * (the nearest package.json), as the server does, and returns its `client` section.
 * cosmiconfig is imported here only, so commands that do not need it do not load it.
 */
export async function readClientSection(cwd = process.cwd()): Promise<{ section: ClientSection; file: string } | undefined> {
  const { cosmiconfig } = await import('cosmiconfig');
  const found = await cosmiconfig('visor', { searchStrategy: 'project', cache: false }).search(cwd);
  const client = (found?.config as { client?: unknown } | undefined)?.client;
  if (found === null || client === undefined || client === null || typeof client !== 'object') return undefined;
  const section: ClientSection = {};
  for (const key of ['url', 'accessKey', 'secretKey'] as const) {
    const value = (client as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') section[key] = value;
  }
  return { section, file: found.filepath };
}
