import { STATUS_CODES } from 'node:http';
import { SourceFetchError } from '../fetch/fetch-errors.js';
import type { SourceResponse } from '../fetch/source-client.js';

/** `127.0.0.1:8080 answered 404 Not Found`. */
export function answered(response: SourceResponse): string {
  return `${response.url.host} answered ${response.status} ${STATUS_CODES[response.status] ?? ''}`.trimEnd();
}

/** A SourceFetchError `status` for an error answer; the response's body is dropped. */
export function statusError(response: SourceResponse, what: string): SourceFetchError {
  response.body.destroy();
  return new SourceFetchError('status', response.url.host, `${answered(response)} ${what}`, { status: response.status });
}
