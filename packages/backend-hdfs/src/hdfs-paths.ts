/**
 * The components of an absolute HDFS path, refusing what HDFS refuses
 * (DFSUtil.isValidName: `.`, `..`, `:` in a name) and NUL. Repeated and
 * trailing slashes collapse, as in HDFS's Path.
 */
export function pathComponents(path: string): string[] {
  if (!path.startsWith('/')) throw new Error('not an absolute path');
  const components = path.split('/').filter((part) => part !== '');
  for (const part of components) {
    if (part === '.' || part === '..') throw new Error('must not contain . or .. components');
    if (part.includes(':') || part.includes('\0')) throw new Error('must not contain : or NUL characters');
  }
  return components;
}
