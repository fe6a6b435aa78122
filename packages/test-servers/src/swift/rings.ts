import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** 2^6 partitions, one replica, no minimum hours between moves: a ring for one device. */
const CREATE = ['create', '6', '1', '0'];

/**
 * Runs swift-ring-builder commands (the same `main` the `swift-ring-builder`
 * script calls) in one Python process: three rings × three commands would
 * otherwise cost nine interpreter starts, several seconds on a small machine.
 * Each command's exit status is checked as the script's would be (0 = done).
 */
const RING_BUILDER = `
import json, sys
from swift.cli.ringbuilder import main
for command in json.loads(sys.argv[1]):
    try:
        main(['swift-ring-builder'] + command)
        status = 0
    except SystemExit as done:
        status = done.code or 0
    if status != 0:
        sys.exit('swift-ring-builder %s failed (exit %s)' % (' '.join(command), status))
`;

/**
 * Builds `account.ring.gz`, `container.ring.gz` and `object.ring.gz` in
 * `etcDir`, each with one device, `d1`, served by 127.0.0.1 on the given port.
 */
export async function buildRings(etcDir: string, ports: { account: number; container: number; object: number }): Promise<void> {
  const commands = Object.entries(ports).flatMap(([kind, port]) => {
    const builder = join(etcDir, `${kind}.builder`);
    return [
      [builder, ...CREATE],
      [builder, 'add', `r1z1-127.0.0.1:${port}/d1`, '1'],
      [builder, 'rebalance'],
    ];
  });
  try {
    await run('/usr/bin/python3', ['-c', RING_BUILDER, JSON.stringify(commands)], { cwd: etcDir });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`building the Swift rings failed: ${stderr.trim() || stdout.trim() || String(error)}`, { cause: error });
  }
}
