import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VisorClientError } from '@visor/client';
import { EXIT, CliError, describeError, exitForStatus } from '../src/errors/exit-codes.js';
import { fieldsFromArguments, filtersFromArguments, parseKeyValue } from '../src/fields/key-values.js';
import { nearest } from '../src/fields/nearest.js';
import { formatBytes, formatDuration } from '../src/output/human.js';
import { renderTable } from '../src/output/table.js';
import { imageFileName, partialFileName } from '../src/transfer/file-names.js';
import { progressLine } from '../src/transfer/progress.js';

describe('k=v arguments', () => {
  it('split on the first = only, so a URL keeps its query', () => {
    assert.deepEqual(parseKeyValue('location=http://h/x?a=b&c=d'), { key: 'location', value: 'http://h/x?a=b&c=d', forcedProperty: false });
    assert.deepEqual(parseKeyValue('note='), { key: 'note', value: '', forcedProperty: false });
  });

  it(':= takes a JSON scalar; objects and bad JSON are refused', () => {
    assert.equal(parseKeyValue('cores:=4').value, 4);
    assert.equal(parseKeyValue('lts:=true').value, true);
    assert.equal(parseKeyValue('kernel:=null').value, null);
    assert.equal(parseKeyValue('v:="1.10"').value, '1.10');
    assert.throws(() => parseKeyValue('x:={"a":1}'), /a string, a number, a boolean or null/);
    assert.throws(() => parseKeyValue('x:=nope'), /JSON value/);
    assert.throws(() => parseKeyValue('novalue'), /is not k=v/);
    assert.throws(() => parseKeyValue('=x'), /is not k=v/);
  });

  it('fields: server-set fields refused, enums checked, typos suggested, + forces a property', () => {
    assert.deepEqual(fieldsFromArguments(['name=Debian', 'architecture=x86_64', 'distro=debian']), { name: 'Debian', architecture: 'x86_64', distro: 'debian' });
    assert.throws(() => fieldsFromArguments(['checksum=abc']), /set by the server/);
    assert.throws(() => fieldsFromArguments(['format=qcow']), /did you mean 'qcow2'/);
    assert.throws(() => fieldsFromArguments(['nmae=x']), /did you mean 'name'/);
    assert.deepEqual(fieldsFromArguments(['+nmae=x']), { nmae: 'x' });
    assert.throws(() => fieldsFromArguments(['Distro=x']), /custom property names are lower-case/);
  });

  it('filters accept server fields but not uri or null', () => {
    assert.deepEqual(filtersFromArguments(['status=available', 'size=45']), { status: 'available', size: '45' });
    assert.throws(() => filtersFromArguments(['uri=x']), /cannot filter on 'uri'/);
    assert.throws(() => filtersFromArguments(['format:=null']), /no way to filter on null/);
  });

  it('nearest suggests only close names', () => {
    assert.equal(nearest('archtecture', ['architecture', 'access']), 'architecture');
    assert.equal(nearest('colour', ['name', 'size']), undefined);
    assert.equal(nearest('name', ['name']), undefined, 'an exact name is no typo');
  });
});

describe('output helpers', () => {
  it('formatBytes and formatDuration', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(1024 ** 3), '1.0 GiB');
    assert.equal(formatBytes(null), '-');
    assert.equal(formatDuration(65), '1:05');
    assert.equal(formatDuration(3725), '1:02:05');
    assert.equal(formatDuration(NaN), '--:--');
  });

  it('renderTable fits the width by shortening the widest column with …', () => {
    const rows = [{ id: 'a'.repeat(36), name: 'A very long image name that does not fit anywhere at all', size: 1 }];
    const table = renderTable(rows, ['id', 'name', 'size'], 60);
    for (const line of table.split('\n')) assert.ok(line.length <= 60, `${line.length}: ${line}`);
    assert.match(table, /^ID\s+NAME\s+SIZE$/m);
    assert.match(table, /…/);
    const wide = renderTable(rows, ['id', 'name', 'size'], 200);
    assert.match(wide, /does not fit anywhere at all {2}1$/m);
  });

  it('progressLine shows percent, bytes, rate and ETA within the width', () => {
    const line = progressLine('debian.qcow2', { done: 512 * 1024 * 1024, total: 1024 * 1024 * 1024, rate: 100 * 1024 * 1024, eta: 5.12 }, 100);
    assert.match(line, /^debian\.qcow2 {2}\[#{15}-{15}\] {3}50% {2}512\.0 MiB\/1\.0 GiB {2}100\.0 MiB\/s {2}ETA 0:05$/);
    assert.ok(progressLine('x', { done: 1, total: undefined, rate: 0, eta: undefined }, 40).length <= 40);
  });
});

describe('file names', () => {
  it('imageFileName makes the name safe and adds the format', () => {
    assert.equal(imageFileName({ id: 'i', name: 'Debian 12 / Bookworm', format: 'qcow2' }), 'debian-12-bookworm.qcow2');
    assert.equal(imageFileName({ id: 'i', name: '../../etc/passwd', format: null }), 'etc-passwd.img');
    assert.equal(imageFileName({ id: 'abc', name: '***', format: 'raw' }), 'abc.raw');
  });

  it('partialFileName is hidden, next to the target, tied to the digest', () => {
    assert.equal(partialFileName('/data/debian.qcow2', '0123456789abcdef0123456789abcdef'), '/data/.debian.qcow2.0123456789ab.part');
  });
});

describe('exit codes', () => {
  it('map HTTP statuses and local errors', () => {
    assert.equal(exitForStatus(404), EXIT.notFound);
    assert.equal(exitForStatus(409), EXIT.conflict);
    assert.equal(exitForStatus(401), EXIT.permission);
    assert.equal(exitForStatus(403), EXIT.permission);
    assert.equal(exitForStatus(400), EXIT.usage);
    assert.equal(exitForStatus(502), EXIT.server);
    assert.equal(exitForStatus(0), EXIT.network);
    const described = describeError(new VisorClientError(404, 'NotFound', "image 'x' not found"));
    assert.deepEqual(described, { message: "NotFound (HTTP 404): image 'x' not found", exitCode: 3 });
    assert.deepEqual(describeError(new CliError('boom', EXIT.integrity)), { message: 'boom', exitCode: 8 });
  });
});
