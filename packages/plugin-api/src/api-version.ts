/**
 * The version of the plugin API this package defines, `major.minor`. A plugin
 * declares the version it was built for as a literal (`apiVersion: '1.0'`):
 * the core refuses a plugin of another major version, and one needing a newer
 * minor version than it has. A change that breaks plugins raises the major
 * version; an addition raises the minor one.
 */
export const PLUGIN_API_VERSION = '1.0';

/** Why a plugin built for `declared` cannot run on this API, or undefined when it can. */
export function apiVersionProblem(declared: string, current: string = PLUGIN_API_VERSION): string | undefined {
  const parse = (version: string) => /^(\d+)\.(\d+)$/.exec(version);
  const wanted = parse(declared);
  const have = parse(current);
  if (!wanted || !have) return `apiVersion must be 'major.minor' (e.g. '${current}'); found '${declared}'`;
  if (wanted[1] !== have[1]) {
    return `it was built for plugin API ${declared}, and this Visor runs plugin API ${current}: a different major version (install a release of the plugin built for ${have[1]}.x)`;
  }
  if (Number(wanted[2]) > Number(have[2])) {
    return `it was built for plugin API ${declared}, newer than this Visor's plugin API ${current}: upgrade @visor/core`;
  }
  return undefined;
}
