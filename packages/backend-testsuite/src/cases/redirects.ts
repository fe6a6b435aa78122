import assert from 'node:assert/strict';
import { randomData } from '../bytes.js';
import { newKey, putBytes } from '../object-helpers.js';
import type { SuiteCase } from '../suite-case.js';

export const redirectCases: SuiteCase[] = [
  {
    title: 'redirectUrl gives an absolute http(s) URL for an object, different per object',
    requires: { redirects: true },
    async run({ backend, fetchRedirect }) {
      const data = randomData(2000);
      const a = await putBytes(backend, newKey(), data);
      const b = await putBytes(backend, newKey(), randomData(10));
      const urlA = await backend.redirectUrl!(a.location, { expiresIn: 60, method: 'GET' });
      const urlB = await backend.redirectUrl!(b.location, { expiresIn: 60, method: 'GET' });
      for (const url of [urlA, urlB]) {
        assert.ok(URL.canParse(url), `not a URL: ${url}`);
        assert.match(new URL(url).protocol, /^https?:$/);
      }
      assert.notEqual(urlA, urlB);
      // Where the package can reach the store, the URL must serve the object's bytes.
      if (fetchRedirect) assert.ok((await fetchRedirect(urlA)).equals(data), 'the redirect URL serves other bytes');
    },
  },
];
