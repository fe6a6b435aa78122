import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

/**
 * The two bottom lines: the last message (red for an error), then the server, the user and
 * the key hints. A prompt, given as children, takes the message's line. The message has a line of its own so that it is readable in 80 columns.
 */
export function StatusLine({ server, user, message, error, width, children }: { server: string; user: string; message: string; error: boolean; width: number; children?: ReactNode }) {
  const hints = '? help  q quit';
  const left = `${server} · ${user}`.slice(0, Math.max(10, width - hints.length - 4));
  return (
    <Box flexDirection="column">
      {children ?? (
        <Text wrap="truncate" color={error ? 'red' : 'green'}>
          {message}
        </Text>
      )}
      <Text wrap="truncate">
        <Text inverse>{` ${left} `}</Text>
        {' '.repeat(Math.max(1, width - left.length - hints.length - 2))}
        <Text dimColor>{hints}</Text>
      </Text>
    </Box>
  );
}
