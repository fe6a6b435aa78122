/** Commander option parser for repeatable options: `--filter a=1 --filter b=2` → ['a=1', 'b=2']. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
