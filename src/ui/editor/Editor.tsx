/**
 * The inline editor on screen: the text wrapped into rows (the first after its label), the cursor shown where it
 * stands, scrolled so that the cursor's row is in view, and a line under it that says what it edits and which keys
 * do what (or asks before a changed text is dropped).
 */
import { Box, Text } from 'ink';
import { useState } from 'react';
import { CUSTOMER_COLOR } from '../theme.js';
import type { EditorMeta } from './editorKeys.js';
import { bufferOf, cursorPlace, layout, scrollTop, type Row } from './textBuffer.js';

export type EditorKind = 'customer' | 'edit' | 'find' | 'seat' | 'request';

const LABEL: Record<EditorKind, string> = { customer: 'Customer › ', edit: 'Edit reply › ', find: 'Find › ', seat: 'You › ', request: 'Request › ' };
const COLOR: Record<EditorKind, string> = { customer: CUSTOMER_COLOR, edit: 'magenta', find: 'cyan', seat: 'green', request: 'yellow' };

/** The width the text wraps at inside the editor's border and padding, one column kept for the cursor. */
export const editorTextWidth = (columns: number) => Math.max(4, columns - 5);

/** The rows the text takes with its label, laid out as the editor draws them. */
function rowsOf(kind: EditorKind, text: string, columns: number): { rows: Row[]; shown: string; offset: number } {
  const label = LABEL[kind];
  const shown = label + text;
  return { rows: layout(shown, editorTextWidth(columns)), shown, offset: [...label].length };
}

/** Rows the editor takes on screen: its border, the rows in view (at most `maxRows`) and the line under it. */
export function editorHeight(kind: EditorKind, text: string, columns: number, maxRows: number): number {
  return Math.min(rowsOf(kind, text, columns).rows.length, Math.max(1, maxRows)) + 3;
}

function hintOf(kind: EditorKind, meta: EditorMeta, busy: boolean, lines: string): string {
  const title = `${meta.title ? `${meta.title} · ` : ''}${lines}`;
  switch (kind) {
    case 'find':
      return 'enter finds · esc cancels · /text/ is a regular expression (/text/i ignores case) · n and N move between matches';
    case 'seat':
      return `${title}enter sends · esc closes, the run waits · alt+enter new line · ctrl+g $EDITOR`;
    case 'request':
      return `${title}enter sends it · esc closes (space then sends it as built) · alt+enter new line · ctrl+g $EDITOR`;
    case 'edit':
      return `${title}enter saves · esc cancels · alt+enter new line · ctrl+g $EDITOR`;
    case 'customer':
      return `${title}enter sends · esc cancels · alt+enter new line · paste keeps lines · ctrl+g $EDITOR${busy ? ' · goes in before the next turn' : ''}`;
  }
}

export function Editor({
  kind,
  text,
  meta,
  width,
  maxRows,
  busy,
}: {
  kind: EditorKind;
  text: string;
  meta: EditorMeta;
  width: number;
  maxRows: number;
  busy: boolean;
}) {
  const color = COLOR[kind];
  // The text is clean: what is typed or pasted goes through draftText, and an edit opens on sanitized text.
  const { rows, shown, offset } = rowsOf(kind, text, width);
  const all = [...shown];
  const cursor = bufferOf(text, meta.cursor ?? undefined).cursor + offset;
  const place = cursorPlace(shown, rows, cursor);
  const height = Math.min(rows.length, Math.max(1, maxRows));
  // Where the view was scrolled to last: it moves only as far as the cursor needs (set while rendering, as React
  // allows for state that follows from the props).
  const [scrolled, setScrolled] = useState(0);
  const top = scrollTop(scrolled, place.row, height, rows.length);
  if (top !== scrolled) setScrolled(top);
  const visible = rows.slice(top, top + height);
  const lines = rows.length > height ? `row ${place.row + 1}/${rows.length} · ` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Box borderStyle="round" borderColor={color} flexDirection="column" paddingX={1}>
        {visible.map((row, i) => {
          const index = top + i;
          const label = Math.max(0, Math.min(offset, row.end) - row.start);
          const head = all.slice(row.start, row.start + label).join('');
          const body = (from: number, to: number) => all.slice(Math.max(from, row.start + label), to).join('');
          if (index !== place.row) {
            return (
              <Text key={index} wrap="truncate-end">
                <Text color={color} bold>
                  {head}
                </Text>
                {body(row.start, row.end) || (head ? '' : ' ')}
              </Text>
            );
          }
          const under = cursor < row.end ? (all[cursor] ?? ' ') : ' ';
          return (
            <Text key={index} wrap="truncate-end">
              <Text color={color} bold>
                {head}
              </Text>
              {body(row.start, cursor)}
              <Text inverse>{under}</Text>
              {body(cursor + 1, row.end)}
            </Text>
          );
        })}
      </Box>
      {meta.confirmDiscard ? (
        <Text color="black" backgroundColor="yellow" wrap="truncate-end">
          {' Drop what you wrote? y drops it, any other key goes on editing '}
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {hintOf(kind, meta, busy, lines)}
        </Text>
      )}
    </Box>
  );
}
