import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xmlEncoder } from '../src/index.js';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

function encode(root: string, body: Record<string, unknown>): string {
  const encoded = xmlEncoder.encode({ root, body });
  assert.equal(typeof encoded, 'string');
  return String(encoded);
}

test('starts with the XML declaration', () => {
  assert.ok(encode('error', { code: 'NotFound', message: 'gone' }).startsWith(DECLARATION));
});

test('writes body[root] as the root element with typed and nil members', () => {
  const body = { image: { id: 'a1', name: 'Debian', size: 1024, format: null, distro: 'debian', cores: 4, secure: true } };
  assert.equal(
    encode('image', body),
    `${DECLARATION}<image><id>a1</id><name>Debian</name><size type="number">1024</size><format nil="true"/>` +
      '<distro>debian</distro><cores type="number">4</cores><secure type="boolean">true</secure></image>',
  );
});

test('writes a list as one child per item, followed by the other members of body', () => {
  const body = { images: [{ id: 'a' }, { id: 'b' }], next: 'http://host/images?marker=b&limit=2' };
  assert.equal(
    encode('images', body),
    `${DECLARATION}<images><image><id>a</id></image><image><id>b</id></image>` +
      '<next>http://host/images?marker=b&amp;limit=2</next></images>',
  );
});

test('writes an empty list as an empty root holding only the other members', () => {
  assert.equal(encode('images', { images: [], next: null }), `${DECLARATION}<images><next nil="true"/></images>`);
});

test('writes the members of body as children when body has no member named root', () => {
  assert.equal(
    encode('error', { code: 'NotFound', message: 'image 123 not found' }),
    `${DECLARATION}<error><code>NotFound</code><message>image 123 not found</message></error>`,
  );
});

test('names the items of a nested array by the singular of its element, or item', () => {
  const body = { code: 'InvalidField', message: 'bad', field: 'architecture', allowed: ['i386', 'x86_64'] };
  assert.equal(
    encode('error', body),
    `${DECLARATION}<error><code>InvalidField</code><message>bad</message><field>architecture</field>` +
      '<allowed><item>i386</item><item>x86_64</item></allowed></error>',
  );
});

test('writes nested objects and arrays of objects', () => {
  const body = { status: { version: '0.1.0', backends: [{ name: 'default', type: 'fs', ok: true }] } };
  assert.equal(
    encode('status', body),
    `${DECLARATION}<status><version>0.1.0</version><backends><backend><name>default</name><type>fs</type>` +
      '<ok type="boolean">true</ok></backend></backends></status>',
  );
});

test('names the items of an array of arrays by repeating the rule', () => {
  assert.equal(
    encode('grid', { grid: { rows: [[1], []] } }),
    `${DECLARATION}<grid><rows><row><item type="number">1</item></row><row></row></rows></grid>`,
  );
});

test('writes a lone scalar body[root] as the root text', () => {
  assert.equal(encode('version', { version: '0.1.0' }), `${DECLARATION}<version>0.1.0</version>`);
  assert.equal(encode('count', { count: 3 }), `${DECLARATION}<count type="number">3</count>`);
});

test('writes a scalar body[root] with other members as one child among the others', () => {
  assert.equal(
    encode('version', { version: '0.1.0', build: 7 }),
    `${DECLARATION}<version><version>0.1.0</version><build type="number">7</build></version>`,
  );
});

test('escapes text and replaces characters XML 1.0 forbids', () => {
  assert.equal(
    encode('error', { message: `<b> & "q" 'a' \u0007` }),
    `${DECLARATION}<error><message>&lt;b&gt; &amp; &quot;q&quot; &apos;a&apos; \uFFFD</message></error>`,
  );
});

test('writes a key that is not an XML name as an entry element with a name attribute', () => {
  assert.equal(
    encode('image', { image: { 'os version': '12', 'a"&<b': true, '2fa': 1 } }),
    `${DECLARATION}<image><entry name="os version">12</entry>` +
      '<entry name="a&quot;&amp;&lt;b" type="boolean">true</entry><entry name="2fa" type="number">1</entry></image>',
  );
});

test('shows what JSON shows: undefined and functions left out, non-finite numbers nil, toJSON applied', () => {
  const body = {
    skipped: undefined,
    method: () => 1,
    ratio: Number.NaN,
    limit: Number.POSITIVE_INFINITY,
    created_at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    list: [undefined, 'x'],
  };
  assert.equal(
    encode('thing', body),
    `${DECLARATION}<thing><ratio nil="true"/><limit nil="true"/><created_at>2025-01-02T03:04:05.000Z</created_at>` +
      '<list><item nil="true"/><item>x</item></list></thing>',
  );
});

test('writes numbers as JavaScript prints them', () => {
  assert.equal(
    encode('n', { a: -1.5, b: 1e21, c: -0 }),
    `${DECLARATION}<n><a type="number">-1.5</a><b type="number">1e+21</b><c type="number">0</c></n>`,
  );
});

test('refuses circular structures as JSON.stringify does', () => {
  const image: Record<string, unknown> = { id: 'a' };
  image['self'] = image;
  assert.throws(() => encode('image', { image }), { name: 'TypeError', message: /circular/ });
});

test('writes the same object twice when it is shared rather than circular', () => {
  const shared = { ok: true };
  assert.equal(
    encode('s', { a: shared, b: shared }),
    `${DECLARATION}<s><a><ok type="boolean">true</ok></a><b><ok type="boolean">true</ok></b></s>`,
  );
});
