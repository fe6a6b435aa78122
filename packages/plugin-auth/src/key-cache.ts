/**
 * Verified keys kept in memory for a short time (`ttlMs`), so a signed
 * request does not read and decrypt its user's secret from the database
 * each time. Bounded in age and in count (`maxEntries`, the oldest entry
 * goes first). Changes made through this instance invalidate at once;
 * changes made by another instance sharing the database (rotation,
 * deletion, a role change) take effect here within `ttlMs`.
 *
 * A lookup that started before an invalidation does not cache its (possibly
 * stale) answer: `generation` tells them apart.
 */
export class KeyCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private invalidations = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The number of invalidations so far: pass it to `set` from before the lookup. */
  get generation(): number {
    return this.invalidations;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Caches `value` unless caching is off or an invalidation happened since `generation` was read. */
  set(key: string, value: V, generation: number): void {
    if (this.ttlMs <= 0 || generation !== this.invalidations) return;
    this.entries.delete(key); // re-inserted last: the oldest entry is the first in the map
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
  }

  /** Forgets `key` (its user changed); lookups running now will not cache what they read. */
  invalidate(key: string): void {
    this.invalidations += 1;
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
