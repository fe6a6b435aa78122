import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedMediaTypeError } from '@visor/plugin-api';
import { xmlEncoder } from '../src/index.js';

function refusal(text: string): UnsupportedMediaTypeError {
  try {
    xmlEncoder.decode(text);
  } catch (error) {
    assert.ok(error instanceof UnsupportedMediaTypeError, `expected UnsupportedMediaTypeError, got ${String(error)}`);
    return error;
  }
  assert.fail(`decoding ${JSON.stringify(text)} did not throw`);
}

test('a declared encoding other than UTF-8 is refused naming the declaration and what is accepted', () => {
  const error = refusal('<?xml version="1.0" encoding="ISO-8859-1"?><image><name>Debian</name></image>');
  assert.equal(
    error.message,
    'the XML declaration says encoding="ISO-8859-1" (line 1, column 21); request bodies are read as UTF-8 only: ' +
      'send UTF-8, declaring encoding="UTF-8" or no encoding',
  );
  assert.deepEqual(error.details, { encoding: 'ISO-8859-1', line: 1, column: 21 });
  assert.equal(error.code, 'UnsupportedMediaType');
  for (const [text, name] of [
    ["<?xml version='1.0' encoding='windows-1252'?><a/>", 'windows-1252'],
    ['<?xml version="1.0" encoding = "UTF-16"?><a/>', 'UTF-16'],
    ['<?xml version="1.0"\n  encoding="Shift_JIS" standalone="yes"?><a/>', 'Shift_JIS'],
    ['\uFEFF<?xml version="1.0" encoding="us-ascii"?><a/>', 'us-ascii'],
    // A name the Encoding Standard does not know at all.
    ['<?xml version="1.0" encoding="utf-9"?><a/>', 'utf-9'],
  ]) {
    assert.equal(refusal(text!).details.encoding, name, text);
  }
});

test('UTF-8, in any case and by the other labels the Encoding Standard gives it, is read; so is no declaration', () => {
  const name = 'Debian 12 – ü';
  for (const declaration of [
    '',
    '<?xml version="1.0"?>',
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?xml version="1.0" encoding="utf-8"?>',
    "<?xml version='1.0' encoding='Utf-8' standalone='yes'?>",
    '<?xml version="1.0" encoding="utf8"?>',
    '<?xml version="1.0" encoding="unicode-1-1-utf-8"?>',
  ]) {
    assert.deepEqual(xmlEncoder.decode(`${declaration}<image><name>${name}</name></image>`), { image: { name } }, declaration);
  }
});

test('"encoding" anywhere but the XML declaration is not a declaration', () => {
  assert.deepEqual(xmlEncoder.decode('<image><note>encoding="latin1"</note></image>'), { image: { note: 'encoding="latin1"' } });
  assert.deepEqual(xmlEncoder.decode('<image><?xml-stylesheet encoding="latin1"?><name>x</name></image>'), { image: { name: 'x' } });
});

test('UTF-16 without a byte order mark (read as UTF-8, "<" and NUL alternate) is refused as UTF-16', () => {
  const littleEndian = Buffer.from('<?xml version="1.0"?><a/>', 'utf16le').toString('utf8');
  const bigEndian = Buffer.from('<?xml version="1.0"?><a/>', 'utf16le').swap16().toString('utf8');
  for (const text of [littleEndian, bigEndian, Buffer.from('<a/>', 'utf16le').toString('utf8')]) {
    assert.equal(
      refusal(text).message,
      'the request body looks like UTF-16 (NUL bytes beside "<", XML 1.0 appendix F); request bodies are read as UTF-8 only: send UTF-8',
    );
  }
});
