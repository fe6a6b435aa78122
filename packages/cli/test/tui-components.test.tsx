import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { render } from 'ink-testing-library';
import type { Image, Stats } from '@visor/client';
import { BarChart } from '../src/tui/components/bar-chart.js';
import { Dashboard } from '../src/tui/components/dashboard.js';
import { ImageTable, windowStart } from '../src/tui/components/image-table.js';
import { LineInput } from '../src/tui/components/line-input.js';
import { StatusLine } from '../src/tui/components/status-line.js';
import { TransfersPanel } from '../src/tui/components/transfers-panel.js';
import { completePath } from '../src/tui/path-completion.js';
import { parseFilterInput } from '../src/tui/list-query.js';
import { tempHome } from './helpers/files.js';
import { send, until } from './helpers/ink-keys.js';

const image = (n: number, extra: Partial<Image> = {}): Image =>
  ({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `image ${n}`,
    architecture: 'x86_64',
    access: 'private',
    type: 'machine',
    format: 'qcow2',
    store: 'default',
    size: 1024 * n,
    status: 'available',
    ...extra,
  }) as Image;

describe('UI components (ink-testing-library)', () => {
  it('ImageTable shows a window of rows around the selected one, selected in inverse video', () => {
    const images = Array.from({ length: 30 }, (_, i) => image(i + 1));
    const { lastFrame } = render(<ImageTable images={images} selected={20} height={6} width={80} />);
    const lines = lastFrame()!.split('\n');
    assert.equal(lines.length, 6);
    assert.match(lines[0]!, /^NAME\s+ARCH\s+FORMAT\s+SIZE\s+STATUS/);
    assert.ok(lines.some((l) => l.includes('image 21')));
    assert.ok(!lines.some((l) => l.includes('image 1 ')));
    assert.equal(windowStart(20, 5, 30), 18);
    assert.equal(windowStart(0, 5, 30), 0);
    assert.equal(windowStart(29, 5, 30), 25);
    const empty = render(<ImageTable images={[]} selected={0} height={4} width={80} />);
    assert.match(empty.lastFrame()!, /no images match/);
  });

  it('BarChart draws the largest value as a full column and zero as blank', () => {
    const { lastFrame } = render(
      <BarChart height={3} labels={['d1', 'd2', 'd3']} series={[{ label: 'uploads', color: 'green', values: [0, 2, 4] }]} />,
    );
    const lines = lastFrame()!.split('\n');
    assert.equal(lines[0], 'max 4');
    // Rows top to bottom; columns: d1, gap, d2, gap, d3, gap.
    assert.equal(lines[1]![4], '█');
    assert.equal(lines[3]![4], '█');
    assert.equal(lines[1]![0], ' ');
    assert.equal(lines[3]![0], ' ');
    assert.equal(lines[3]![2], '█', 'half of the largest fills the bottom row');
    assert.match(lastFrame()!, /d1 … d3/);
  });

  it('Dashboard shows counts by store, format, architecture and status, bytes per store and top downloads', () => {
    const stats: Stats = {
      scope: 'all',
      generated_at: '2026-11-30T00:00:00.000Z',
      images: { total: 3, by_store: { default: 3 }, by_format: { qcow2: 2, raw: 1 }, by_architecture: { x86_64: 3 }, by_status: { available: 3 }, by_access: { private: 3 } },
      stored: [{ store: 'default', images: 3, bytes: 3 * 1024 * 1024 }],
      daily: [
        { day: '2026-11-29', uploads: 1, uploaded_bytes: 10, downloads: 0, downloaded_bytes: 0 },
        { day: '2026-11-30', uploads: 2, uploaded_bytes: 20, downloads: 5, downloaded_bytes: 50 },
      ],
      top_downloads: [{ image_id: 'x', name: 'Debian 12', downloads: 5, bytes: 50 }],
      users: [],
    };
    const frame = render(<Dashboard stats={stats} width={80} height={24} />).lastFrame()!;
    assert.match(frame, /Images: 3 \(scope all\)/);
    assert.match(frame, /by format\s+qcow2 2 {2}raw 1/);
    assert.match(frame, /default 3\.0 MiB \(3\)/);
    assert.match(frame, /max 5/);
    assert.match(frame, /5 {2}Debian 12/);
  });

  it('StatusLine names the server and user and keeps the help hint', () => {
    const frame = render(<StatusLine server="http://127.0.0.1:4568" user="alice (user)" message="3 images" error={false} width={80} />).lastFrame()!;
    assert.match(frame, /http:\/\/127\.0\.0\.1:4568 · alice \(user\)/);
    assert.match(frame, /3 images/);
    assert.match(frame, /\? help {2}q quit/);
    assert.ok(frame.length <= 80 + 40, 'fits the width (plus colour codes)');
  });

  it('TransfersPanel shows progress, rate and ETA of running transfers and the outcome of finished ones', () => {
    const frame = render(
      <TransfersPanel
        width={100}
        transfers={[
          { id: 1, kind: 'download', label: 'debian.qcow2', state: 'running', progress: { done: 512 * 1024, total: 1024 * 1024, rate: 1024 * 1024, eta: 0.5 } },
          { id: 2, kind: 'upload', label: 'fedora.raw', state: 'done', message: 'stored', progress: { done: 10, total: 10, rate: 0, eta: 0 } },
        ]}
      />,
    ).lastFrame()!;
    assert.match(frame, /↓ debian\.qcow2 .*512\.0 KiB {2}1\.0 MiB\/s {2}ETA 0:01/);
    assert.match(frame, /↑ fedora\.raw .* stored/);
  });

  it('LineInput edits, completes a path with Tab, submits on Enter and cancels on Esc', async (t) => {
    const dir = await tempHome(t);
    await mkdir(join(dir, 'images'));
    await writeFile(join(dir, 'images', 'debian-12.qcow2'), 'x');
    await writeFile(join(dir, 'images', 'debian-11.qcow2'), 'x');
    let submitted: string | undefined;
    let cancelled = false;
    const ui = render(
      <LineInput label="file: " complete={(v) => completePath(v, dir)} onSubmit={(v) => (submitted = v)} onCancel={() => (cancelled = true)} />,
    );
    const frame = () => ui.lastFrame() ?? '';
    // The first keys may come before Ink attached the handler: `send` repeats them until shown.
    await send(ui.stdin, 'im', () => /file: im/.test(frame()), 'the first keys', frame);
    // From here the handler is attached: each key is written once, and the test waits for its effect.
    ui.stdin.write('\t');
    await until(() => /file: images\//.test(frame()), 'the completed directory', frame);
    ui.stdin.write('d');
    await until(() => /file: images\/d/.test(frame()), 'the typed d', frame);
    ui.stdin.write('\t');
    await until(() => /file: images\/debian-1/.test(frame()), 'the common prefix', frame);
    assert.match(frame(), /debian-11\.qcow2 {2}debian-12\.qcow2/, 'several candidates are listed');
    ui.stdin.write('2');
    await until(() => /file: images\/debian-12/.test(frame()), 'the typed 2', frame);
    ui.stdin.write('\t');
    await until(() => /file: images\/debian-12\.qcow2/.test(frame()), 'the completed file', frame);
    ui.stdin.write('\r');
    await until(() => submitted !== undefined, 'the submission', frame);
    assert.equal(submitted, 'images/debian-12.qcow2');
    ui.stdin.write('\x1b');
    await until(() => cancelled, 'the cancellation', frame);
    ui.unmount();
  });

  it('LineInput submits text pasted with its Enter in one chunk', async () => {
    let submitted: string | undefined;
    const ui = render(<LineInput label="> " onSubmit={(v) => (submitted = v)} onCancel={() => undefined} />);
    const frame = () => ui.lastFrame() ?? '';
    await send(ui.stdin, 'distro=debian\r', () => submitted !== undefined, 'the pasted line', frame);
    assert.equal(submitted, 'distro=debian');
    ui.unmount();
  });

  it('the filter prompt splits k=v filters from free text and refuses a mistyped field', () => {
    assert.deepEqual(parseFilterInput('distro=debian  bookworm architecture=x86_64'), { filters: { distro: 'debian', architecture: 'x86_64' }, text: 'bookworm' });
    assert.throws(() => parseFilterInput('architecure=x86_64'), /did you mean 'architecture'/);
  });
});
