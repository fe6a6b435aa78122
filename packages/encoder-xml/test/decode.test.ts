import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xmlEncoder } from '../src/index.js';

test('decodes an image request body, honouring type and nil', () => {
  const text =
    '<image><name>Debian 12</name><architecture>x86_64</architecture><cores type="number">4</cores><distro nil="true"/></image>';
  assert.deepEqual(xmlEncoder.decode(text), { image: { name: 'Debian 12', architecture: 'x86_64', cores: 4, distro: null } });
});

test('keeps untyped text as strings, even when it looks like a number or boolean', () => {
  assert.deepEqual(xmlEncoder.decode('<p><version>12</version><stable>true</stable></p>'), { p: { version: '12', stable: 'true' } });
});

test('reads type="string", negative and exponent numbers, and booleans', () => {
  const text =
    '<p><a type="string">12</a><b type="number"> -1.5e3 </b><c type="boolean">false</c><d type="boolean">true</d><e nil="false">x</e></p>';
  assert.deepEqual(xmlEncoder.decode(text), { p: { a: '12', b: -1500, c: false, d: true, e: 'x' } });
});

test('turns repeated child elements into arrays', () => {
  const text = '<images><image><id>a</id></image><image><id>b</id></image><image><id>c</id></image><next>u</next></images>';
  assert.deepEqual(xmlEncoder.decode(text), { images: { image: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], next: 'u' } });
});

test('decodes the predefined entities and character references', () => {
  const text = '<p><name>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42; &#x1F600;</name></p>';
  assert.deepEqual(xmlEncoder.decode(text), { p: { name: `a & b <c> "d" 'e' AB 😀` } });
});

test('does not decode entities twice', () => {
  assert.deepEqual(xmlEncoder.decode('<p>&amp;lt;</p>'), { p: '&lt;' });
});

test('takes CDATA sections literally', () => {
  assert.deepEqual(xmlEncoder.decode('<p><q><![CDATA[<b> &amp; </b>]]></q></p>'), { p: { q: '<b> &amp; </b>' } });
});

test('keeps the whitespace of text but ignores indentation between elements', () => {
  const text = '<?xml version="1.0" encoding="UTF-8"?>\n<image>\n  <name>  Debian  </name>\n  <note>a\n  b</note>\n</image>\n';
  assert.deepEqual(xmlEncoder.decode(text), { image: { name: '  Debian  ', note: 'a\n  b' } });
});

test('decodes an empty element as an empty string', () => {
  assert.deepEqual(xmlEncoder.decode('<p><a/><b></b></p>'), { p: { a: '', b: '' } });
});

test('ignores comments, processing instructions, namespaces and unknown attributes', () => {
  const text = '<?xml version="1.0"?><!-- note --><?app x?><image xmlns="urn:visor" lang="en"><name id="1">x<!-- c --></name></image>';
  assert.deepEqual(xmlEncoder.decode(text), { image: { name: 'x' } });
});

test('reads <entry name="..."> as a member with that name', () => {
  const text = '<image><properties><entry name="os version">12</entry><entry name="a&amp;b" type="number">1</entry></properties></image>';
  assert.deepEqual(xmlEncoder.decode(text), { image: { properties: { 'os version': '12', 'a&b': 1 } } });
});

test('reads a member named __proto__ as an own member, leaving prototypes alone', () => {
  const decoded = xmlEncoder.decode('<p><__proto__><polluted>yes</polluted></__proto__><entry name="__proto__">x</entry></p>');
  const p = (decoded as { p: Record<string, unknown> }).p;
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(p, '__proto__')?.value, [{ polluted: 'yes' }, 'x']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('ignores a leading byte order mark', () => {
  assert.deepEqual(xmlEncoder.decode('\uFEFF<p>x</p>'), { p: 'x' });
});

test('normalises line ends, and whitespace in attribute values, as XML requires', () => {
  assert.deepEqual(xmlEncoder.decode('<p><a>x\r\ny\rz</a><entry name="a\tb&#9;c">1</entry></p>'), {
    p: { a: 'x\ny\nz', 'a b\tc': '1' },
  });
});
