import { Text } from 'ink';

/** The bottom line: server, user, a message, and the key hints. */
export function StatusLine({ server, user, message, error, width }: { server: string; user: string; message: string; error: boolean; width: number }) {
  const left = `${server} · ${user}`;
  const hints = '? help  q quit';
  const room = Math.max(0, width - left.length - hints.length - 4);
  const msg = message.length > room ? `${message.slice(0, Math.max(0, room - 1))}…` : message.padEnd(room);
  return (
    <Text wrap="truncate">
      <Text inverse>{` ${left} `}</Text> <Text color={error ? 'red' : 'green'}>{msg}</Text> <Text dimColor>{hints}</Text>
    </Text>
  );
}
