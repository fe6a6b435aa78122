import { silentLogger, type Logger, type LogLevel } from '@visor/plugin-api';

export { silentLogger, type Logger, type LogLevel };

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined) out.cause = serialise(value.cause);
    return out;
  }
  return value;
}

/** A JSON-lines logger: one object per line on the given stream (stderr by default). */
export function createLogger(
  level: LogLevel = 'info',
  stream: { write(chunk: string): unknown } = process.stderr,
  base: Record<string, unknown> = {},
): Logger {
  const threshold = ORDER[level];
  const write = (lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < threshold) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, msg: message, ...base };
    if (fields) for (const [k, v] of Object.entries(fields)) record[k] = serialise(v);
    stream.write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(level, stream, { ...base, ...fields }),
  };
}

