import assert from 'node:assert/strict';
import type { BackendError } from '@visor/plugin-api';

type BackendErrorClass = abstract new (...args: never[]) => BackendError;

export interface ErrorSubject {
  /** The backend's name, which the message must contain. */
  backend: string;
  /** The key the message must contain, when the check knows it. */
  key?: string;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Asserts that `promise` rejects with an `expected` error whose message names the backend (and the key, if given). */
export async function assertRejectsWith(promise: Promise<unknown>, expected: BackendErrorClass, subject: ErrorSubject): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof expected, `expected ${expected.name}, got ${describeError(error)}`);
    assert.equal(error.backend, subject.backend, `${expected.name}.backend`);
    assert.ok(error.message.includes(subject.backend), `message should name backend '${subject.backend}': ${error.message}`);
    if (subject.key !== undefined) {
      assert.ok(error.message.includes(subject.key), `message should name key '${subject.key}': ${error.message}`);
    }
    return true;
  });
}
