import type { INode } from './inodes.js';
import { exceptions } from './remote-exception.js';

export type Access = 'READ' | 'WRITE' | 'EXECUTE' | 'READ_EXECUTE';

const BITS: Record<Access, number> = { READ: 4, WRITE: 2, EXECUTE: 1, READ_EXECUTE: 5 };

export interface Principals {
  /** The namenode's superuser: every check passes (HDFS Permissions Guide, "The Super-User"). */
  superuser: string;
  /** Group memberships by user; the superuser's group is `supergroup`. */
  groupsOf(user: string): readonly string[];
}

function modeString(node: INode): string {
  const rwx = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  const p = node.permission;
  return `${node.type === 'DIRECTORY' ? 'd' : '-'}${rwx(p >> 6)}${rwx(p >> 3)}${rwx(p)}`;
}

/**
 * POSIX-style check of the owner, group or other bits (HDFS Permissions
 * Guide, "Overview"); throws AccessControlException (403) worded as the
 * namenode's FSPermissionChecker does.
 */
export function checkAccess(principals: Principals, user: string, node: INode, path: string, access: Access): void {
  if (user === principals.superuser) return;
  const wanted = BITS[access];
  let granted: number;
  if (user === node.owner) granted = (node.permission >> 6) & 7;
  else if (principals.groupsOf(user).includes(node.group)) granted = (node.permission >> 3) & 7;
  else granted = node.permission & 7;
  if ((granted & wanted) === wanted) return;
  throw exceptions.accessControl(
    `Permission denied: user=${user}, access=${access}, inode="${path}":${node.owner}:${node.group}:${modeString(node)}`,
  );
}
