import { Box, Text } from 'ink';
import type { Stats } from '@visor/client';
import { formatBytes } from '../../output/human.js';
import { BarChart } from './bar-chart.js';

const counts = (title: string, values: Record<string, number>) => (
  <Text wrap="truncate">
    <Text bold>{title.padEnd(15)}</Text>
    {Object.entries(values).map(([k, v]) => `${k} ${v}`).join('  ') || '-'}
  </Text>
);

/** The `GET /stats` dashboard: counts, bytes per store, daily uploads/downloads as bars, most downloaded images. */
export function Dashboard({ stats, width, height }: { stats: Stats | undefined; width: number; height: number }) {
  if (stats === undefined) return <Text dimColor>loading statistics…</Text>;
  const days = stats.daily.slice(-Math.max(1, Math.floor((width - 2) / 3)));
  const chartHeight = Math.max(2, Math.min(8, height - 16));
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>{`Images: ${stats.images.total} (scope ${stats.scope})`}</Text>
      {counts('by store', stats.images.by_store)}
      {counts('by format', stats.images.by_format)}
      {counts('by arch', stats.images.by_architecture)}
      {counts('by status', stats.images.by_status)}
      <Text wrap="truncate">
        <Text bold>{'bytes'.padEnd(15)}</Text>
        {stats.stored.map((s) => `${s.store} ${formatBytes(s.bytes)} (${s.images})`).join('  ') || '-'}
      </Text>
      <Text bold>{`Transfers per day, last ${days.length} days`}</Text>
      <BarChart
        height={chartHeight}
        labels={days.map((d) => d.day)}
        series={[
          { label: 'uploads', color: 'green', values: days.map((d) => d.uploads) },
          { label: 'downloads', color: 'blue', values: days.map((d) => d.downloads) },
        ]}
      />
      <Text bold>Most downloaded</Text>
      {stats.top_downloads.length === 0 ? <Text dimColor>none yet</Text> : null}
      {stats.top_downloads.slice(0, 3).map((t) => (
        <Text key={t.image_id} wrap="truncate">{`${String(t.downloads).padStart(5)}  ${t.name}  ${formatBytes(t.bytes)}`}</Text>
      ))}
    </Box>
  );
}
