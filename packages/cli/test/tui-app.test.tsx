import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { render } from 'ink-testing-library';
import { VisorClient } from '@visor/client';
import { removeTempDir } from '@visor/test-support';
import { App } from '../src/tui/app.js';
import { pattern, tempHome } from './helpers/files.js';
import { send, until } from './helpers/ink-keys.js';
import { startVisor, type RunningVisor } from './helpers/visor-server.js';

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
    await client.users.create({ access_key: 'bob', email: 'bob@example.org' });
  });
  after(async () => {
    await visor?.stop();
    await removeTempDir(dir);
  });

  it('lists, filters, downloads with verification, shows the history, moves, sorts, edits, shares and unshares, deletes after confirmation', async () => {
    const ui = render(<App client={client} server={visor.url} user="cli-admin (admin)" directory={dir} />);
    const frame = () => ui.lastFrame() ?? '';
    const has = (text: string) => () => frame().includes(text);
    // Every wait is for what the screen shows (see helpers/ink-keys.ts), never for a fixed time.
    const wait = (check: () => boolean, what: string) => until(check, what, frame);
    const key = (keys: string, handled: () => boolean, what: string) => send(ui.stdin, keys, handled, what, frame);

    await wait(() => frame().includes('Fedora 41') && frame().includes('Debian 12'), 'the list');
    assert.match(frame(), /cli-admin \(admin\)/);

    await key('/', has('filter (k=v or text)'), 'the filter prompt');
    await key('distro=fedora\r', has('[distro=fedora]'), 'the filter');
    await wait(() => !frame().includes('Debian 12') && frame().includes('Fedora 41'), 'the filtered list');
    await key('/', has('filter (k=v'), 'the filter prompt again');
    // Clear the filter: Backspace over the text shown (extra ones do nothing), then Enter.
    await key('\x7f'.repeat('distro=fedora'.length), () => /filter \(k=v or text\): *$/m.test(frame()), 'the cleared filter');
    await key('\r', () => !frame().includes('filter (k=v'), 'the empty filter');
    await wait(() => frame().includes('Debian 12') && frame().includes('Fedora 41'), 'the whole list');

    await key('d', has('↓ Debian 12'), 'the download key');
    await wait(() => /↓ Debian 12 .* verified/.test(frame()), 'the download');
    const saved = join(dir, 'debian-12.qcow2');
    assert.ok((await readFile(saved)).equals(bytes));
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.part')), []);

    await key('i', has('History of Debian 12'), 'the history key');
    await wait(() => frame().includes('downloaded'), 'the history');
    await key('\x1b', has('NAME'), 'back to the list');

    // The list's handler is attached from here on: each key below is written once.
    // Move down and open the detail pane of the second image, then back up to the first.
    ui.stdin.write('\x1b[B');
    ui.stdin.write('\r');
    await until(() => /name\s+Fedora 41/.test(frame()), 'the detail pane of the second image', frame);
    ui.stdin.write('\x1b');
    await until(() => frame().includes('NAME') && !/name\s+Fedora 41/.test(frame()), 'the list again', frame);
    ui.stdin.write('\x1b[A');
    ui.stdin.write('\r');
    await until(() => /name\s+Debian 12/.test(frame()), 'the detail pane of the first image', frame);
    ui.stdin.write('\x1b');
    await until(() => frame().includes('NAME') && !/name\s+Debian 12/.test(frame()), 'the list again', frame);

    // Sort: s moves to the next field (name), S reverses the direction, and back.
    ui.stdin.write('s');
    await until(has('by name asc'), 'the list by name', frame);
    ui.stdin.write('S');
    await until(() => frame().includes('by name desc') && frame().indexOf('Fedora 41') < frame().indexOf('Debian 12'), 'the list by name, descending', frame);
    ui.stdin.write('S');
    await until(() => frame().includes('by name asc') && frame().indexOf('Debian 12') < frame().indexOf('Fedora 41'), 'the list by name, ascending', frame);

    // Help, and back.
    await key('?', has('this help'), 'the help');
    await key('?', has('NAME'), 'the list after the help');

    // Edit a field; share with bob, then stop sharing (-bob).
    await key('e', has('edit Debian 12'), 'the edit prompt');
    await key('release=bookworm\r', () => !frame().includes('edit Debian 12'), 'the edit');
    await until(has('updated Debian 12'), 'the update', frame);
    const debian = (await client.list({ name: 'Debian 12' }, { detail: true })).images[0]!;
    assert.equal((debian as unknown as Record<string, unknown>).release, 'bookworm');
    await key('m', has('share Debian 12 with'), 'the share prompt');
    await key('bob\r', () => !frame().includes('share Debian 12 with'), 'the user to share with');
    await until(has('shared Debian 12 with bob'), 'the share', frame);
    assert.deepEqual((await client.members.list(debian.id)).map((m) => m.access_key), ['bob']);
    await key('m', has('share Debian 12 with'), 'the share prompt again');
    await key('-bob\r', () => !frame().includes('share Debian 12 with'), 'the user to stop sharing with');
    await until(has('stopped sharing Debian 12 with bob'), 'the unshare', frame);
    assert.deepEqual(await client.members.list(debian.id), []);

    await key('x', has('Delete Debian 12'), 'the confirmation');
    await key('n', has('nothing deleted'), 'the refusal');
    assert.equal((await client.list()).images.length, 2);
    await key('x', has('Delete Debian 12'), 'the confirmation');
    await key('y', () => !frame().includes('Delete Debian 12'), 'the yes');
    await wait(has('deleted Debian 12'), 'the deletion');
    assert.deepEqual((await client.list()).images.map((i) => i.name), ['Fedora 41']);

    await key('t', has('dashboard'), 'the dashboard key');
    await wait(has('Images: 1 (scope all)'), 'the dashboard');
    ui.unmount();
  });
});
