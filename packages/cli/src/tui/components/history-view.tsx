import { Box, Text } from 'ink';
import type { HistoryEvent } from '@visor/client';
import { formatBytes } from '../../output/human.js';

/** An image's events, newest at the bottom, as many as fit. */
export function HistoryView({ name, events, height }: { name: string; events: readonly HistoryEvent[] | undefined; height: number }) {
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>{`History of ${name}`}</Text>
      {events === undefined ? <Text dimColor>loading…</Text> : null}
      {(events ?? []).slice(-(height - 1)).map((e) => (
        <Text key={e.id} wrap="truncate">
          {`${e.at.replace('T', ' ').slice(0, 19)}  ${e.action.padEnd(14)} ${(e.actor ?? '-').padEnd(12)} ${e.bytes === null ? '' : formatBytes(e.bytes)} ${e.detail ?? ''}`}
        </Text>
      ))}
    </Box>
  );
}
