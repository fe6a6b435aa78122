import { exceptions } from './remote-exception.js';

/**
 * The components of an absolute HDFS path. As HDFS's Path, repeated and
 * trailing slashes collapse; as DFSUtil.isValidName, `.`, `..` and names
 * with `:` are refused (InvalidPathException, 400).
 */
export function pathComponents(path: string): string[] {
  if (!path.startsWith('/')) throw exceptions.invalidPath(`Invalid path name Path is not absolute: ${path}`);
  const components = path.split('/').filter((part) => part !== '');
  for (const part of components) {
    if (part === '.' || part === '..' || part.includes(':') || part.includes('\0')) {
      throw exceptions.invalidPath(`Invalid path name Invalid file name: ${path}`);
    }
  }
  return components;
}

/** `/a/b` from its components; `/` for none. */
export function joinComponents(components: readonly string[]): string {
  return `/${components.join('/')}`;
}
