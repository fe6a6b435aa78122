import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xmlEncoder } from '../src/index.js';

function image(index: number) {
  return {
    id: `0b6a3c1e-7f1d-4a8e-9c3b-${String(index).padStart(12, '0')}`,
    name: `Debian 12 & co #${index}`,
    architecture: 'x86_64',
    format: index % 2 === 0 ? 'qcow2' : null,
    size: 1024 * index,
    public: index % 3 === 0,
    properties: { distro: 'debian', cores: 4 },
  };
}

function expectedImage(index: number): string {
  const format = index % 2 === 0 ? '<format>qcow2</format>' : '<format nil="true"/>';
  return (
    `<image><id>0b6a3c1e-7f1d-4a8e-9c3b-${String(index).padStart(12, '0')}</id>` +
    `<name>Debian 12 &amp; co #${index}</name><architecture>x86_64</architecture>${format}` +
    `<size type="number">${1024 * index}</size><public type="boolean">${index % 3 === 0}</public>` +
    '<properties><distro>debian</distro><cores type="number">4</cores></properties></image>'
  );
}

test('encodes a list of 1000 images item by item', () => {
  const indexes = Array.from({ length: 1000 }, (_, index) => index);
  const encoded = xmlEncoder.encode({ root: 'images', body: { images: indexes.map(image), next: 'http://h/images?marker=999' } });
  assert.equal(
    encoded,
    '<?xml version="1.0" encoding="UTF-8"?><images>' +
      indexes.map(expectedImage).join('') +
      '<next>http://h/images?marker=999</next></images>',
  );
});
