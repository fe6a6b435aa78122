import { createRequire } from 'node:module';

type Distance = (a: string, b: string) => number;
let distance: Distance | undefined;

/** fastest-levenshtein (CommonJS), loaded on the first typo check: most commands never make one. */
function levenshtein(): Distance {
  distance ??= (createRequire(import.meta.url)('fastest-levenshtein') as { distance: Distance }).distance;
  return distance;
}

/**
 * The candidate closest to `word` by edit distance, when it is close enough to be a typo
 * (at most 2 edits, and fewer than half the word's letters); undefined otherwise.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const measure = levenshtein();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = measure(word.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance > 0 && bestDistance <= 2 && bestDistance <= word.length / 2 ? best : undefined;
}
