import { customerNote, FINISH_MARKS, nameOf, type RunState, type TurnView } from '../views/runState.js';
import { costMarkdown, costReport } from './costReport.js';
import { pricer } from './pricing.js';
import { sanitize } from '../text/sanitize.js';
import { count } from '../text/count.js';

/** Why a conversation ended, in words. */
export const END_REASONS: Record<string, string> = {
  'end-marker': 'ended with END CONVERSATION',
  'turn-limit': 'ended at the turn limit (artifact incomplete)',
  skipped: 'skipped (artifact is the last reply)',
  'phase-skipped': 'skipped with its phase',
  quit: 'stopped when the run was quit',
  budget: 'stopped by the budget (--max-cost)',
  failed: 'stopped by an error',
};

function turnBlock(state: RunState, turn: TurnView): string {
  const who = turn.kind === 'sanity' ? 'Sanity check' : nameOf(state, 'roles', turn.role);
  const unfinished = turn.status === 'streaming' ? 'unfinished: the run stopped during it, a --resume asks again' : '';
  const flags = [
    turn.side,
    turn.byPerson ? 'written by a person' : '',
    turn.status === 'interrupted' ? 'interrupted' : '',
    turn.status === 'failed' ? 'failed' : '',
    unfinished,
    turn.finish ? FINISH_MARKS[turn.finish] : '',
  ]
    .filter(Boolean)
    .join(', ');
  // The thinking, folded: a <details> block, its text quoted so that none of it reads as the transcript's own.
  const thought = turn.reasoning.trim()
    ? `<details><summary>Thinking (not part of the reply)</summary>\n\n${turn.reasoning
        .trim()
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n')}\n\n</details>\n\n`
    : '';
  return `#### ${who}${flags ? ` (${flags})` : ''}\n\n${thought}${nested(turn.text.trim()) || '_(no text)_'}\n`;
}

/** Headings in model text sink below the transcript's own (#### a reply), so the outline stays the session's. */
function nested(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      return fenced ? line : line.replace(/^(#{1,6})(?=\s)/, (h) => '#'.repeat(Math.min(6, h.length + 4)));
    })
    .join('\n');
}

/** The session as Markdown: phases, conversations, every reply, customer messages and artifacts. */
export function renderTranscript(state: RunState): string {
  const out: string[] = [
    `# roleplay session ${state.sessionId}`,
    '',
    `- Task: ${state.task}`,
    `- Model: ${state.model} (${state.provider})`,
    `- Context: ${state.context}`,
  ];
  if (state.finished) out.push(`- Status: ${state.finished.status}${state.finished.reason ? ` (${state.finished.reason})` : ''}`);
  else out.push('- Status: not finished (still running, or stopped without an end: `--resume` goes on)');
  const t = state.totals;
  out.push(`- Tokens: ${t.promptTokens} prompt, ${t.completionTokens} completion${t.estimated ? ' (partly estimated)' : ''}`, '');
  const items = (list: RunState['preamble']) => {
    for (const item of list) {
      if (item.kind === 'customer') {
        const note = customerNote(state, item.customerId);
        out.push(`> **Customer${note ? ` (${note})` : ''}:** ${item.text.split('\n').join('\n> ')}`, '');
      } else {
        const turn = state.turns.get(item.turnId);
        if (turn && !turn.discarded) out.push(turnBlock(state, turn));
      }
    }
  };
  items(state.preamble);
  for (const phase of state.workflow?.phases ?? []) {
    out.push(`## ${phase.name}`, '');
    for (const c of phase.conversations) {
      const conv = state.conversations.get(c.id);
      if (!conv) continue;
      out.push(
        `### ${conv.name}`,
        '',
        `${nameOf(state, 'roles', conv.lead)} (lead) with ${nameOf(state, 'roles', conv.assistant)}: ${nameOf(state, 'artifacts', conv.input)} -> ${nameOf(state, 'artifacts', conv.output)}`,
        '',
      );
      if (conv.status === 'pending') {
        out.push('_Not run._', '');
        continue;
      }
      if (conv.status === 'skipped' && conv.endReason === null) {
        out.push('_Not run: skipped with its phase._', '');
        continue;
      }
      items(conv.items);
      if (conv.endReason) out.push(`_Conversation ${END_REASONS[conv.endReason] ?? conv.endReason}, ${count(conv.turns, 'turn')}._`, '');
    }
  }
  if (state.totals.turns > 0) out.push('## Cost', '', costMarkdown(costReport(state, pricer(state.prices))).trimEnd(), '');
  if (state.artifacts.size) {
    out.push('## Artifacts', '');
    for (const [id, artifact] of state.artifacts) {
      out.push(`### ${nameOf(state, 'artifacts', id)}${artifact.incomplete ? ' (incomplete)' : ''}`, '', nested(artifact.text), '');
    }
  }
  // A file people `cat`: model text in it goes through the sanitiser too (the journal keeps it raw).
  return `${sanitize(out.join('\n')).trimEnd()}\n`;
}
