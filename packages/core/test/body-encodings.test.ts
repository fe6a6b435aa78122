import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { startVisor, type TestVisor } from './helpers/test-visor.js';

/**
 * Metadata bodies are read as UTF-8 only (JSON: RFC 8259 §8.1; XML: the
 * encoder refuses other declared encodings): a body in, or declared in,
 * another encoding gets 415 naming the declaration, never a misreading.
 */
describe('request bodies in other encodings than UTF-8 (REST over loopback)', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t?.close());

  const count = async () => (await get(`${t.url}/images`)).json().images.length as number;
  const post = (body: Buffer | string, contentType: string) =>
    request('POST', `${t.url}/images`, { body: typeof body === 'string' ? Buffer.from(body) : body, headers: { 'content-type': contentType } });
  const latin1Image = Buffer.concat([
    Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><image><name>Debian '),
    Buffer.from([0xe9]), // é in ISO-8859-1, an invalid byte in UTF-8
    Buffer.from('</name><architecture>x86_64</architecture></image>'),
  ]);

  it('XML declaring ISO-8859-1: 415 naming the declaration, nothing registered (also when its bytes happen to be ASCII)', async () => {
    const before = await count();
    for (const body of [latin1Image.toString('latin1').replace('é', 'e'), latin1Image]) {
      const res = await post(body, 'application/xml');
      assert.equal(res.status, 415, res.text);
      assert.equal(res.headers['x-error-code'], 'UnsupportedMediaType');
      assert.match(res.json().message, /^the XML declaration says encoding="ISO-8859-1" \(line 1, column 21\); request bodies are read as UTF-8 only/);
    }
    assert.equal(await count(), before);
  });

  it('XML declaring UTF-8 (any case) registers, with the non-ASCII name intact', async () => {
    const res = await post('<?xml version="1.0" encoding="utf-8"?><image><name>Debian é</name><architecture>x86_64</architecture></image>', 'application/xml');
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json().image.name, 'Debian é');
  });

  it('a Content-Type charset other than UTF-8: 415 naming it, for JSON and XML; charset=utf-8 is read', async () => {
    const json = JSON.stringify({ image: { name: 'Debian', architecture: 'x86_64' } });
    for (const [body, type] of [
      [json, 'application/json; charset=iso-8859-1'],
      [json, 'application/json;charset="UTF-16"'],
      ['<image><name>Debian</name><architecture>x86_64</architecture></image>', 'application/xml; charset=windows-1252'],
    ] as const) {
      const res = await post(body, type);
      assert.equal(res.status, 415, `${type}: ${res.text}`);
      assert.match(res.json().message, /^the request body is declared as charset=[^ ]+ \(Content-Type\); metadata bodies are read as UTF-8 only/);
    }
    assert.equal((await post(json, 'application/json; charset=UTF-8')).status, 201);
    assert.equal((await post(json, 'application/json; charset=utf8')).status, 201);
  });

  it('a body with a UTF-16 byte order mark: 415 naming it, for JSON and XML', async () => {
    const bom = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const xml = await post(bom('<image><name>Debian</name><architecture>x86_64</architecture></image>'), 'application/xml');
    assert.equal(xml.status, 415, xml.text);
    assert.equal(xml.json().message, 'the request body starts with a UTF-16LE byte order mark: metadata bodies are read as UTF-8 only; send UTF-8');
    const big = Buffer.from(bom(JSON.stringify({ image: { name: 'Debian', architecture: 'x86_64' } }))).swap16();
    const json = await post(big, 'application/json');
    assert.equal(json.status, 415, json.text);
    assert.match(json.json().message, /UTF-16BE byte order mark/);
  });
});
