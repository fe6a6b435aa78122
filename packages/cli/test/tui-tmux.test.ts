import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VisorClient } from '@visor/client';
import { removeTempDir } from '@visor/test-support';
import { VISOR } from './helpers/run-visor.js';
import { pattern, tempHome, writeFileOf } from './helpers/files.js';
import { TmuxSession, hasTmux } from './helpers/tmux.js';
import { startVisor, type RunningVisor } from './helpers/visor-server.js';

/** Asks the shell for the terminal's line discipline: echo and canonical mode must be back on. */
async function checkTerminalModes(tmux: TmuxSession): Promise<void> {
  await tmux.type(`echo "STTY:$(stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e icanon -e -echo -e -icanon | tr '\\n' ' ')"`);
  await tmux.press('Enter');
  const screen = await tmux.waitFor(/^STTY:\S.*$/m);
  const modes = /^STTY:(.*)$/m.exec(screen)![1]!.trim().split(' ').sort();
  assert.deepEqual(modes, ['echo', 'icanon']);
}

const skip = hasTmux() ? false : 'tmux is not installed (apt-get install tmux): the UI session test needs a real terminal';

describe('the UI in a real terminal under tmux: one whole session', { skip }, () => {
  let visor: RunningVisor;
  let admin: VisorClient;
  let home: string;
  const tmux = new TmuxSession();
  const bytes = pattern(2 * 1024 * 1024 + 17);

  before(async () => {
    visor = await startVisor();
    admin = new VisorClient({ url: visor.url, ...visor.admin });
    await admin.users.create({ access_key: 'bob', email: 'bob@example.org' });
    home = await tempHome();
    const bin = join(home, 'bin');
    await writeFileOf(home, 'disk-image.qcow2', bytes);
    await import('node:fs/promises').then((fs) => fs.mkdir(bin));
    await writeFile(join(bin, 'visor'), `#!/bin/sh\nexec "${process.execPath}" "${VISOR}" "$@"\n`);
    await chmod(join(bin, 'visor'), 0o755);
    await tmux.start('exec sh', {
      columns: 120,
      rows: 32,
      cwd: home,
      env: { HOME: home, PATH: `${bin}:${process.env.PATH}`, TERM: 'xterm-256color', PS1: 'prompt$ ', LANG: 'C.UTF-8' },
    });
  });
  after(async () => {
    await tmux.stop();
    await visor?.stop();
    await removeTempDir(home);
  });

  it('log in, upload, filter, download, resize to 80×24, share, history, delete, quit with the terminal intact', async () => {
    // Log in: the keys are asked on the terminal, the secret without echo.
    await tmux.waitFor(/prompt\$/);
    await tmux.type(`visor login ${visor.url}`);
    await tmux.press('Enter');
    await tmux.waitFor(/Access key/);
    await tmux.type(visor.admin.accessKey);
    await tmux.press('Enter');
    await tmux.waitFor(/Secret key/);
    await tmux.type(visor.admin.secretKey);
    await tmux.press('Enter');
    const loggedIn = await tmux.waitFor(/logged in as cli-admin \(admin\)/);
    assert.ok(!loggedIn.includes(visor.admin.secretKey), 'the secret key is not echoed');

    // The UI.
    await tmux.type('visor; echo UI-EXIT-$?');
    await tmux.press('Enter');
    await tmux.waitFor(/Visor {2}images[\s\S]*cli-admin \(admin\)[\s\S]*\? help/);

    // Upload: the path with Tab completion, then the fields.
    await tmux.type('u');
    await tmux.waitFor(/file to upload/);
    await tmux.type('disk-i');
    await tmux.press('Tab');
    await tmux.waitFor(/file to upload \(Tab completes\): disk-image\.qcow2/);
    await tmux.press('Enter');
    await tmux.waitFor(/fields: name=disk-image architecture=x86_64 format=qcow2/);
    await tmux.press('BSpace', 60);
    await tmux.type('name=Session_Image architecture=x86_64 format=qcow2 distro=debian');
    await tmux.press('Enter');
    await tmux.waitFor(/uploaded Session_Image/);
    const [uploaded] = (await admin.list({ name: 'Session_Image' })).images;
    assert.ok(uploaded);
    assert.equal(uploaded.size, bytes.length);
    await admin.register({ name: 'Other', architecture: 'aarch64' });
    await tmux.press('r');
    await tmux.waitFor(/Other/);

    // Find it with a filter on a custom property.
    await tmux.type('/');
    await tmux.waitFor(/filter \(k=v or text\)/);
    await tmux.type('distro=debian');
    await tmux.press('Enter');
    // The header shows the filter at once; the status line counts the images once the list is fetched again.
    const filtered = await tmux.waitFor(/\[distro=debian\][\s\S]*Session_Image[\s\S]*1 image matching distro=debian/);
    assert.ok(!/^Other/m.test(filtered), 'the filter hides the other image');

    // Download it: progress in the transfers panel, verified, saved under the final name.
    await tmux.type('d');
    await tmux.waitFor(/↓ Session_Image .* verified/);
    assert.ok((await readFile(join(home, 'session_image.qcow2'))).equals(bytes));

    // Resize to 80×24 mid-session: the screen is redrawn to fit.
    await tmux.resize(80, 24);
    // Redrawn for 80 columns: the detail pane (shown beside the list from 110 columns) is gone.
    const small = await tmux.waitUntil(
      (screen) => /\? help {2}q quit/.test(screen) && screen.includes('Session_Image') && !/│ id {2,}/.test(screen),
      'the list redrawn for 80 columns, without the detail pane',
    );
    const lines = small.split('\n');
    assert.ok(lines.every((l) => [...l].length <= 80), 'no line wider than 80 columns');
    assert.match(small, /Session_Image/);

    // Share it with bob.
    await tmux.type('m');
    await tmux.waitFor(/share Session_Image with/);
    await tmux.type('bob');
    await tmux.press('Enter');
    await tmux.waitFor(/shared Session_Image with bob/);
    assert.deepEqual((await admin.members.list(uploaded.id)).map((m) => m.access_key), ['bob']);

    // Its history.
    await tmux.type('i');
    await tmux.waitFor(/History of Session_Image[\s\S]*uploaded[\s\S]*downloaded[\s\S]*shared/);
    await tmux.press('Escape');
    await tmux.waitFor(/NAME/);

    // Delete it, after confirming.
    await tmux.type('x');
    await tmux.waitFor(/Delete Session_Image/);
    await tmux.type('y');
    await tmux.waitFor(/deleted Session_Image/);
    assert.deepEqual((await admin.list({ name: 'Session_Image' })).images, []);

    // Quit: back at the shell, with echo and line editing on.
    await tmux.type('q');
    // Not at the start of a line: the resize reflowed the main screen under the cursor tmux restores.
    await tmux.waitFor(/UI-EXIT-0$/m);
    await tmux.waitForShell();
    await checkTerminalModes(tmux);
  });

  it('Ctrl-C leaves the terminal intact too', async () => {
    await tmux.type('clear; visor; echo UI-EXIT-$?');
    await tmux.press('Enter');
    await tmux.waitFor(/Visor {2}images[\s\S]*1 image, by created_at/);
    await tmux.press('C-c');
    await tmux.waitFor(/^UI-EXIT-(0|130)$/m);
    await tmux.waitForShell();
    await checkTerminalModes(tmux);
  });

  it('on a terminal, add --file and get draw a progress bar on standard error; --quiet draws none', async () => {
    await tmux.type('clear; visor add name=Bar architecture=x86_64 format=qcow2 --file disk-image.qcow2 > added.txt; echo ADD-EXIT-$?');
    await tmux.press('Enter');
    const added = await tmux.waitFor(/^ADD-EXIT-\d+$/m);
    assert.match(added, /^ADD-EXIT-0$/m);
    assert.match(added, /disk-image\.qcow2 +\[#{5,}\] +100% +2\.0 MiB\/2\.0 MiB +\S+ \S+\/s +ETA/, 'the bar, with bytes, rate and ETA');
    // Standard output was a file, not the terminal: plain `field<TAB>value` lines.
    const id = /^id\t(\S+)$/m.exec(await readFile(join(home, 'added.txt'), 'utf8'))![1]!;
    await tmux.type(`clear; visor get ${id} -o bar.qcow2; visor --quiet get ${id} -o quiet.qcow2; echo GET-EXIT-$?`);
    await tmux.press('Enter');
    const got = await tmux.waitFor(/^GET-EXIT-\d+$/m);
    assert.match(got, /^GET-EXIT-0$/m);
    assert.match(got, /bar\.qcow2 +\[#{5,}\] +100%/);
    assert.doesNotMatch(got, /quiet\.qcow2 +\[/, 'no bar with --quiet');
    assert.ok((await readFile(join(home, 'quiet.qcow2'))).equals(bytes));
  });
});
