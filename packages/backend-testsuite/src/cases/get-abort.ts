import assert from 'node:assert/strict';
import { randomData } from '../bytes.js';
import { newKey, putBytes } from '../object-helpers.js';
import { MiB } from '../options.js';
import type { SuiteCase } from '../suite-case.js';

export const getAbortCases: SuiteCase[] = [
  {
    title: 'aborting the signal of a get mid-stream ends the stream with an error',
    async run({ backend }) {
      const { location } = await putBytes(backend, newKey(), randomData(8 * MiB));
      const controller = new AbortController();
      const { body: stream } = await backend.get(location, { signal: controller.signal });
      let received = 0;
      await assert.rejects(async () => {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          received += chunk.length;
          controller.abort();
        }
      });
      assert.ok(received < 8 * MiB, 'the whole object arrived despite the abort');
    },
  },
];
