export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** A structured logger: a message and fields (errors in fields are serialised with their code and cause). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger adding `fields` to every record. */
  child(fields: Record<string, unknown>): Logger;
}

const discard = (): void => undefined;

/** A logger that writes nothing (tests, embedding without logs). */
export const silentLogger: Logger = Object.freeze({
  debug: discard,
  info: discard,
  warn: discard,
  error: discard,
  child: () => silentLogger,
});
