import { Box, Text } from 'ink';

export interface BarSeries {
  label: string;
  color: string;
  values: readonly number[];
}

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * A vertical bar chart drawn with block characters: one column per value of each series,
 * series side by side per day, `height` text rows tall, scaled to the largest value.
 */
export function BarChart({ series, height, labels }: { series: readonly BarSeries[]; height: number; labels: readonly string[] }) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const rows: Array<Array<{ ch: string; color: string }>> = [];
  for (let r = height - 1; r >= 0; r--) {
    const line: Array<{ ch: string; color: string }> = [];
    for (let i = 0; i < labels.length; i++) {
      for (const s of series) {
        const eighths = Math.round(((s.values[i] ?? 0) / max) * height * 8);
        const here = Math.min(8, Math.max(0, eighths - r * 8));
        line.push({ ch: BLOCKS[here]!, color: s.color });
      }
      line.push({ ch: ' ', color: 'white' });
    }
    rows.push(line);
  }
  return (
    <Box flexDirection="column">
      <Text dimColor>{`max ${max}`}</Text>
      {rows.map((line, r) => (
        <Text key={r}>
          {line.map((cell, c) => (
            <Text key={c} color={cell.color}>
              {cell.ch}
            </Text>
          ))}
        </Text>
      ))}
      <Text dimColor>{`${labels[0] ?? ''} … ${labels.at(-1) ?? ''}`}</Text>
      <Text>
        {series.map((s) => (
          <Text key={s.label} color={s.color}>{`█ ${s.label}  `}</Text>
        ))}
      </Text>
    </Box>
  );
}
