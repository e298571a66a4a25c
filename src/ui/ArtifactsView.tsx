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
  const lines = renderMarkdown(sanitize(artifact.text), width);
  return { id, source: { length: lines.length, at: (i) => lines[i] ?? '' } };
}

export function ArtifactsView({ state, index, width, height, top }: { state: RunState; index: number; width: number; height: number; top: number | null }) {
  const entries = [...state.artifacts.entries()];
  const selected = Math.min(index, entries.length - 1);
  const current = entries[selected];
  const { source } = useMemo(() => artifactLines(state, selected, width), [state, selected, width, current?.[1].text]);
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
