import { ConfigError, expectString, fail, isPlainObject, pluginShapeProblems, type EncoderPlugin } from '@visor/plugin-api';
import { CONFIG_DEFAULTS } from './defaults.js';
import type { EncoderConfig } from './types.js';

function resolveEncoder(value: unknown, key: string): EncoderConfig {
  if (typeof value === 'string') return { name: expectString(value, key) };
  if (isPlainObject(value)) {
    const problems = pluginShapeProblems(value, 'encoder');
    if (problems.length > 0) throw new ConfigError(key, `is not a valid encoder plugin object: ${problems.join('; ')}`);
    const plugin = value as unknown as EncoderPlugin;
    return { name: plugin.name, plugin };
  }
  fail(key, "must be an encoder name such as 'json', or an EncoderPlugin object", value);
}

/** The `encoders` list: names or EncoderPlugin objects, at least one, none twice. The first is the default response type. */
export function resolveEncoders(value: unknown): EncoderConfig[] {
  if (value === undefined) return CONFIG_DEFAULTS.encoders.map((name) => ({ name }));
  if (!Array.isArray(value)) fail('encoders', 'must be a list of encoder names or EncoderPlugin objects', value);
  if (value.length === 0) throw new ConfigError('encoders', 'must list at least one encoder');
  const encoders = value.map((item, index) => resolveEncoder(item, `encoders[${index}]`));
  encoders.forEach((encoder, index) => {
    if (encoders.findIndex((other) => other.name === encoder.name) !== index) {
      throw new ConfigError(`encoders[${index}]`, `'${encoder.name}' is listed twice`);
    }
  });
  return encoders;
}
