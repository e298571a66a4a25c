/**
 * The headless view: the transcript as plain text while it streams, or one JSON event per line.
 * It only subscribes to the engine; all turn logic stays in the engine.
 */
import type { EngineEvent, RunStatus } from '../engine/events.js';
import { FINISH_MARKS, nameOf, WITHDRAWN, type RunState } from '../views/runState.js';
import { oneLine, sanitize, StreamSanitizer, terminalSafeJson } from '../text/sanitize.js';
import { formatDelay, formatUsdAmount } from '../text/formatDuration.js';
import { count } from '../text/count.js';

export type Write = (text: string) => void;

const ENDINGS: Record<string, string> = {
  'end-marker': 'ended with END CONVERSATION',
  'turn-limit': 'hit the turn limit: artifact marked incomplete',
  skipped: 'skipped',
  'phase-skipped': 'skipped with its phase',
  quit: 'stopped',
  budget: 'stopped by the budget',
  failed: 'failed',
};

const RUN_ENDINGS: Record<RunStatus, string> = { completed: 'completed', quit: 'quit', budget: 'stopped by the budget', failed: 'failed' };

/** One event per line; the text stays exact, with every character a terminal could act on escaped. */
export function jsonView(write: Write): (event: EngineEvent) => void {
  return (event) => write(`${terminalSafeJson(event)}\n`);
}

/** Plain text. `state` is the journal's state, already updated with the event when this runs. */
export function plainView(write: Write, state: RunState): (event: EngineEvent) => void {
  let atLineStart = true;
  const line = (text: string) => {
    write(`${atLineStart ? '' : '\n'}${text}\n`);
    atLineStart = true;
  };
  const role = (id: string | null) => sanitize(nameOf(state, 'roles', id));
  const artifact = (id: string) => sanitize(nameOf(state, 'artifacts', id));
  let stream = new StreamSanitizer();
  const emitText = (text: string) => {
    if (!text) return;
    write(text);
    atLineStart = text.endsWith('\n');
  };
  return (event) => {
    switch (event.type) {
      case 'run.started':
        line(`roleplay: ${sanitize(event.task)}`);
        line(`model: ${sanitize(event.model)} (${sanitize(event.provider)}), context: ${event.context}, session: ${event.sessionId}`);
        break;
      case 'run.resumed': {
        const current = state.activeConversationId ? state.conversations.get(state.activeConversationId) : undefined;
        const at = current && current.status === 'active' ? ` in "${sanitize(current.name)}" after turn ${current.turns}` : '';
        line(`roleplay: resuming session ${event.sessionId}${at}: ${sanitize(state.task)}`);
        line(`model: ${sanitize(event.model)} (${sanitize(event.provider)})`);
        break;
      }
      case 'run.forked':
        line(`roleplay: session ${event.sessionId}, forked from ${event.parent} before reply ${event.reply}: ${sanitize(state.task)}`);
        line(`model: ${sanitize(event.model)} (${sanitize(event.provider)}), context: ${event.config.context}`);
        break;
      case 'phase.started': {
        const phase = state.workflow?.phases[event.index];
        line(`\n=== Phase ${event.index + 1}/${state.workflow?.phases.length ?? '?'}: ${sanitize(phase?.name ?? event.phaseId)} ===`);
        break;
      }
      case 'conversation.started': {
        const c = state.conversations.get(event.conversationId);
        if (c) {
          line(`\n--- ${sanitize(c.name)}: ${role(c.lead)} (lead) with ${role(c.assistant)}, ${artifact(c.input)} -> ${artifact(c.output)} ---`);
        }
        break;
      }
      case 'turn.started': {
        const who =
          event.kind === 'sanity'
            ? 'Sanity check'
            : `${role(event.role)} (${event.side}, turn ${event.index + 1}${event.author === 'person' ? ', written by a person' : ''})`;
        const served = event.endpoint !== undefined ? ` on ${sanitize(event.endpoint)}: ${sanitize(event.model)}` : '';
        line(`\n[${who}${served}]`);
        atLineStart = true;
        break;
      }
      case 'token':
        emitText(stream.push(event.text));
        break;
      case 'retrying':
        stream = new StreamSanitizer();
        line(`retrying ${event.attempt}/${event.maxAttempts} in ${formatDelay(event.delayMs)}: ${sanitize(event.reason)}`);
        break;
      case 'turn.ended':
        emitText(stream.end());
        if (event.status === 'interrupted') line('[interrupted]');
        else if (!atLineStart) line('');
        if (event.finish) line(`[${FINISH_MARKS[event.finish]}]`);
        if (event.reasoning) line(`[the model thought ${event.reasoning.length} characters first: in the journal, not part of the reply]`);
        break;
      case 'customer.message':
        line(`\n[Customer]\n${sanitize(event.text)}`);
        break;
      case 'customer.withdrawn':
        for (const id of event.customerIds) {
          const text = state.session.customers.get(id)?.text ?? id;
          line(`[customer message withdrawn: ${WITHDRAWN[event.reason]}: "${oneLine(text, 60)}"]`);
        }
        break;
      case 'turn.discarded': {
        if (event.reason === 'quit') break;
        const turn = state.turns.get(event.turnId);
        const who = turn ? `${role(turn.role) || 'the sanity check'}, turn ${turn.index + 1}` : event.turnId;
        line(`[reply taken back (${event.reason === 'rewind' ? 'rewound' : 'to regenerate it'}): ${who}]`);
        break;
      }
      case 'conversation.rewound':
        line(`[rewound to turn ${event.toIndex + 1}: it is generated again]`);
        break;
      case 'turn.approved': {
        const turn = state.turns.get(event.turnId);
        const who = turn ? `${role(turn.role)}, turn ${turn.index + 1}` : event.turnId;
        line(event.edited ? `[draft accepted as edited: ${who}; the thread now holds]\n${sanitize(event.text)}` : `[draft accepted: ${who}]`);
        break;
      }
      case 'turn.edited': {
        const turn = state.turns.get(event.turnId);
        line(`[reply edited: ${turn ? `${role(turn.role)}, turn ${turn.index + 1}` : event.turnId}; the thread now holds]\n${sanitize(event.text)}`);
        break;
      }
      case 'conversation.ended': {
        const a = event.artifact ? `; ${artifact(event.artifact.id)} written${event.artifact.incomplete ? ' (incomplete)' : ''}` : '';
        line(`--- ${ENDINGS[event.reason] ?? event.reason} after ${event.turns} turn${event.turns === 1 ? '' : 's'}${a} ---`);
        break;
      }
      case 'breakpoint':
        line(`breakpoint ${sanitize(event.spec)}: ${sanitize(event.message)}`);
        break;
      case 'phase.ended': {
        if (!event.skipped) break;
        const phase = state.workflow?.phases.find((p) => p.id === event.phaseId);
        const notRun = (phase?.conversations ?? []).filter((c) => state.conversations.get(c.id)?.endReason === null).map((c) => sanitize(c.name));
        line(`=== Phase ${sanitize(phase?.name ?? event.phaseId)} skipped${notRun.length ? `: not run: ${notRun.join(', ')}` : ''} ===`);
        break;
      }
      case 'budget.reached':
        line(`budget reached: ${formatUsdAmount(event.spentUsd)} of ${formatUsdAmount(event.maxUsd)}`);
        break;
      case 'config.reloaded':
        line(`config reloaded: ${event.changed.length ? sanitize(event.changed.join(', ')) : 'no changes'}`);
        break;
      case 'warning':
        line(`warning: ${sanitize(event.message)}`);
        break;
      case 'error':
        line(`error: ${sanitize(event.message)}`);
        break;
      case 'run.finished': {
        const t = state.totals;
        const tokens = `${t.promptTokens + t.completionTokens} tokens${t.estimated ? ' (estimated)' : ''}`;
        line(`\nRun ${RUN_ENDINGS[event.status]}: ${count(t.turns, 'turn')}, ${tokens}.`);
        break;
      }
      default:
        break;
    }
  };
}
