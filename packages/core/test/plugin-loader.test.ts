import assert from 'node:assert/strict';
import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ConfigError, PluginError, PluginNotFoundError } from '@visor/plugin-api';
import { loadPlugin, resolvePlugin } from '../src/plugins/index.js';
import { makeTempDir, removeDir, writeTree } from './fixtures/config/file-tree.js';
import { installFakePackage } from './fixtures/plugins/fake-packages.js';
import {
  SYNTAX_ERROR_SOURCE,
  THROWING_SOURCE,
  backendSource,
  encoderSource,
  extensionSource,
  namespaceExtensionSource,
} from './fixtures/plugins/plugin-sources.js';

let root: string;
let count = 0;

/** A fresh directory per test, so each test's modules have their own URLs. */
async function freshDir(): Promise<string> {
  const dir = join(root, `case-${++count}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

before(async () => {
  root = await makeTempDir('plugins');
});

after(async () => {
  await removeDir(root);
});

describe('loadPlugin: finding packages', () => {
  it('loads a short name from the @visor scope', async () => {
    const base = await freshDir();
    await installFakePackage(base, '@visor/backend-fake', { source: backendSource('fake-scoped') });
    const loaded = await loadPlugin('fake', 'backend', base, { cwd: base });
    assert.equal(loaded.packageName, '@visor/backend-fake');
    assert.equal(loaded.plugin.type, 'fake-scoped');
    assert.equal(loaded.path, join(base, 'node_modules/@visor/backend-fake/index.js'));
  });

  it('falls back to the visor- prefix when the @visor package is absent', async () => {
    const base = await freshDir();
    await installFakePackage(base, 'visor-encoder-csv', { source: encoderSource('csv') });
    const loaded = await loadPlugin('csv', 'encoder', base, { cwd: base });
    assert.equal(loaded.packageName, 'visor-encoder-csv');
    assert.deepEqual(loaded.plugin.mediaTypes, ['application/x-csv']);
  });

  it('prefers the @visor package when both are installed', async () => {
    const base = await freshDir();
    await installFakePackage(base, '@visor/plugin-tracking', { source: extensionSource('scoped') });
    await installFakePackage(base, 'visor-plugin-tracking', { source: extensionSource('prefixed') });
    const loaded = await loadPlugin('tracking', 'extension', base, { cwd: base });
    assert.equal(loaded.plugin.name, 'scoped');
  });

  it('loads a scoped name as written', async () => {
    const base = await freshDir();
    await installFakePackage(base, '@acme/visor-s3', { source: backendSource('s3') });
    const loaded = await loadPlugin('@acme/visor-s3', 'backend', base, { cwd: base });
    assert.equal(loaded.packageName, '@acme/visor-s3');
    assert.equal(loaded.plugin.type, 's3');
  });

  it('walks up the node_modules directories above baseDir', async () => {
    const project = await freshDir();
    await installFakePackage(project, 'visor-backend-up', { source: backendSource('up') });
    const base = join(project, 'config', 'deep');
    await mkdir(base, { recursive: true });
    const loaded = await loadPlugin('up', 'backend', base, { cwd: base });
    assert.equal(loaded.plugin.type, 'up');
  });

  it('looks in the working directory when baseDir has no such package', async () => {
    const base = await freshDir();
    const cwd = await freshDir();
    await installFakePackage(cwd, 'visor-backend-cwd', { source: backendSource('from-cwd') });
    const loaded = await loadPlugin('cwd', 'backend', base, { cwd });
    assert.equal(loaded.plugin.type, 'from-cwd');
  });

  it('prefers baseDir over the working directory', async () => {
    const base = await freshDir();
    const cwd = await freshDir();
    await installFakePackage(base, 'visor-backend-both', { source: backendSource('from-base') });
    await installFakePackage(cwd, 'visor-backend-both', { source: backendSource('from-cwd') });
    const loaded = await loadPlugin('both', 'backend', base, { cwd });
    assert.equal(loaded.plugin.type, 'from-base');
  });

  it("finds the installed @visor/backend-fs by short name through core's own location", async () => {
    // The package may still be a placeholder: only where it resolves is checked, not its shape.
    const base = await freshDir();
    const resolved = await resolvePlugin('fs', 'backend', base, { cwd: base });
    const expected = await realpath(fileURLToPath(new URL('../../../backend-fs/dist/src/index.js', import.meta.url)));
    assert.equal(resolved.packageName, '@visor/backend-fs');
    assert.equal(resolved.path, expected);
  });
});

describe('loadPlugin: paths', () => {
  it('resolves a relative file path against baseDir', async () => {
    const base = await freshDir();
    await writeTree(base, { 'plugins/tracking.mjs': extensionSource('local') });
    const loaded = await loadPlugin('./plugins/tracking.mjs', 'extension', base, { cwd: await freshDir() });
    assert.equal(loaded.plugin.name, 'local');
    assert.equal(loaded.path, join(base, 'plugins/tracking.mjs'));
    assert.equal(loaded.packageName, join(base, 'plugins/tracking.mjs'));
  });

  it('resolves a relative directory through its package.json', async () => {
    const parent = await freshDir();
    const base = join(parent, 'etc');
    await writeTree(parent, {
      'shared/backend/package.json': { name: 'my-backend', type: 'module', main: 'lib/main.js' },
      'shared/backend/lib/main.js': backendSource('local-dir'),
    });
    const loaded = await loadPlugin('../shared/backend', 'backend', base, { cwd: base });
    assert.equal(loaded.packageName, 'my-backend');
    assert.equal(loaded.plugin.type, 'local-dir');
  });

  it('loads an absolute path as written', async () => {
    const dir = await freshDir();
    await writeTree(dir, { 'abs.mjs': encoderSource('abs') });
    const loaded = await loadPlugin(join(dir, 'abs.mjs'), 'encoder', '/nonexistent-base');
    assert.equal(loaded.plugin.name, 'abs');
  });

  it('names the resolved path when a relative path does not exist', async () => {
    const base = await freshDir();
    await assert.rejects(loadPlugin('./missing.js', 'extension', base), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(error.message.includes(join(base, 'missing.js')), error.message);
      return true;
    });
  });
});

describe('loadPlugin: package entry points', () => {
  const cases: Array<{ title: string; manifest: Record<string, unknown>; files: Record<string, string> }> = [
    { title: 'exports as a string', manifest: { exports: './lib/a.js' }, files: { 'lib/a.js': backendSource('ok') } },
    {
      title: 'exports["."] with nested import conditions, skipping types and require',
      manifest: {
        main: './wrong.js',
        exports: { '.': { types: './x.d.ts', require: './wrong.cjs', import: { node: './esm/ok.js' } }, './package.json': './package.json' },
      },
      files: { 'esm/ok.js': backendSource('ok'), 'wrong.js': backendSource('wrong'), 'wrong.cjs': 'module.exports = {};' },
    },
    {
      title: 'top-level conditions with a default',
      manifest: { exports: { require: './wrong.cjs', default: './dist/ok.js' } },
      files: { 'dist/ok.js': backendSource('ok') },
    },
    { title: 'main without an extension', manifest: { main: 'lib/entry' }, files: { 'lib/entry.js': backendSource('ok') } },
    { title: 'main naming a directory', manifest: { main: 'lib' }, files: { 'lib/index.js': backendSource('ok') } },
    { title: 'index.js when there is no main', manifest: {}, files: { 'index.js': backendSource('ok') } },
    {
      title: 'a CommonJS package',
      manifest: { type: 'commonjs', main: 'index.js' },
      files: { 'index.js': "module.exports = { kind: 'backend', type: 'ok', create() { return {}; } };\n" },
    },
    {
      title: 'CommonJS compiled from ESM (exports.default)',
      manifest: { type: 'commonjs', main: 'index.js' },
      files: {
        'index.js':
          "Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = { kind: 'backend', type: 'ok', create() { return {}; } };\n",
      },
    },
  ];
  for (const { title, manifest, files } of cases) {
    it(`finds the entry point from ${title}`, async () => {
      const base = await freshDir();
      await installFakePackage(base, 'visor-backend-entry', { manifest, files });
      const loaded = await loadPlugin('entry', 'backend', base, { cwd: base });
      assert.equal(loaded.plugin.type, 'ok');
    });
  }

  it('takes the namespace when the module has no default export', async () => {
    const base = await freshDir();
    await installFakePackage(base, 'visor-plugin-named', { source: namespaceExtensionSource('named') });
    const loaded = await loadPlugin('named', 'extension', base, { cwd: base });
    assert.equal(loaded.plugin.name, 'named');
    assert.equal(typeof loaded.plugin.apply, 'function');
  });

  it('reports a package whose entry point was not built', async () => {
    const base = await freshDir();
    await installFakePackage(base, 'visor-backend-unbuilt', { manifest: { main: './dist/index.js' }, files: {} });
    await assert.rejects(loadPlugin('unbuilt', 'backend', base, { cwd: base }), (error: unknown) => {
      assert.ok(error instanceof PluginError);
      assert.match(error.message, /dist\/index\.js' does not exist \(is the package built\?\)/);
      return true;
    });
  });
});

describe('loadPlugin: failures', () => {
  // Not 's3': @visor/backend-s3 is installed in this workspace, where core's own node_modules chain finds it.
  it('throws PluginNotFoundError naming both candidate packages', async () => {
    const base = await freshDir();
    await assert.rejects(loadPlugin('nosuchstore', 'backend', base, { cwd: base }), (error: unknown) => {
      assert.ok(error instanceof PluginNotFoundError);
      assert.deepEqual(error.candidates, ['@visor/backend-nosuchstore', 'visor-backend-nosuchstore']);
      assert.equal(
        error.message,
        "plugin 'nosuchstore' is not installed: install '@visor/backend-nosuchstore' or 'visor-backend-nosuchstore' (npm install @visor/backend-nosuchstore)",
      );
      return true;
    });
  });

  it('throws PluginNotFoundError for a missing scoped package', async () => {
    const base = await freshDir();
    await assert.rejects(loadPlugin('@acme/not-there', 'extension', base, { cwd: base }), (error: unknown) => {
      assert.ok(error instanceof PluginNotFoundError);
      assert.deepEqual(error.candidates, ['@acme/not-there']);
      return true;
    });
  });

  it('wraps a syntax error in a PluginError with the cause', async () => {
    const base = await freshDir();
    await installFakePackage(base, 'visor-backend-syntax', { source: SYNTAX_ERROR_SOURCE });
    await assert.rejects(loadPlugin('syntax', 'backend', base, { cwd: base }), (error: unknown) => {
      assert.ok(error instanceof PluginError);
      assert.equal(error.plugin, 'syntax');
      assert.ok(error.cause instanceof SyntaxError);
      assert.match(error.message, /visor-backend-syntax failed to load from '.*index\.js'/);
      return true;
    });
  });

  it('wraps an error thrown while importing in a PluginError with the cause', async () => {
    const base = await freshDir();
    await installFakePackage(base, 'visor-plugin-throws', { source: THROWING_SOURCE });
    await assert.rejects(loadPlugin('throws', 'extension', base, { cwd: base }), (error: unknown) => {
      assert.ok(error instanceof PluginError);
      assert.ok(error.cause instanceof Error);
      assert.equal(error.cause.message, 'boom at import');
      assert.match(error.message, /boom at import/);
      return true;
    });
  });

  it('rejects a module of the wrong shape, saying what is missing', async () => {
    const base = await freshDir();
    await installFakePackage(base, 'visor-backend-shapeless', { source: "export default { kind: 'backend', type: 'x' };\n" });
    await assert.rejects(loadPlugin('shapeless', 'backend', base, { cwd: base }), (error: unknown) => {
      assert.ok(error instanceof PluginError);
      assert.match(error.message, /visor-backend-shapeless .* is not a valid backend plugin: create must be a function$/);
      return true;
    });
  });

  it('rejects a plugin of another kind', async () => {
    const base = await freshDir();
    await installFakePackage(base, 'visor-encoder-impostor', { source: backendSource('impostor') });
    await assert.rejects(loadPlugin('impostor', 'encoder', base, { cwd: base }), /kind must be 'encoder' \(found "backend"\)/);
  });

  it('rejects a module with no exports at all', async () => {
    const base = await freshDir();
    await installFakePackage(base, 'visor-plugin-empty', { source: 'export {};\n' });
    await assert.rejects(loadPlugin('empty', 'extension', base, { cwd: base }), (error: unknown) => {
      assert.ok(error instanceof PluginError);
      assert.match(error.message, /kind must be 'extension' \(missing\)/);
      return true;
    });
  });

  it('rejects an empty name', async () => {
    await assert.rejects(loadPlugin(' ', 'backend', root), PluginError);
  });

  it('reports an unparsable package.json as a PluginError', async () => {
    const base = await freshDir();
    await writeTree(base, { 'node_modules/visor-backend-badjson/package.json': '{ "name": ', 'node_modules/visor-backend-badjson/index.js': '' });
    await assert.rejects(loadPlugin('badjson', 'backend', base, { cwd: base }), (error: unknown) => {
      assert.ok(error instanceof PluginError);
      assert.match(error.message, /cannot parse '.*package\.json'/);
      return true;
    });
  });
});
