import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileStatusOf, type DirectoryNode, type FileNode, type FileStatusJson, type INode } from './inodes.js';
import { joinComponents, pathComponents } from './paths.js';
import { checkAccess, type Access, type Principals } from './permissions.js';
import { exceptions } from './remote-exception.js';

export interface NamespaceOptions {
  /** Where block files live (the datanode's disk). */
  dataDir: string;
  principals: Principals;
  /** The namenode's clock, milliseconds since the epoch. */
  clock(): number;
  /** Default replication and block size (bytes) of new files (dfs.replication, dfs.blocksize). */
  defaultReplication: number;
  defaultBlockSize: number;
}

export interface CreateFileOptions {
  overwrite: boolean;
  permission: number;
  replication?: number | undefined;
  blockSize?: number | undefined;
}

interface Resolved {
  components: string[];
  path: string;
  parent: DirectoryNode | null;
  node: INode | undefined;
}

/**
 * The namenode's namespace: a tree of directories and files with owners,
 * permission bits and times, shared by the emulated namenodes (as an HA pair
 * shares its edit log) and the datanode. Operations follow the semantics of
 * the FileSystem methods the WebHDFS REST API's "Operations" list names
 * (mkdirs, create, rename, rename2, delete, getFileStatus, listStatus).
 */
export class Namespace {
  /** Write operations throw SafeModeException while set. */
  safeMode = false;
  private nextId = 16385; // HDFS's first inode id after the root
  private readonly root: DirectoryNode;

  constructor(private readonly options: NamespaceOptions) {
    const { superuser } = options.principals;
    this.root = this.directory('', null, superuser, 'supergroup', 0o755);
  }

  private directory(name: string, parent: DirectoryNode | null, owner: string, group: string, permission: number): DirectoryNode {
    const now = this.options.clock();
    return { type: 'DIRECTORY', id: this.nextId++, name, parent, owner, group, permission, modificationTime: now, accessTime: 0, children: new Map() };
  }

  private check(user: string, node: INode, path: string, access: Access): void {
    checkAccess(this.options.principals, user, node, path, access);
  }

  private assertWritable(what: string, path: string): void {
    if (this.safeMode) throw exceptions.safeMode(`Cannot ${what} ${path}. Name node is in safe mode.`);
  }

  /**
   * Walks to `path`, checking EXECUTE on every ancestor directory it passes
   * (HDFS Permissions Guide: traversal needs x on each directory).
   */
  private resolve(path: string, user: string): Resolved {
    const components = pathComponents(path);
    const normal = joinComponents(components);
    let current: DirectoryNode = this.root;
    for (let i = 0; i < components.length - 1; i++) {
      this.check(user, current, joinComponents(components.slice(0, i)), 'EXECUTE');
      const next = current.children.get(components[i]!);
      if (next === undefined) return { components, path: normal, parent: null, node: undefined };
      if (next.type !== 'DIRECTORY') {
        throw exceptions.parentNotDirectory(`${joinComponents(components.slice(0, i + 1))} (is not a directory)`);
      }
      current = next;
    }
    if (components.length === 0) return { components, path: normal, parent: null, node: this.root };
    this.check(user, current, joinComponents(components.slice(0, -1)), 'EXECUTE');
    return { components, path: normal, parent: current, node: current.children.get(components.at(-1)!) };
  }

  private existing(path: string, user: string): Resolved & { node: INode } {
    const resolved = this.resolve(path, user);
    if (resolved.node === undefined) throw exceptions.fileNotFound(`File does not exist: ${resolved.path}`);
    return resolved as Resolved & { node: INode };
  }

  private touch(directory: DirectoryNode): void {
    directory.modificationTime = this.options.clock();
  }

  /** GETFILESTATUS. */
  status(path: string, user: string): FileStatusJson {
    return fileStatusOf(this.existing(path, user).node, '');
  }

  /** LISTSTATUS: a directory's children sorted by name, or a file's own status. */
  list(path: string, user: string): FileStatusJson[] {
    const { node, path: normal } = this.existing(path, user);
    if (node.type === 'FILE') return [fileStatusOf(node, '')];
    this.check(user, node, normal, 'READ_EXECUTE');
    return [...node.children.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((child) => fileStatusOf(child, child.name));
  }

  /**
   * MKDIRS with parents; true also when the directory exists. WRITE is
   * checked on the deepest existing ancestor, as FSDirMkdirOp does.
   */
  mkdirs(path: string, permission: number, user: string): boolean {
    const components = pathComponents(path);
    let current = this.root;
    for (let i = 0; i < components.length; i++) {
      const prefix = joinComponents(components.slice(0, i));
      const existing = current.children.get(components[i]!);
      if (existing === undefined) {
        this.assertWritable('create directory', joinComponents(components));
        this.check(user, current, prefix, 'WRITE');
        const group = current.group;
        const child = this.directory(components[i]!, current, user, group, permission);
        current.children.set(child.name, child);
        this.touch(current);
        current = child;
        continue;
      }
      if (existing.type !== 'DIRECTORY') {
        const at = joinComponents(components.slice(0, i + 1));
        if (i === components.length - 1) throw exceptions.fileAlreadyExists(`Path is not a directory: ${at}`);
        throw exceptions.parentNotDirectory(`${at} (is not a directory)`);
      }
      this.check(user, current, prefix, 'EXECUTE');
      current = existing;
    }
    return true;
  }

  /**
   * The datanode's create(): a new file under construction, parents created
   * (WebHDFS CREATE creates missing parents). An existing file is replaced
   * only with `overwrite` (FileAlreadyExistsException otherwise), a directory
   * never.
   */
  create(path: string, options: CreateFileOptions, user: string): FileNode {
    const resolved = this.resolve(path, user);
    this.assertWritable('create file', resolved.path);
    if (resolved.components.length === 0) throw exceptions.fileAlreadyExists('/ already exists as a directory');
    let parent = resolved.parent;
    if (parent === null) {
      this.mkdirs(joinComponents(resolved.components.slice(0, -1)), 0o755, user);
      parent = this.resolve(path, user).parent!;
    }
    const existing = resolved.node ?? parent.children.get(resolved.components.at(-1)!);
    if (existing?.type === 'DIRECTORY') throw exceptions.fileAlreadyExists(`${resolved.path} already exists as a directory`);
    if (existing !== undefined && !options.overwrite) {
      throw exceptions.fileAlreadyExists(`${resolved.path} for client 127.0.0.1 already exists`);
    }
    this.check(user, parent, joinComponents(resolved.components.slice(0, -1)), 'WRITE');
    if (existing !== undefined) this.drop(existing);
    const now = this.options.clock();
    const id = this.nextId++;
    const file: FileNode = {
      type: 'FILE',
      id,
      name: resolved.components.at(-1)!,
      parent,
      owner: user,
      group: parent.group,
      permission: options.permission,
      modificationTime: now,
      accessTime: now,
      length: 0,
      replication: options.replication ?? this.options.defaultReplication,
      blockSize: options.blockSize ?? this.options.defaultBlockSize,
      blockFile: join(this.options.dataDir, `blk_${id}`),
      underConstruction: true,
    };
    parent.children.set(file.name, file);
    this.touch(parent);
    return file;
  }

  /**
   * Bytes of an upload reached the disk. The modification time stays: HDFS
   * sets it when a file is created and when it is closed, not while it is
   * written (FSDirWriteFileOp), so a long upload looks as old as its start.
   */
  wrote(file: FileNode, bytes: number): void {
    file.length += bytes;
  }

  /** The writer closed the file (its upload ended whole): the modification time is the closing time. */
  complete(file: FileNode): void {
    file.underConstruction = false;
    file.modificationTime = this.options.clock();
  }

  /** OPEN: the file to read; FileNotFoundException for a missing path or a directory. */
  openForRead(path: string, user: string): FileNode {
    const { node, path: normal } = this.existing(path, user);
    if (node.type !== 'FILE') throw exceptions.fileNotFound(`Path is not a file: ${normal}`);
    this.check(user, node, normal, 'READ');
    return node;
  }

  /**
   * RENAME without options: FileSystem.rename's boolean answer. False when
   * the source is missing, the destination exists as a file, or the
   * destination's parent is missing; a destination that is a directory
   * receives the source inside it.
   */
  rename(source: string, destination: string, user: string): boolean {
    const from = this.resolve(source, user);
    this.assertWritable('rename', from.path);
    if (from.node === undefined || from.parent === null) return false;
    let to = this.resolve(destination, user);
    if (to.node?.type === 'DIRECTORY') {
      to = this.resolve(joinComponents([...to.components, from.node.name]), user);
    }
    if (to.path === from.path) return true;
    if (to.node !== undefined || to.parent === null) return false;
    if (to.path.startsWith(`${from.path}/`)) return false;
    this.check(user, from.parent, joinComponents(from.components.slice(0, -1)), 'WRITE');
    this.check(user, to.parent, joinComponents(to.components.slice(0, -1)), 'WRITE');
    this.move(from.node, from.parent, to.parent, to.components.at(-1)!);
    return true;
  }

  /**
   * RENAME with `renameoptions` (FileContext.rename / ClientProtocol.rename2):
   * failures are exceptions, and OVERWRITE replaces an existing destination
   * of the same kind (a directory only when empty).
   */
  rename2(source: string, destination: string, overwrite: boolean, user: string): void {
    const from = this.resolve(source, user);
    this.assertWritable('rename', from.path);
    if (from.node === undefined || from.parent === null) throw exceptions.fileNotFound(`rename source ${from.path} is not found.`);
    const to = this.resolve(destination, user);
    if (to.path === from.path) throw exceptions.fileAlreadyExists(`The source ${from.path} and destination ${to.path} are the same`);
    if (to.parent === null) throw exceptions.fileNotFound(`rename destination parent ${joinComponents(to.components.slice(0, -1))} not found.`);
    if (to.path.startsWith(`${from.path}/`)) throw exceptions.io(`Rename destination ${to.path} is a directory or file under source ${from.path}`);
    this.check(user, from.parent, joinComponents(from.components.slice(0, -1)), 'WRITE');
    this.check(user, to.parent, joinComponents(to.components.slice(0, -1)), 'WRITE');
    if (to.node !== undefined) {
      if (!overwrite) throw exceptions.fileAlreadyExists(`rename destination ${to.path} already exists.`);
      if (to.node.type !== from.node.type) {
        const kind = from.node.type === 'FILE' ? 'files' : 'directories';
        throw exceptions.io(`Source ${from.path} and destination ${to.path} must both be ${kind}`);
      }
      if (to.node.type === 'DIRECTORY' && to.node.children.size > 0) {
        throw exceptions.io(`rename destination directory is not empty: ${to.path}`);
      }
      this.drop(to.node);
    }
    this.move(from.node, from.parent, to.parent, to.components.at(-1)!);
  }

  private move(node: INode, from: DirectoryNode, to: DirectoryNode, name: string): void {
    from.children.delete(node.name);
    node.name = name;
    node.parent = to;
    to.children.set(name, node);
    this.touch(from);
    this.touch(to);
  }

  /**
   * DELETE: false for a missing path or the root; a non-empty directory
   * needs `recursive` (PathIsNotEmptyDirectoryException otherwise).
   */
  delete(path: string, recursive: boolean, user: string): boolean {
    const resolved = this.resolve(path, user);
    this.assertWritable('delete', resolved.path);
    if (resolved.node === undefined || resolved.parent === null) return false;
    if (resolved.node.type === 'DIRECTORY' && resolved.node.children.size > 0 && !recursive) {
      throw exceptions.pathIsNotEmptyDirectory(`\`${resolved.path} is non empty': Directory is not empty`);
    }
    this.check(user, resolved.parent, joinComponents(resolved.components.slice(0, -1)), 'WRITE');
    this.drop(resolved.node);
    this.touch(resolved.parent);
    return true;
  }

  /** Unlinks a node and frees its blocks (a writer still holding a removed file keeps writing to nothing visible). */
  private drop(node: INode): void {
    node.parent?.children.delete(node.name);
    const files: FileNode[] = [];
    const collect = (n: INode) => {
      if (n.type === 'FILE') files.push(n);
      else for (const child of n.children.values()) collect(child);
    };
    collect(node);
    for (const file of files) void rm(file.blockFile, { force: true }).catch(() => undefined);
  }

  /** For tests: every file below `path` (absolute paths, sorted), under construction or not. */
  filesUnder(path: string): Array<{ path: string; node: FileNode }> {
    const start = this.resolve(path, this.options.principals.superuser).node;
    const out: Array<{ path: string; node: FileNode }> = [];
    const walk = (node: INode, at: string) => {
      if (node.type === 'FILE') out.push({ path: at, node });
      else for (const child of node.children.values()) walk(child, `${at === '/' ? '' : at}/${child.name}`);
    };
    if (start !== undefined) walk(start, joinComponents(pathComponents(path)));
    return out.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** The superuser, who passes every permission check. */
  get superuser(): string {
    return this.options.principals.superuser;
  }

  /** SETOWNER and SETPERMISSION in one, as the superuser. */
  setOwner(path: string, owner: string, permission: number): void {
    const { node } = this.existing(path, this.superuser);
    node.owner = owner;
    node.permission = permission;
  }

  /** For tests: sets a node's modification time (as SETTIMES would). */
  setModificationTime(path: string, time: number): void {
    this.existing(path, this.options.principals.superuser).node.modificationTime = time;
  }
}
