/**
 * A Java exception as WebHDFS reports it: the HTTP status of its class and a
 * `RemoteException` JSON body.
 *
 * Source: WebHDFS REST API, "Error Responses" (the table "HTTP Response
 * Codes": IllegalArgumentException and UnsupportedOperationException 400,
 * SecurityException 401, IOException 403, FileNotFoundException 404,
 * RuntimeException 500) and "RemoteException JSON Schema" (`exception`,
 * `javaClassName`, `message`). Subclasses of IOException (AccessControl,
 * SafeMode, Standby, FileAlreadyExists, ...) answer 403 like their parent, as
 * the namenode's ExceptionHandler maps them.
 */
export class RemoteException extends Error {
  constructor(
    /** Fully qualified, e.g. `java.io.FileNotFoundException`. */
    readonly javaClassName: string,
    message: string,
    /** The HTTP status the class maps to. */
    readonly status: number,
  ) {
    super(message);
  }

  /** The simple class name, e.g. `FileNotFoundException`. */
  get exception(): string {
    return this.javaClassName.slice(this.javaClassName.lastIndexOf('.') + 1);
  }

  toJSON(): { RemoteException: { exception: string; javaClassName: string; message: string } } {
    return { RemoteException: { exception: this.exception, javaClassName: this.javaClassName, message: this.message } };
  }
}

const io = (javaClassName: string) => (message: string) => new RemoteException(javaClassName, message, 403);

/** The exceptions the emulator raises, each with the status the WebHDFS table gives its class. */
export const exceptions = {
  illegalArgument: (message: string) => new RemoteException('java.lang.IllegalArgumentException', message, 400),
  unsupportedOperation: (message: string) => new RemoteException('java.lang.UnsupportedOperationException', message, 400),
  /** HadoopIllegalArgumentException, hence 400. */
  invalidPath: (message: string) => new RemoteException('org.apache.hadoop.fs.InvalidPathException', message, 400),
  security: (message: string) => new RemoteException('java.lang.SecurityException', message, 401),
  fileNotFound: (message: string) => new RemoteException('java.io.FileNotFoundException', message, 404),
  io: io('java.io.IOException'),
  accessControl: io('org.apache.hadoop.security.AccessControlException'),
  fileAlreadyExists: io('org.apache.hadoop.fs.FileAlreadyExistsException'),
  parentNotDirectory: io('org.apache.hadoop.fs.ParentNotDirectoryException'),
  pathIsNotEmptyDirectory: io('org.apache.hadoop.fs.PathIsNotEmptyDirectoryException'),
  safeMode: io('org.apache.hadoop.hdfs.server.namenode.SafeModeException'),
  standby: io('org.apache.hadoop.ipc.StandbyException'),
};
