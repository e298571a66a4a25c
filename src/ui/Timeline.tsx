/** The phases and their conversations, with status and turn count; a one-line strip on narrow terminals. */
import { Box, Text } from 'ink';
import { sanityPassed } from '../engine/protocol.js';
import { sanityTurn, type ConversationView, type RunState, type TurnView } from '../views/runState.js';
import { sanitize } from '../text/sanitize.js';
import { STATUS_COLOR, STATUS_ICON } from './theme.js';

function turnCount(c: ConversationView): string {
  return `${c.turns}/${c.maxTurns}`;
}

/** `↺2` when the conversation was rewound twice. */
function rewindMark(c: ConversationView): string {
  return c.rewinds ? `↺${c.rewinds}` : '';
}

/** `✓ Sanity check  SUCCESS`: passed, failed (with the first word it answered), or in progress. */
function SanityRow({ turn, viewed }: { turn: TurnView; viewed: boolean }) {
  const answer = sanitize(turn.text.trim().split(/\s+/)[0] ?? '').slice(0, 12);
  const passed = sanityPassed(turn.text);
  const status = turn.status === 'streaming' ? 'active' : turn.status === 'failed' ? 'failed' : passed ? 'done' : 'failed';
  return (
    <Text wrap="truncate-end" underline={viewed} bold={status === 'active'}>
      <Text color={STATUS_COLOR[status]}>
        {viewed ? '›' : ' '}
        {STATUS_ICON[status]}{' '}
      </Text>
      Sanity check
      <Text color={passed ? 'green' : status === 'active' ? undefined : 'red'} dimColor={status === 'active'}>{` ${answer || '…'}`}</Text>
    </Text>
  );
}

export function Timeline({ state, viewed, width, height }: { state: RunState; viewed: string | null; width: number; height: number }) {
  const phases = state.workflow?.phases ?? [];
  const sanity = sanityTurn(state);
  const nameWidth = Math.max(4, width - 10);
  const markWidth = (c: ConversationView | undefined) => (c?.rewinds ? rewindMark(c).length + 1 : 0);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden" paddingRight={1}>
      {/* No shrinking: a timeline taller than the pane is cut at the bottom, not squeezed line by line (a squeezed
          row has no height, and the next one was drawn over it). */}
      <Box flexDirection="column" flexShrink={0}>
        <Text bold>Timeline</Text>
        {sanity ? <SanityRow turn={sanity} viewed={viewed === null} /> : null}
      </Box>
      {phases.map((phase, p) => (
        <Box key={phase.id} flexDirection="column" flexShrink={0}>
          <Text bold dimColor={!phase.conversations.some((c) => state.conversations.get(c.id)?.status !== 'pending')} wrap="truncate-end">
            {`${p + 1}. ${sanitize(phase.name)}`}
          </Text>
          {phase.conversations.map(({ id }) => {
            const c = state.conversations.get(id);
            if (!c) return null;
            const active = c.status === 'active';
            const name = sanitize(c.name);
            const room = Math.max(4, nameWidth - markWidth(c));
            const shown = name.length > room ? `${name.slice(0, room - 1)}…` : name.padEnd(room);
            return (
              <Text key={id} wrap="truncate-end" inverse={active} bold={active} underline={viewed === id && !active}>
                <Text color={active ? undefined : STATUS_COLOR[c.status]}>
                  {viewed === id ? '›' : ' '}
                  {STATUS_ICON[c.status]}{' '}
                </Text>
                <Text dimColor={c.status === 'pending' || c.status === 'skipped'}>{shown}</Text>
                {c.rewinds ? <Text color="magenta">{` ${rewindMark(c)}`}</Text> : null}
                <Text dimColor>{turnCount(c).padStart(6)}</Text>
              </Text>
            );
          })}
        </Box>
      ))}
    </Box>
  );
}

/** Every conversation as its status icon, phases split by bars, then the viewed one by name. */
export function TimelineStrip({ state, viewed }: { state: RunState; viewed: string | null }) {
  const phases = state.workflow?.phases ?? [];
  const shown = viewed ? state.conversations.get(viewed) : undefined;
  const phaseIndex = shown ? phases.findIndex((p) => p.id === shown.phaseId) : -1;
  return (
    <Text wrap="truncate-end">
      {phases.map((phase, p) => (
        <Text key={phase.id}>
          {p > 0 ? <Text dimColor>│</Text> : null}
          {phase.conversations.map(({ id }) => {
            const c = state.conversations.get(id);
            if (!c) return null;
            return (
              <Text key={id} color={STATUS_COLOR[c.status]} inverse={id === viewed}>
                {STATUS_ICON[c.status]}
              </Text>
            );
          })}
        </Text>
      ))}
      {shown ? (
        <Text>
          {`  ${phaseIndex + 1}/${phases.length} ${sanitize(phases[phaseIndex]?.name ?? '')} › `}
          <Text bold>{sanitize(shown.name)}</Text>
          <Text dimColor>{` ${shown.turns}/${shown.maxTurns}`}</Text>
          {shown.rewinds ? <Text color="magenta">{` ${rewindMark(shown)}`}</Text> : null}
        </Text>
      ) : null}
    </Text>
  );
}
