/** The version of @visor/cli (kept equal to package.json's). */
export const CLI_VERSION = '0.1.0';
