/**
 * A windowed list of pre-wrapped lines: only the rows on screen are rendered. `top` is the first line shown,
 * or null to follow the end as text streams in.
 */
import { Box, Text } from 'ink';
import { createContext, useContext } from 'react';
import stripAnsi from 'strip-ansi';
import type { LineSource } from './transcriptLayout.js';

export interface Window {
  top: number;
  maxTop: number;
  rows: number;
}

/** Where the window sits for a scroll position; the last row goes to the marker when text is below. */
export function windowOf(length: number, height: number, top: number | null): Window {
  const maxTop = Math.max(0, length - height);
  const start = top === null ? maxTop : Math.max(0, Math.min(top, maxTop));
  return { top: start, maxTop, rows: start < maxTop ? height - 1 : height };
}

/** The line a search (or a `match:` breakpoint) found, in the view on screen, and what it looked for. */
export const MarkedLine = createContext<{ line: number; pattern: RegExp | null } | null>(null);

/** A marked line: what matched in black on yellow, the rest of the line in reverse video. */
function Marked({ line, pattern }: { line: string; pattern: RegExp | null }) {
  const text = stripAnsi(line) || ' ';
  const parts: Array<{ text: string; hit: boolean }> = [];
  if (pattern) {
    const global = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'g');
    let at = 0;
    for (const m of text.matchAll(global)) {
      if (!m[0]) continue;
      if (m.index > at) parts.push({ text: text.slice(at, m.index), hit: false });
      parts.push({ text: m[0], hit: true });
      at = m.index + m[0].length;
    }
    if (at < text.length) parts.push({ text: text.slice(at), hit: false });
  } else parts.push({ text, hit: false });
  return (
    <Text wrap="truncate-end">
      {parts.map((part, i) =>
        part.hit ? (
          <Text key={i} color="black" backgroundColor="yellow" bold>
            {part.text}
          </Text>
        ) : (
          <Text key={i} inverse>
            {part.text}
          </Text>
        ),
      )}
    </Text>
  );
}

export function LinesView(props: { source: LineSource; height: number; top: number | null; empty?: string; below?: string }) {
  const { source, height, top, empty, below: belowLabel = 'more below' } = props;
  const marked = useContext(MarkedLine);
  const view = windowOf(source.length, height, top);
  const rows: string[] = [];
  for (let i = view.top; i < Math.min(source.length, view.top + view.rows); i++) rows.push(source.at(i));
  const below = source.length - (view.top + view.rows);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {source.length === 0 && empty ? <Text dimColor>{empty}</Text> : null}
      {rows.map((line, i) =>
        view.top + i === marked?.line ? (
          <Marked key={view.top + i} line={line} pattern={marked.pattern} />
        ) : (
          <Text key={view.top + i} wrap="truncate-end">
            {line === '' ? ' ' : line}
          </Text>
        ),
      )}
      {below > 0 ? (
        <Text color="black" backgroundColor="yellow" wrap="truncate-end">
          {` ▼ ${belowLabel}: ${below} more line${below === 1 ? '' : 's'} · End goes there `}
        </Text>
      ) : null}
    </Box>
  );
}
