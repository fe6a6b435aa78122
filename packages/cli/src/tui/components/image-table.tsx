import { Box, Text } from 'ink';
import type { BriefImage, Image } from '@visor/client';
import { formatBytes } from '../../output/human.js';

export interface ImageTableProps {
  images: ReadonlyArray<BriefImage | Image>;
  selected: number;
  /** Rows available, header included. */
  height: number;
  width: number;
}

const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width));

/** The first row shown so that `selected` is visible in a window of `visible` rows. */
export function windowStart(selected: number, visible: number, count: number): number {
  if (count <= visible) return 0;
  return Math.min(Math.max(0, selected - Math.floor(visible / 2)), count - visible);
}

/** The browsable image list: name, architecture, format, size, status (and the id when there is room). */
export function ImageTable({ images, selected, height, width }: ImageTableProps) {
  const showId = width >= 110;
  const fixed = 8 + 7 + 10 + 10 + (showId ? 38 : 0) + 6;
  const nameWidth = Math.max(8, width - fixed);
  const row = (i: BriefImage | Image) =>
    `${showId ? `${i.id}  ` : ''}${fit(i.name, nameWidth)} ${fit(i.architecture, 8)}${fit(i.format ?? '-', 7)}${fit(formatBytes(i.size), 10)}${fit(i.status, 10)}`;
  const visible = Math.max(1, height - 1);
  const start = windowStart(selected, visible, images.length);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>{`${showId ? `${'ID'.padEnd(38)}` : ''}${fit('NAME', nameWidth)} ${fit('ARCH', 8)}${fit('FORMAT', 7)}${fit('SIZE', 10)}${fit('STATUS', 10)}`}</Text>
      {images.length === 0 ? <Text dimColor>no images match</Text> : null}
      {images.slice(start, start + visible).map((image, k) => (
        <Text key={image.id} inverse={start + k === selected} wrap="truncate">
          {row(image)}
        </Text>
      ))}
    </Box>
  );
}
