import { Box, Text } from 'ink';

/** The keys of the UI, as `?` shows them and the README lists them. */
export const KEYS: ReadonlyArray<readonly [string, string]> = [
  ['↑ ↓  PgUp PgDn  Home End', 'move in the image list'],
  ['Enter', 'show or hide the detail pane (always shown on wide terminals)'],
  ['/', 'filter: k=v words filter on a field or custom property, other words search every field'],
  ['s / S', 'change the sort field / reverse the direction'],
  ['u', 'upload a file as a new image (Tab completes the path)'],
  ['d', 'download the selected image (several at once; see the transfers panel)'],
  ['m', 'share with a user (write -user to stop sharing)'],
  ['e', 'edit fields (k=v; k:=null removes a property)'],
  ['x / Delete', 'delete the selected image (asks first)'],
  ['i', 'history of the selected image'],
  ['t / Tab', 'dashboard of statistics / back to the images'],
  ['r', 'refresh'],
  ['Esc', 'close a prompt, view or pane'],
  ['?', 'this help'],
  ['q / Ctrl-C', 'quit'],
];

export function HelpView() {
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {KEYS.map(([key, what]) => (
        <Text key={key} wrap="truncate">
          <Text color="cyan">{key.padEnd(26)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
