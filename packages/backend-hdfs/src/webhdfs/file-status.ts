/**
 * A FileStatus JSON object, the fields Visor reads (WebHDFS REST API,
 * "FileStatus Properties"). Times are milliseconds since the epoch by the
 * namenode's clock; `length` is bytes (0 for directories).
 */
export interface FileStatus {
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  modificationTime: number;
  accessTime?: number;
  owner?: string;
  group?: string;
  /** Octal string, e.g. `644`. */
  permission?: string;
  replication?: number;
  blockSize?: number;
}

/** A LISTSTATUS answer, with the namenode's clock at the time of the answer when it sent a `Date` header. */
export interface DirectoryListing {
  entries: FileStatus[];
  /** Milliseconds since the epoch (second precision), or undefined without a usable Date header. */
  serverTime: number | undefined;
}
