/** The artifacts produced so far, one at a time: tab moves between them, the scroll keys move in one. */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { nameOf, type RunState } from '../views/runState.js';
import { sanitize } from '../text/sanitize.js';
import { LinesView } from './LinesView.js';
import { renderMarkdown } from './markdown.js';
import type { LineSource } from './transcriptLayout.js';

export function artifactLines(state: RunState, index: number, width: number): { id: string | null; source: LineSource } {
  const entries = [...state.artifacts.entries()];
  const entry = entries[Math.min(index, entries.length - 1)];
  if (!entry) return { id: null, source: { length: 0, at: () => '' } };
  const [id, artifact] = entry;
  return { id, source: markdownLines(artifact.text, width) };
}

function markdownLines(text: string, width: number): LineSource {
  const lines = renderMarkdown(sanitize(text), width);
  return { length: lines.length, at: (i) => lines[i] ?? '' };
}

const NO_LINES: LineSource = { length: 0, at: () => '' };

export function ArtifactsView({
  state,
  index,
  width,
  height,
  top,
}: {
  state: RunState;
  index: number;
  width: number;
  height: number;
  top: number | null;
}) {
  const selected = Math.min(index, state.artifacts.size - 1);
  // The state is mutated in place: the lines are kept for as long as the artifact's text and the width stay.
  const text = [...state.artifacts.values()][selected]?.text;
  const source = useMemo(() => (text === undefined ? NO_LINES : markdownLines(text, width)), [text, width]);
  const entries = [...state.artifacts.entries()];
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate-end">
        <Text bold>Artifacts</Text>
        <Text dimColor> (tab: next · o: back) </Text>
        {entries.length === 0 ? <Text dimColor>none yet: each conversation writes one when it ends</Text> : null}
        {entries.map(([id, a], i) => (
          <Text key={id} inverse={i === selected} color={a.incomplete ? 'yellow' : undefined}>
            {` ${sanitize(nameOf(state, 'artifacts', id))}${a.incomplete ? ' (incomplete)' : ''} `}
          </Text>
        ))}
      </Text>
      <LinesView source={source} height={height - 1} top={top} />
    </Box>
  );
}
