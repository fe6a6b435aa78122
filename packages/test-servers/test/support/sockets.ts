import { readFile, readdir, readlink } from 'node:fs/promises';

export interface OpenSocket {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  /** Local address as `a.b.c.d:port` (IPv4) or the raw hex of /proc/net for IPv6. */
  local: string;
  /** `0A` = LISTEN for TCP. */
  state: string;
}

/** Socket inodes a process holds open, from its /proc/<pid>/fd links (`socket:[inode]`). */
async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  return inodes;
}

function ipv4(hex: string): string {
  const [address, port] = hex.split(':') as [string, string];
  const bytes = address.match(/../g)!.map((b) => Number.parseInt(b, 16)).reverse();
  return `${bytes.join('.')}:${Number.parseInt(port, 16)}`;
}

/** The IP sockets (TCP and UDP, v4 and v6) process `pid` holds, from /proc/net. */
export async function ipSockets(pid: number): Promise<OpenSocket[]> {
  const inodes = await socketInodes(pid);
  const sockets: OpenSocket[] = [];
  for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const table = await readFile(`/proc/${pid}/net/${protocol}`, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      sockets.push({ protocol, local: protocol.endsWith('6') ? fields[1]! : ipv4(fields[1]!), state: fields[3]! });
    }
  }
  return sockets;
}
