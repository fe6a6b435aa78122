import { Box, Text } from 'ink';
import { formatBytes, formatDuration } from '../../output/human.js';
import type { ProgressSnapshot } from '../../transfer/progress.js';

export interface TransferItem {
  id: number;
  kind: 'upload' | 'download';
  label: string;
  progress: ProgressSnapshot;
  state: 'running' | 'done' | 'failed';
  message?: string;
}

function bar(progress: ProgressSnapshot, width: number): string {
  if (!progress.total) return ''.padEnd(width, '·');
  const filled = Math.round((Math.min(progress.done, progress.total) / progress.total) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** Transfers in progress and finished, newest last, each with a bar, bytes, rate and ETA. */
export function TransfersPanel({ transfers, width }: { transfers: readonly TransferItem[]; width: number }) {
  if (transfers.length === 0) return null;
  const barWidth = Math.max(5, Math.min(20, width - 60));
  return (
    <Box flexDirection="column" borderStyle="single" borderColor="gray" paddingX={1}>
      {transfers.slice(-3).map((t) => (
        <Text key={t.id} wrap="truncate">
          <Text color={t.state === 'failed' ? 'red' : t.state === 'done' ? 'green' : 'yellow'}>{t.kind === 'upload' ? '↑' : '↓'}</Text>
          {` ${t.label.slice(0, 20).padEnd(20)} ${bar(t.progress, barWidth)} ${formatBytes(t.progress.done)}`}
          {t.state === 'running'
            ? `  ${formatBytes(Math.round(t.progress.rate))}/s  ETA ${formatDuration(t.progress.eta ?? NaN)}`
            : `  ${t.message ?? t.state}`}
        </Text>
      ))}
    </Box>
  );
}
