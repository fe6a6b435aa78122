import { closest, distance } from 'fastest-levenshtein';
import { ConfigError } from '../errors/config-errors.js';

/**
 * The known key a misspelt one most likely meant: the closest by edit
 * distance (Levenshtein, compared case-insensitively so `anonymousread`
 * finds `anonymousRead`), if it is near enough to be a typo: at most 2 edits
 * away (a swapped pair of letters is 2), or a third of the key's length for
 * longer keys, and fewer edits than the key has letters. Undefined otherwise.
 */
export function nearestKnownKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lowered = known.map((name) => name.toLowerCase());
  const guess = closest(key.toLowerCase(), lowered);
  const edits = distance(key.toLowerCase(), guess);
  if (edits > Math.max(2, Math.floor(key.length / 3)) || edits >= key.length) return undefined;
  return known[lowered.indexOf(guess)];
}

/**
 * Throws a ConfigError for the first key of `options` not in `known`, naming
 * its full path (`<optionsKey>.<key>`, e.g. `plugins[0].options.statsDay` or
 * `stores.images.options.directry`), the nearest known key when one is near,
 * and the keys allowed. `subject` says whose options these are, e.g.
 * `"plugin tracking"` or `"backend fs"` (the message then says "unknown
 * option; ... backend fs takes a, b"); without it, "unknown setting; ...
 * allowed here: a, b". Every first-party plugin and backend calls this, so a
 * typo stops the start instead of being ignored.
 */
export function rejectUnknownKeys(options: object, optionsKey: string | undefined, known: readonly string[], subject?: string): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const near = nearestKnownKey(name, known);
    const hint = near === undefined ? '' : `did you mean '${near}'? `;
    const list = known.length === 0 ? 'none' : known.join(', ');
    const message = subject === undefined ? `unknown setting; ${hint}allowed here: ${list}` : `unknown option; ${hint}${subject} takes ${list}`;
    throw new ConfigError(optionsKey === undefined ? name : `${optionsKey}.${name}`, message);
  }
}
