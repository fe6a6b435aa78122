import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { render } from 'ink-testing-library';
import { VisorClient } from '@visor/client';
import { App } from '../src/tui/app.js';
import { pattern, tempHome } from './helpers/files.js';
import { startVisor, type RunningVisor } from './helpers/visor-server.js';

let lastScreen: () => string = () => '';

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${lastScreen()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the App component against a real server (ink-testing-library)', () => {
  let visor: RunningVisor;
  let client: VisorClient;
  let dir: string;
  const bytes = pattern(100_000);

  before(async () => {
    visor = await startVisor();
    client = new VisorClient({ url: visor.url, ...visor.admin });
    dir = await tempHome();
    await client.registerWithFile({ name: 'Debian 12', architecture: 'x86_64', format: 'qcow2', distro: 'debian' }, bytes);
    await client.register({ name: 'Fedora 41', architecture: 'aarch64', distro: 'fedora' });
  });
  after(async () => {
    await visor?.stop();
  });

  it('lists, filters, downloads with verification, shows the history and deletes after confirmation', async () => {
    const ui = render(<App client={client} server={visor.url} user="cli-admin (admin)" directory={dir} />);
    const frame = () => ui.lastFrame() ?? '';
    lastScreen = frame;
    // Ink attaches a newly shown prompt's key handler just after drawing it: give it that moment.
    const press = async (keys: string) => {
      await new Promise((r) => setTimeout(r, 60));
      ui.stdin.write(keys);
    };
    await until(() => frame().includes('Fedora 41') && frame().includes('Debian 12'), 'the list');
    assert.match(frame(), /cli-admin \(admin\)/);

    await press('/');
    await until(() => frame().includes('filter (k=v or text)'), 'the filter prompt');
    await press('distro=fedora\r');
    await until(() => !frame().includes('Debian 12') && frame().includes('Fedora 41'), 'the filtered list');
    await press('/');
    await until(() => frame().includes('filter (k=v'), 'the filter prompt again');
    // Clear the filter: Backspace over the text shown, then Enter.
    await press('\x7f'.repeat('distro=fedora'.length));
    await press('\r');
    await until(() => frame().includes('Debian 12') && frame().includes('Fedora 41'), 'the whole list');

    await press('d');
    await until(() => /↓ Debian 12 .* verified/.test(frame()), 'the download');
    const saved = join(dir, 'debian-12.qcow2');
    assert.ok((await readFile(saved)).equals(bytes));
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.part')), []);

    await press('i');
    await until(() => frame().includes('History of Debian 12') && frame().includes('downloaded'), 'the history');
    await press('\x1b');
    await until(() => frame().includes('NAME'), 'back to the list');

    await press('x');
    await until(() => frame().includes('Delete Debian 12'), 'the confirmation');
    await press('n');
    await until(() => frame().includes('nothing deleted'), 'the refusal');
    assert.equal((await client.list()).images.length, 2);
    await press('x');
    await until(() => frame().includes('Delete Debian 12'), 'the confirmation');
    await press('y');
    await until(() => frame().includes('deleted Debian 12'), 'the deletion');
    assert.deepEqual((await client.list()).images.map((i) => i.name), ['Fedora 41']);

    await press('t');
    await until(() => frame().includes('Images: 1 (scope all)'), 'the dashboard');
    ui.unmount();
  });
});
