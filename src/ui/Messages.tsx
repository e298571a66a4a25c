/**
 * What the run has to say, each message read whole: the notice of a key just pressed, every reason the run waits
 * for, the error that paused it, the last warning about the run. Each wraps onto lines of its own under the role
 * line, so nothing is cut with "…"; the standing demo warning gives way to any other. `m` opens all of them.
 */
import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { holdText, type RunState } from '../views/runState.js';
import { sanitize } from '../text/sanitize.js';

export interface Message {
  text: string;
  color: 'red' | 'yellow' | 'green' | 'black';
  /** A notice of a key just pressed: on yellow, as a question or a confirmation is. */
  notice?: boolean;
}

/** The messages that are true now, most pressing first. A replay (`live` false) runs no model: it has no demo warning. */
export function messagesOf(state: RunState, notice: string | null, live = true): Message[] {
  const messages: Message[] = [];
  if (notice) messages.push({ text: notice, color: 'black', notice: true });
  for (const hold of state.waiting?.holds ?? []) {
    if (hold.kind !== 'step') messages.push({ text: `⏸ ${sanitize(holdText(hold))}`, color: hold.kind === 'failure' ? 'red' : 'yellow' });
  }
  if (state.activity === 'paused' && messages.length === (notice ? 1 : 0) && state.lastError)
    messages.push({ text: `✗ ${sanitize(state.lastError)}`, color: 'red' });
  // A warning about the run as a whole is news until the next turn starts (a turn's own shows under it).
  const last = state.warnings.length > state.warningsBeforeTurn ? state.warnings.at(-1) : undefined;
  if (last?.code === 'config-reloaded') messages.push({ text: `↻ ${sanitize(last.message)}`, color: 'green' });
  else if (last && !last.turnId && (last.code !== 'demo' || (live && messages.length === 0)))
    messages.push({ text: `⚠ ${sanitize(last.message)}`, color: 'yellow' });
  return messages;
}

export interface MessageRow {
  text: string;
  message: Message;
}

/** The messages wrapped to `width`, at most `max` rows; the last says how to read the rest when they do not fit. */
export function messageRows(messages: readonly Message[], width: number, max: number): MessageRow[] {
  const rows: MessageRow[] = [];
  for (const message of messages) {
    const text = message.notice ? ` ${message.text} ` : message.text;
    const columns = Math.max(10, width);
    // A one-line message that fits is its own row: wrap-ansi measures with its own string-width, whose first
    // measure of a character like ⚠ builds an emoji expression (15 ms of the demo's first frame).
    const wrapped = !text.includes('\n') && stringWidth(text) <= columns ? [text] : wrapAnsi(text, columns, { hard: true, trim: false }).split('\n');
    for (const row of wrapped) rows.push({ text: row, message });
  }
  if (rows.length <= max) return rows;
  const kept = rows.slice(0, Math.max(0, max - 1));
  kept.push({
    text: `… ${rows.length - kept.length} more line${rows.length - kept.length === 1 ? '' : 's'}: m shows every message`,
    message: { text: '', color: 'yellow' },
  });
  return kept;
}

export function MessageLines({ rows }: { rows: readonly MessageRow[] }) {
  if (rows.length === 0) return null;
  return (
    <Box flexDirection="column">
      {rows.map((row, i) => (
        <Text
          key={i}
          wrap="truncate-end"
          color={row.message.color}
          backgroundColor={row.message.notice ? 'yellow' : undefined}
          bold={row.message.notice}
        >
          {row.text}
        </Text>
      ))}
    </Box>
  );
}
