/** The top bar (workflow, task, model, mode, state) and the line that says who speaks and who is next. */
import { Box, Text } from 'ink';
import { nameOf, type RunState } from '../views/runState.js';
import stringWidth from 'string-width';
import { sanitize } from '../text/sanitize.js';
import { ActivityMark, type useActivity } from './Activity.js';
import { roleColor } from './theme.js';

function stateLabel(state: RunState): { text: string; color: string } {
  if (state.finished) {
    const how = state.finished.status === 'completed' ? '' : ` (${state.finished.status})`;
    return { text: `done${how}`, color: state.finished.status === 'failed' ? 'red' : 'green' };
  }
  switch (state.activity) {
    case 'generating':
      return { text: 'generating', color: 'cyan' };
    case 'retrying':
      return { text: 'retrying', color: 'yellow' };
    case 'paused':
      return { text: 'paused', color: 'yellow' };
    case 'waiting':
      return state.waiting ? { text: 'waiting for you', color: 'magenta' } : { text: 'working', color: 'cyan' };
    default:
      return { text: 'starting', color: 'gray' };
  }
}

const WIDE_COLUMNS = 120;
/** The task keeps at least this many columns (or all it needs) before the header shows where the run is. */
const TASK_ROOM = 24;

/** `phase 2/4 · conversation 3/8`: where the run is in its workflow. */
function positionOf(state: RunState): string | null {
  const phases = state.workflow?.phases ?? [];
  const all = phases.flatMap((p) => p.conversations);
  const active = state.activeConversationId;
  const at = all.findIndex((c) => c.id === active);
  if (at < 0) return null;
  const phase = phases.findIndex((p) => p.conversations.some((c) => c.id === active));
  return `phase ${phase + 1}/${phases.length} · conversation ${at + 1}/${all.length}`;
}

export function Header({ state, workflow, width }: { state: RunState; workflow: string; width: number }) {
  const label = stateLabel(state);
  // The turn streaming now, else the last one: on a named endpoint, the header names it with the model it ran.
  const turnId = state.activeTurnId ?? state.session.lastTurnId;
  const turn = turnId ? state.turns.get(turnId) : undefined;
  const model = turn?.endpoint !== undefined ? `${turn.model} @ ${turn.endpoint}` : state.model || '…';
  const task = sanitize(state.task.replace(/\s+/g, ' '));
  // The wide layout has room for where the run is, unless the task would then be cut short (a long workflow label,
  // as a replay's or a fork's); a narrower one keeps it for the task (the strip shows the phase).
  const wide = width >= WIDE_COLUMNS ? positionOf(state) : null;
  const right = ` │ ${model} │  ${state.mode.toUpperCase()}  │ ${label.text}`;
  const left = `roleplay │ ${sanitize(workflow)} │ task: `;
  const room = width - stringWidth(left) - stringWidth(right) - (wide ? stringWidth(` │ ${wide}`) : 0);
  const position = wide && room >= Math.min(TASK_ROOM, stringWidth(task)) ? wide : null;
  return (
    <Box width={width}>
      <Box flexShrink={1} flexGrow={1}>
        <Text wrap="truncate-end">
          <Text bold color="cyan">
            roleplay
          </Text>
          <Text dimColor> │ </Text>
          {sanitize(workflow)}
          <Text dimColor> │ task: </Text>
          {task}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text>
          {position ? <Text dimColor>{` │ ${position}`}</Text> : null}
          <Text dimColor> │ </Text>
          {sanitize(model)}
          <Text dimColor> │ </Text>
          <Text bold inverse color={state.mode === 'auto' ? 'green' : 'blue'}>{` ${state.mode.toUpperCase()} `}</Text>
          <Text dimColor> │ </Text>
          <Text bold color={label.color}>
            {label.text}
          </Text>
        </Text>
      </Box>
    </Box>
  );
}

function partnerOf(state: RunState, conversationId: string | null, roleId: string | null): string | null {
  const c = conversationId ? state.conversations.get(conversationId) : undefined;
  if (!c || !roleId) return null;
  return c.lead === roleId ? c.assistant : c.lead;
}

/** `CTO (lead) -> Programmer`: who speaks now (or next, while waiting) and who answers; the messages come under it. */
export function ActiveRoleLine({ state, activity = null }: { state: RunState; activity?: ReturnType<typeof useActivity> }) {
  const turn = state.activeTurnId ? state.turns.get(state.activeTurnId) : undefined;
  const next = state.waiting?.next;
  const who = turn ? { ...turn, prefix: 'speaking' } : next ? { ...next, prefix: 'next' } : null;
  const partner = who ? partnerOf(state, who.conversationId, who.role) : null;
  return (
    <Text wrap="truncate-end">
      {who ? (
        <Text>
          <Text dimColor>{`${who.prefix}: `}</Text>
          {who.kind === 'sanity' ? (
            <Text bold>Sanity check</Text>
          ) : (
            <Text>
              <Text bold color={roleColor(state, who.role)}>
                {sanitize(nameOf(state, 'roles', who.role))}
              </Text>
              <Text dimColor>{` (${who.side})`}</Text>
              {partner ? (
                <Text>
                  {' -> '}
                  <Text color={roleColor(state, partner)}>{sanitize(nameOf(state, 'roles', partner))}</Text>
                </Text>
              ) : null}
            </Text>
          )}
        </Text>
      ) : (
        <Text dimColor>{state.finished ? 'The run is over: q quits, tab and o look back.' : ' '}</Text>
      )}
      {turn && state.activity === 'generating' ? <ActivityMark activity={activity} started={turn.text !== ''} /> : null}
    </Text>
  );
}
