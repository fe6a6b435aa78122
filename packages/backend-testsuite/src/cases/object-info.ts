import assert from 'node:assert/strict';
import { readAll, randomData } from '../bytes.js';
import { newKey, putBytes } from '../object-helpers.js';
import type { SuiteCase } from '../suite-case.js';

export const objectInfoCases: SuiteCase[] = [
  {
    title: 'get resolves with the whole object size in its info, before the body is read',
    async run({ backend }) {
      const data = randomData(5000);
      const { location } = await putBytes(backend, newKey(), data);
      const { body, info } = await backend.get(location);
      assert.equal(info.size, data.length);
      assert.ok((await readAll(body)).equals(data));
    },
  },
  {
    title: 'a range get reports the whole object size, not the range length',
    async run({ backend }) {
      const data = randomData(5000);
      const { location } = await putBytes(backend, newKey(), data);
      const { body, info } = await backend.get(location, { range: { start: 100, end: 199 } });
      assert.equal(info.size, data.length);
      assert.ok((await readAll(body)).equals(data.subarray(100, 200)));
    },
  },
  {
    title: 'etag and version, where given, are strings and agree between put, get and stat',
    requires: { write: true },
    async run({ backend }) {
      const data = randomData(3000);
      const put = await putBytes(backend, newKey(), data);
      const { body, info } = await backend.get(put.location);
      body.destroy();
      const stat = await backend.stat(put.location);
      for (const [name, value] of [['put etag', put.etag], ['get etag', info.etag], ['stat etag', stat.etag], ['put version', put.version]] as const) {
        if (value !== undefined) assert.equal(typeof value, 'string', `${name} is not a string`);
      }
      if (put.etag !== undefined && stat.etag !== undefined) assert.equal(stat.etag, put.etag, 'stat and put disagree on the etag');
      if (info.etag !== undefined && stat.etag !== undefined) assert.equal(info.etag, stat.etag, 'get and stat disagree on the etag');
    },
  },
];
