/** Every key, generated from the keymap, and what the timeline's symbols mean. */
import { Box, Text } from 'ink';
import { KEYMAP } from './keymap.js';
import { STATUS_COLOR, STATUS_ICON, STATUS_WORD } from './theme.js';

export function HelpOverlay({ height }: { height: number }) {
  const labelWidth = Math.max(...KEYMAP.map((b) => b.label.length)) + 2;
  return (
    <Box flexDirection="column" height={height} overflow="hidden" paddingX={1}>
      <Text bold>Keys <Text dimColor>(? or esc closes)</Text></Text>
      {KEYMAP.map((b) => (
        <Text key={b.command} wrap="truncate-end">
          <Text bold color="cyan">{b.label.padEnd(labelWidth)}</Text>
          {b.description}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor wrap="truncate-end">Footer: tokens in and out, cost (~ when estimated), latency to the first token / for the whole reply.</Text>
      <Text wrap="truncate-end">
        {(Object.keys(STATUS_ICON) as Array<keyof typeof STATUS_ICON>).map((status) => (
          <Text key={status}>
            <Text color={STATUS_COLOR[status]}>{STATUS_ICON[status]}</Text>
            {` ${STATUS_WORD[status]}   `}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
