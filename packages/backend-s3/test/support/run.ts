import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface CurlAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Runs curl (a real HTTP client outside Node) and returns the last answer's
 * status, headers and body; `follow` follows redirects (-L).
 */
export async function curl(url: string, options: { follow?: boolean } = {}): Promise<CurlAnswer> {
  const args = ['-sS', '-D', '-', '--max-time', '60', ...(options.follow ? ['-L'] : []), url];
  const { stdout } = await execFileAsync('curl', args, { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  // With -L, -D - prints every answer's head: the last one is the answer that counts.
  let rest = stdout;
  let head = '';
  while (rest.subarray(0, 5).toString('latin1') === 'HTTP/') {
    const end = rest.indexOf('\r\n\r\n');
    head = rest.subarray(0, end).toString('latin1');
    rest = rest.subarray(end + 4);
  }
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: rest };
}
