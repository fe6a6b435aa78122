/** What every namespace entry has (HDFS INode attributes shown in a FileStatus). */
interface INodeBase {
  /** The `fileId` of FileStatus: unique, never reused. */
  readonly id: number;
  name: string;
  parent: DirectoryNode | null;
  owner: string;
  group: string;
  /** Permission bits, 0 to 0o1777. */
  permission: number;
  /** Milliseconds since the epoch, by the namenode's clock. */
  modificationTime: number;
  accessTime: number;
}

export interface DirectoryNode extends INodeBase {
  readonly type: 'DIRECTORY';
  readonly children: Map<string, INode>;
}

export interface FileNode extends INodeBase {
  readonly type: 'FILE';
  /** Bytes that reached the datanode's disk so far. */
  length: number;
  replication: number;
  /** Bytes. */
  blockSize: number;
  /** Where the datanode keeps the bytes. */
  readonly blockFile: string;
  /** True while a writer holds it (its upload has not ended). */
  underConstruction: boolean;
}

export type INode = DirectoryNode | FileNode;

/**
 * The FileStatus JSON object (WebHDFS REST API, "FileStatus JSON Schema" and
 * "FileStatus Properties"); `permission` is an octal string.
 */
export interface FileStatusJson {
  accessTime: number;
  blockSize: number;
  childrenNum: number;
  fileId: number;
  group: string;
  length: number;
  modificationTime: number;
  owner: string;
  pathSuffix: string;
  permission: string;
  replication: number;
  storagePolicy: number;
  type: 'FILE' | 'DIRECTORY';
}

export function fileStatusOf(node: INode, pathSuffix: string): FileStatusJson {
  const isFile = node.type === 'FILE';
  return {
    accessTime: node.accessTime,
    blockSize: isFile ? node.blockSize : 0,
    childrenNum: isFile ? 0 : node.children.size,
    fileId: node.id,
    group: node.group,
    length: isFile ? node.length : 0,
    modificationTime: node.modificationTime,
    owner: node.owner,
    pathSuffix,
    permission: node.permission.toString(8),
    replication: isFile ? node.replication : 0,
    storagePolicy: 0,
    type: node.type,
  };
}
