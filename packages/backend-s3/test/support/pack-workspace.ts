import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The monorepo's root. */
export const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

async function manifest(directory: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(ROOT, 'packages', directory, 'package.json'), 'utf8')) as Manifest;
}

/** `@visor/<name>` packages of this workspace, by package name → folder under packages/. */
async function workspacePackages(): Promise<Map<string, string>> {
  const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  const byName = new Map<string, string>();
  for (const workspace of root.workspaces) {
    const folder = workspace.replace(/^packages\//, '');
    byName.set((await manifest(folder)).name, folder);
  }
  return byName;
}

/**
 * The workspace packages `names` need at run time, themselves included:
 * dependencies and peer dependencies that are packages of this workspace,
 * followed transitively (third-party packages come from the registry).
 */
export async function runtimeClosure(names: readonly string[]): Promise<string[]> {
  const byName = await workspacePackages();
  const wanted = new Set<string>();
  const visit = async (name: string) => {
    if (wanted.has(name) || !byName.has(name)) return;
    wanted.add(name);
    const { dependencies = {}, peerDependencies = {} } = await manifest(byName.get(name)!);
    for (const dependency of [...Object.keys(dependencies), ...Object.keys(peerDependencies)]) await visit(dependency);
  };
  for (const name of names) await visit(name);
  return [...wanted].sort().map((name) => byName.get(name)!);
}

/** `npm pack`s the given workspace folders into `destination`; resolves to the tarballs' paths. */
export async function packFolders(folders: readonly string[], destination: string): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination, ...folders.map((f) => join(ROOT, 'packages', f))], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as Array<{ filename: string }>).map((entry) => join(destination, entry.filename));
}
