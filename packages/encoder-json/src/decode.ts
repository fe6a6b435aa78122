import { BadRequestError, lineColumnAt } from '@visor/plugin-api';

const BYTE_ORDER_MARK = 0xfeff;
const ONLY_JSON_WHITESPACE = /^[ \t\r\n]*$/;
const PARSER_POSITION = /at position (\d+)/;

/** Parses a JSON request body; throws BadRequestError for an empty or malformed one. */
export function decodeJson(text: string): unknown {
  const source = text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  if (ONLY_JSON_WHITESPACE.test(source)) throw new BadRequestError('empty body');
  try {
    return JSON.parse(source);
  } catch (error) {
    throw invalidJson(source, error);
  }
}

function invalidJson(source: string, error: unknown): BadRequestError {
  const reason = error instanceof Error ? error.message : String(error);
  const position = PARSER_POSITION.exec(reason)?.[1];
  if (position === undefined) {
    return new BadRequestError(`request body is not valid JSON: ${reason}`, { cause: error });
  }
  const { line, column } = lineColumnAt(source, Number(position));
  return new BadRequestError(`request body is not valid JSON: ${reason} (line ${line}, column ${column})`, {
    cause: error,
    details: { position: Number(position), line, column },
  });
}
