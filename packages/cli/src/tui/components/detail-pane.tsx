import { Box, Text } from 'ink';
import type { Image } from '@visor/client';
import { formatBytes } from '../../output/human.js';

/** Every field of the selected image, custom properties last, one per line. */
export function DetailPane({ image, height, width }: { image: Image | undefined; height: number; width: number }) {
  if (image === undefined) return <Box height={height} width={width}><Text dimColor>no image selected</Text></Box>;
  const entries = Object.entries(image).map(([k, v]) => [k, k === 'size' && typeof v === 'number' ? `${v} (${formatBytes(v)})` : v === null ? '-' : String(v)] as const);
  const keyWidth = Math.min(14, Math.max(...entries.map(([k]) => k.length)));
  return (
    <Box flexDirection="column" height={height} width={width} borderStyle="single" paddingX={1}>
      {entries.slice(0, Math.max(0, height - 2)).map(([k, v]) => (
        <Text key={k} wrap="truncate">
          <Text color="cyan">{k.padEnd(keyWidth)}</Text> {v}
        </Text>
      ))}
    </Box>
  );
}
