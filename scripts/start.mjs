// npm start: runs the server (packages/core/bin/visor-server.js), compiling TypeScript first only when
// a package's sources are newer than its last build (dist/tsconfig.tsbuildinfo), so a start after
// `npm ci` (which builds) does not wait on the compiler. Arguments after `npm start --` go to the server.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time (ms) of the files under `path`, or of `path` itself; 0 when it does not exist. */
function newest(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stats.mtimeMs);
}

function stalePackages() {
  const { references } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  const base = newest(join(root, 'tsconfig.base.json'));
  return references
    .map(({ path }) => join(root, path))
    .filter((dir) => {
      const built = newest(join(dir, 'dist', 'tsconfig.tsbuildinfo'));
      const sources = Math.max(base, newest(join(dir, 'src')), newest(join(dir, 'test')), newest(join(dir, 'tsconfig.json')));
      return built === 0 || sources > built;
    });
}

const stale = stalePackages();
if (stale.length > 0) {
  console.error(`visor: sources changed in ${stale.map((dir) => dir.slice(root.length)).join(', ')}: compiling (tsc -b)`);
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
await import(new URL('../packages/core/bin/visor-server.js', import.meta.url).href);
