export { startWebHdfsEmulator, WebHdfsEmulator, type WebHdfsEmulatorOptions } from './emulator.js';
export { EmulatedNamenode, type HaState } from './namenode.js';
export { EmulatedDatanode } from './datanode.js';
export { Namespace } from './namespace.js';
export { RemoteException, exceptions } from './remote-exception.js';
export type { FileStatusJson, FileNode, DirectoryNode, INode } from './inodes.js';
export { STATIC_WEB_USER } from './authentication.js';
