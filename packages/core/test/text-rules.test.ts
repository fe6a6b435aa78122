import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { characterCount, escapeForbidden, firstForbidden, quoted } from '@visor/plugin-api';
import { parseXml } from './helpers/plugin-kit.js';
import { startVisor, type TestVisor } from './helpers/test-visor.js';

describe('text rules: which characters stored text may hold', () => {
  const refused: Array<[string, string, string]> = [
    ['NUL', '\u0000', 'control character'],
    ['BEL', '\u0007', 'control character'],
    ['DEL', '\u007f', 'control character'],
    ['C1 NEL', '\u0085', 'control character'],
    ['C1 APC', '\u009f', 'control character'],
    ['a lone high surrogate', '\ud800', 'unpaired surrogate'],
    ['a lone low surrogate', '\udfff', 'unpaired surrogate'],
    ['U+FDD0', '\ufdd0', 'noncharacter'],
    ['U+FFFE', '\ufffe', 'noncharacter'],
    ['U+FFFF', '\uffff', 'noncharacter'],
    ['U+1FFFE', '\ud83f\udffe', 'noncharacter'],
    ['U+10FFFF', '\udbff\udfff', 'noncharacter'],
  ];
  for (const [label, character, kind] of refused) {
    it(`refuses ${label} in names and values alike`, () => {
      assert.equal(firstForbidden(`ab${character}c`)?.kind, kind);
      assert.equal(firstForbidden(`ab${character}c`)?.index, 2);
      assert.equal(firstForbidden(`ab${character}c`, true)?.kind, kind);
    });
  }

  it('allows tab, LF and CR in values only', () => {
    for (const c of ['\t', '\n', '\r']) {
      assert.equal(firstForbidden(`a${c}b`)?.kind, 'control character');
      assert.equal(firstForbidden(`a${c}b`, true), undefined);
    }
  });

  it('allows everything else: accents, CJK, emoji, U+FFFD, format characters, U+00A0', () => {
    assert.equal(firstForbidden('Straße 日本 \ud83d\ude00 \ufffd \u200b\u202e \u00a0'), undefined);
  });

  it('counts characters as code points', () => {
    assert.equal(characterCount('\ud83d\ude00'.repeat(3)), 3);
    assert.equal(characterCount('a\ud800'), 2);
  });

  it('echoes client text escaped and cut: quoted() never yields an unpaired surrogate or a control character', () => {
    assert.equal(quoted('a\u0007\ud800\n'), "'a\\u{0007}\\u{D800}\\u{000A}'");
    assert.equal(escapeForbidden('ok \ud83d\ude00'), 'ok \ud83d\ude00');
    const long = quoted('x'.repeat(63) + '\ud83d\ude00' + 'y'.repeat(100));
    assert.equal(long, `'${'x'.repeat(63)}…'`, 'a pair is never split when cutting');
  });
});

describe('text rules over HTTP: JSON, XML and x-image-meta-* headers treated alike', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  const octet = { 'content-type': 'application/octet-stream' };
  const viaJson = (image: Record<string, unknown>) => request('POST', `${t.url}/images`, { body: { image } });
  const viaXml = (inner: string) =>
    request('POST', `${t.url}/images`, { headers: { 'content-type': 'application/xml' }, body: `<image><name>x</name><architecture>x86_64</architecture>${inner}</image>` });
  const viaHeaders = (headers: Record<string, string>) =>
    request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': 'x', 'x-image-meta-architecture': 'x86_64', ...headers },
      body: Buffer.from('bytes'),
    });

  // A character that each syntax can carry (JSON \u escape, XML character reference, percent-encoded UTF-8) and the rules refuse.
  const cases: Array<[string, string, string, string]> = [
    ['a C1 control U+0085', '\u0085', '&#x85;', '%C2%85'],
    ['DEL U+007F', '\u007f', '&#x7F;', '%7F'],
    ['the noncharacter U+FDD0', '\ufdd0', '&#xFDD0;', '%EF%B7%90'],
    ['the noncharacter U+1FFFF', '\ud83f\udfff', '&#x1FFFF;', '%F0%9F%BF%BF'],
  ];
  for (const [label, json, xml, header] of cases) {
    it(`refuses ${label} in a property value with 400 InvalidField naming the field, in all three forms`, async () => {
      for (const res of [await viaJson({ name: 'x', architecture: 'x86_64', note: `a${json}b` }), await viaXml(`<note>a${xml}b</note>`), await viaHeaders({ 'x-image-meta-note': `a${header}b` })]) {
        assert.equal(res.status, 400, res.text);
        assert.equal(res.json().code, 'InvalidField');
        assert.equal(res.json().field, 'note');
        assert.match(res.json().message, /property 'note' holds U\+[0-9A-F]{4,6}, a (control character|noncharacter), at character 2/);
      }
    });
    it(`refuses ${label} in the name, in all three forms`, async () => {
      const xmlName = await request('POST', `${t.url}/images`, {
        headers: { 'content-type': 'application/xml' },
        body: `<image><name>a${xml}</name><architecture>x86_64</architecture></image>`,
      });
      for (const res of [await viaJson({ name: `a${json}`, architecture: 'x86_64' }), xmlName, await viaHeaders({ 'x-image-meta-name': `a${header}` })]) {
        assert.equal(res.status, 400, res.text);
        assert.equal(res.json().field, 'name');
      }
    });
  }

  it('refuses C0 controls other than tab, LF, CR: JSON and headers by the rules, XML already as not XML', async () => {
    const json = await viaJson({ name: 'x', architecture: 'x86_64', note: 'a\u0001b' });
    assert.equal(json.status, 400);
    assert.equal(json.json().field, 'note');
    const header = await viaHeaders({ 'x-image-meta-note': 'a%01b' });
    assert.equal(header.status, 400);
    assert.equal(header.json().field, 'note');
    const xml = await viaXml('<note>a&#1;b</note>');
    assert.equal(xml.status, 400);
    assert.match(xml.json().message, /names a character XML 1\.0 does not allow/);
  });

  it('refuses an unpaired surrogate: JSON \\ud800 by the rules, a header %ED%A0%80 as invalid UTF-8', async () => {
    const json = await request('POST', `${t.url}/images`, { headers: { 'content-type': 'application/json' }, body: '{"image":{"name":"x","architecture":"x86_64","note":"\\udc00"}}' });
    assert.equal(json.status, 400);
    assert.equal(json.json().field, 'note');
    assert.match(json.json().message, /U\+DC00, an unpaired surrogate/);
    const header = await viaHeaders({ 'x-image-meta-note': '%ED%A0%80' });
    assert.equal(header.status, 400);
    assert.match(header.json().message, /not valid percent-encoded UTF-8/);
  });

  it('refuses raw non-ASCII bytes in an x-image-meta-* header, naming the header and how to encode (issue 7 §2)', async () => {
    const before = (await get(`${t.url}/images`)).json().images.length;
    for (const header of ['x-image-meta-name', 'x-image-meta-distro', 'x-image-meta-build-id']) {
      const res = await request('POST', `${t.url}/images`, {
        headers: { ...octet, 'x-image-meta-name': 'x', 'x-image-meta-architecture': 'x86_64', [header]: Buffer.from('Straße', 'utf8').toString('latin1') },
        body: Buffer.from('bytes'),
      });
      assert.equal(res.status, 400, res.text);
      const error = res.json();
      assert.equal(error.code, 'InvalidField');
      assert.equal(error.header, header);
      assert.match(error.message, new RegExp(`header '${header}' holds a byte that is not printable ASCII: send the value percent-encoded as UTF-8 \\(Straße as Stra%C3%9Fe`));
    }
    assert.equal((await get(`${t.url}/images`)).json().images.length, before, 'nothing was registered');
  });

  it('stores a percent-encoded Straße as Straße: the 201 answer, the metadata and HEAD agree', async () => {
    const res = await viaHeaders({ 'x-image-meta-name': 'Stra%C3%9Fe', 'x-image-meta-city': 'M%C3%BCnchen%0A%F0%9F%98%80' });
    assert.equal(res.status, 201, res.text);
    const written = res.json().image;
    assert.equal(written.name, 'Straße');
    assert.equal(written.city, 'München\n\ud83d\ude00');
    assert.deepEqual((await get(`${t.url}/images/${written.id}/meta`)).json().image, written);
    const head = await request('HEAD', `${t.url}/images/${written.id}`);
    assert.equal(decodeURIComponent(String(head.headers['x-image-meta-name'])), 'Straße');
    assert.equal(decodeURIComponent(String(head.headers['x-image-meta-city'])), 'München\n\ud83d\ude00');
  });

  it('refuses a body that is not UTF-8 instead of storing U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"image":{"name":"Stra'), Buffer.from([0xdf]), Buffer.from('e","architecture":"x86_64"}}')]);
    const res = await request('POST', `${t.url}/images`, { headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 400);
    assert.match(res.json().message, /not valid UTF-8/);
  });

  it('what a write answers is what a later read returns: JSON, XML and headers, properties in any order', async () => {
    const value = 'tab\there\r\nline \ud83d\ude00 \u200b Ω';
    const json = (await viaJson({ name: 'Zeta \ud83d\ude00', architecture: 'x86_64', zeta: value, alpha: 1.5, a_b: true, ab: -0 })).json().image;
    const xmlAnswer = await request('POST', `${t.url}/images`, {
      headers: { 'content-type': 'application/xml', accept: 'application/xml' },
      body: '<image><name>Zeta</name><architecture>x86_64</architecture><zeta>tab&#9;here&#13;&#10;</zeta><alpha type="number">1.50</alpha><ab type="boolean">false</ab></image>',
    });
    const xml = (await parseXml(xmlAnswer.text)).image;
    const headers = (await viaHeaders({ 'x-image-meta-zeta': encodeURIComponent(value), 'x-image-meta-a-b': 'x' })).json().image;
    for (const written of [json, headers]) {
      const read = (await get(`${t.url}/images/${written.id}/meta`)).json().image;
      assert.deepEqual(read, written);
      assert.deepEqual(Object.keys(read), Object.keys(written), 'same member order too');
    }
    const readXml = await request('GET', `${t.url}/images/${xml.id}/meta`, { headers: { accept: 'application/xml' } });
    assert.equal(readXml.text, xmlAnswer.text.replace(/<accessed_at nil="true"\/>/, '<accessed_at nil="true"/>'));
    assert.equal(xml.zeta, 'tab\there\r\n');
    assert.deepEqual(Object.keys(json).slice(-4), ['a_b', 'ab', 'alpha', 'zeta'], 'custom properties sorted by name');
  });

  it('counts name length in characters as users see them: 255 emoji (or family emoji of 7 code points) pass, 256 do not', async () => {
    assert.equal((await viaJson({ name: '\ud83d\ude00'.repeat(255), architecture: 'x86_64' })).status, 201);
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
    const families = await viaJson({ name: family.repeat(255), architecture: 'x86_64' });
    assert.equal(families.status, 201, families.text);
    assert.equal(families.json().image.name, family.repeat(255), 'stored whole');
    const long = await viaJson({ name: '\ud83d\ude00'.repeat(256), architecture: 'x86_64' });
    assert.equal(long.status, 400);
    assert.equal(long.json().message, "'name' is too long: 256 characters, at most 255 (counted as users see them)");
  });

  it('says which name rule failed: empty, blank, bad character', async () => {
    const messages = [];
    for (const name of ['', '   ', 'a\u0007b']) {
      const res = await viaJson({ name, architecture: 'x86_64' });
      assert.equal(res.status, 400);
      assert.equal(res.json().field, 'name');
      messages.push(res.json().message as string);
    }
    assert.equal(messages[0], "'name' is empty: give 1 to 255 characters");
    assert.equal(messages[1], "'name' is blank (only spaces): give at least one visible character");
    assert.match(messages[2]!, /^'name' has a character names may not hold .*: it holds U\+0007, a control character, at character 2$/);
  });

  it('quotes long or odd client text in messages escaped and cut', async () => {
    const res = await viaJson({ name: 'x', architecture: `\u0007${'y'.repeat(5000)}` });
    assert.equal(res.status, 400);
    assert.match(res.json().message, /got '\\u\{0007\}y{63}…'$/);
    const filter = await get(`${t.url}/images?note=a%C2%85b`);
    assert.equal(filter.status, 400);
    assert.equal(filter.json().field, 'note');
  });
});
