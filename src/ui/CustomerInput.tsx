/** The customer's message as it is typed; the last lines show when it is long. */
import { Box, Text } from 'ink';
import { sanitize } from '../text/sanitize.js';
import { CUSTOMER_COLOR } from './theme.js';

const INPUT_MAX_LINES = 5;
const LABEL = { customer: 'Customer › ', edit: 'Edit reply › ', find: 'Find › ', seat: 'You › ' } as const;

/** Rows the input takes on screen: its border, its lines and the hint. */
export function inputHeight(draft: string): number {
  return Math.min(draft.split('\n').length, INPUT_MAX_LINES) + 3;
}

/** The input for a customer message, (kind `edit`) for the new text of the last reply, or (`find`) for a search. */
export function CustomerInput({
  draft,
  width,
  busy,
  kind = 'customer',
  title = '',
}: {
  draft: string;
  width: number;
  busy: boolean;
  kind?: 'customer' | 'edit' | 'find' | 'seat';
  /** Whose reply the person writes, for `seat`: "CTO, turn 3 of Design (Language)". */
  title?: string;
}) {
  const edit = kind === 'edit';
  const color = edit ? 'magenta' : kind === 'find' ? 'cyan' : kind === 'seat' ? 'green' : CUSTOMER_COLOR;
  const lines = sanitize(draft).split('\n');
  const shown = lines.slice(-INPUT_MAX_LINES);
  return (
    <Box flexDirection="column" width={width}>
      <Box borderStyle="round" borderColor={color} flexDirection="column" paddingX={1}>
        {shown.map((line, i) => (
          <Text key={i} wrap="truncate-start">
            {i === 0 && lines.length <= INPUT_MAX_LINES ? (
              <Text color={color} bold>
                {LABEL[kind]}
              </Text>
            ) : null}
            {line}
            {i === shown.length - 1 ? <Text inverse> </Text> : null}
          </Text>
        ))}
      </Box>
      <Text dimColor wrap="truncate-end">
        {kind === 'find'
          ? 'enter finds · esc cancels · /text/ is a regular expression (/text/i ignores case) · n and N move between matches'
          : kind === 'seat'
            ? `Your reply as ${title} · enter sends · esc closes, the run waits · alt+enter new line`
            : `${edit ? 'enter saves the edit' : 'enter sends'} · esc cancels · alt+enter new line · paste keeps lines${busy ? ' · goes in before the next turn' : ''}${lines.length > INPUT_MAX_LINES ? ` · ${lines.length} lines` : ''}`}
      </Text>
    </Box>
  );
}
