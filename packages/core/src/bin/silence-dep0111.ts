// restify 11 reaches http_parser through spdy's http-deceiver, which calls the deprecated
// process.binding(): Node then warns (DEP0111) on every start, about code we do not own.
// This module must be imported before restify; it drops that one warning and no other.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
  if (code === 'DEP0111') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
