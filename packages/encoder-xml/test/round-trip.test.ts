import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xmlEncoder } from '../src/index.js';

function roundTrip(root: string, body: Record<string, unknown>): unknown {
  return xmlEncoder.decode(String(xmlEncoder.encode({ root, body })));
}

test('decoding an encoded image gives back its body', () => {
  const body = {
    image: {
      id: '0b6a3c1e-7f1d-4a8e-9c3b-000000000001',
      uri: 'http://localhost:4568/images/0b6a3c1e?x=1&y=2',
      name: `  Debian 12 <"bookworm"> & 'co'\r\n\tstable 😀 `,
      architecture: 'x86_64',
      format: null,
      size: 1024,
      ratio: -0.25,
      access_count: 0,
      secure: true,
      public: false,
      empty: '',
      numeric_text: '42',
      properties: { distro: 'debian', cores: 4, 'os version': '12', 'a&b': true },
    },
  };
  assert.deepEqual(roundTrip('image', body), body);
});

test('decoding an encoded error gives back its members under the root', () => {
  const body = { code: 'NotFound', message: 'image 123 not found' };
  assert.deepEqual(roundTrip('error', body), { error: body });
});
