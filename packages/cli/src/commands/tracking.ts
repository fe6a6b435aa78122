import type { Command } from 'commander';
import type { Stats } from '@visor/client';
import { formatBytes } from '../output/human.js';
import type { Output } from '../output/output.js';
import { action } from '../run-action.js';

function countsLine(title: string, counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return `${title}: ${entries.length === 0 ? '-' : entries.map(([k, v]) => `${k} ${v}`).join(', ')}`;
}

async function printStats(output: Output, stats: Stats): Promise<void> {
  if (output.mode === 'json') return output.json({ stats });
  const days = stats.daily.filter((d) => d.uploads > 0 || d.downloads > 0);
  const lines = [
    `scope: ${stats.scope} (at ${stats.generated_at})`,
    `images: ${stats.images.total}`,
    countsLine('  by store', stats.images.by_store),
    countsLine('  by format', stats.images.by_format),
    countsLine('  by architecture', stats.images.by_architecture),
    countsLine('  by status', stats.images.by_status),
    countsLine('  by access', stats.images.by_access),
    `stored: ${stats.stored.length === 0 ? '-' : stats.stored.map((s) => `${s.store} ${s.images} images ${formatBytes(s.bytes)}`).join(', ')}`,
    `days with transfers (of the last ${stats.daily.length}): ${days.length === 0 ? '-' : ''}`,
    ...days.map((d) => `  ${d.day}  ${d.uploads} uploads (${formatBytes(d.uploaded_bytes)})  ${d.downloads} downloads (${formatBytes(d.downloaded_bytes)})`),
    `most downloaded: ${stats.top_downloads.length === 0 ? '-' : ''}`,
    ...stats.top_downloads.map((t) => `  ${t.image_id}  ${t.name}  ${t.downloads} downloads  ${formatBytes(t.bytes)}`),
  ];
  output.write(lines.join('\n'));
}

/** history, stats. */
export function registerTrackingCommands(program: Command): void {
  program
    .command('history')
    .description("an image's life-cycle events, oldest first (also after it is deleted)")
    .argument('<id>', 'image id')
    .action(
      action(async (context, id: string) => {
        const history = await (await context.client()).historyAll(id, { limit: 1000 });
        await context.output.rows(history, ['at', 'action', 'actor', 'bytes', 'outcome', 'detail'], { history });
      }),
    );
  program
    .command('stats')
    .description('usage figures: images by store, format, architecture and status; bytes; daily transfers; top downloads')
    .action(
      action(async (context) => {
        await printStats(context.output, await (await context.client()).stats());
      }),
    );
}
