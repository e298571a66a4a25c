/** The artifacts produced so far, one at a time: tab moves between them, the scroll keys move in one. */
import { Box, Text } from 'ink';
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
  return { id, source: markdownLines(id, artifact.text, width) };
}

/** Each artifact's lines, kept for as long as its text and the width stay: an artifact is laid out once, not per frame. */
const laidOut = new Map<string, { text: string; width: number; source: LineSource }>();

function markdownLines(id: string, text: string, width: number): LineSource {
  const kept = laidOut.get(id);
  if (kept && kept.text === text && kept.width === width) return kept.source;
  const lines = renderMarkdown(sanitize(text), width);
  const source = { length: lines.length, at: (i: number) => lines[i] ?? '' };
  laidOut.set(id, { text, width, source });
  return source;
}

/** `source`: the selected artifact's lines, `artifactLines(state, index, width).source`, laid out by the caller once a frame. */
export function ArtifactsView({
  state,
  index,
  height,
  top,
  source,
}: {
  state: RunState;
  index: number;
  height: number;
  top: number | null;
  source: LineSource;
}) {
  const selected = Math.min(index, state.artifacts.size - 1);
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
