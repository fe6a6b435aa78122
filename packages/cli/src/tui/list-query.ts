import { parseKeyValue, checkKey } from '../fields/key-values.js';

/** What the image table shows: server-side filters and sort, plus a free-text search done locally. */
export interface ListQuery {
  filters: Record<string, string>;
  text: string;
  sort: string;
  dir: 'asc' | 'desc';
}

/** Fields `s` cycles through. */
export const SORT_CYCLE = ['created_at', 'name', 'size', 'status', 'architecture', 'format', 'access_count', 'updated_at'] as const;

/**
 * Reads the `/` prompt: `k=v` words become exact-match filters on a field or custom property,
 * other words a case-insensitive search in every field. Throws UsageError on a bad field name.
 */
export function parseFilterInput(input: string): Pick<ListQuery, 'filters' | 'text'> {
  const filters: Record<string, string> = {};
  const words: string[] = [];
  for (const word of input.trim().split(/\s+/).filter(Boolean)) {
    if (word.includes('=')) {
      const kv = parseKeyValue(word);
      checkKey(kv);
      filters[kv.key] = String(kv.value);
    } else words.push(word);
  }
  return { filters, text: words.join(' ') };
}

/** Does any field of the image contain the text (case-insensitive)? */
export function matchesText(image: Record<string, unknown>, text: string): boolean {
  if (text === '') return true;
  const needle = text.toLowerCase();
  return Object.values(image).some((v) => v !== null && v !== undefined && String(v).toLowerCase().includes(needle));
}

/** The filter as the prompt shows it. */
export function describeQuery(query: ListQuery): string {
  return [...Object.entries(query.filters).map(([k, v]) => `${k}=${v}`), query.text].filter(Boolean).join(' ');
}
