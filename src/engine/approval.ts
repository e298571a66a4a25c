/**
 * Draft, then approve (`--approve <role>|all`): a model's reply for such a role ends as a draft (`turn.ended` with
 * `draft`), which is in no thread yet. The run then waits here until the person accepts it as it is or as they edited
 * it (`turn.approved`), or regenerates it (`turn.discarded`, and the same turn is asked again). Skipping or rewinding
 * drops the draft unaccepted first. A quit leaves it waiting: a resume asks for the approval again.
 */
import type { Hold } from './events.js';
import type { StopIntent } from './intents.js';
import { hasEndMarker } from './protocol.js';
import type { TurnAt } from './position.js';
import type { RunContext } from './runContext.js';

/** Whether this turn's complete reply is a draft for the person: a model turn of a role `--approve` names. */
export function needsApproval(ctx: RunContext, turn: TurnAt): boolean {
  const approve = ctx.options.approve;
  if (!approve || !turn.role || turn.kind === 'sanity') return false;
  return approve === 'all' || approve.includes(turn.role);
}

export async function approvalGate(ctx: RunContext, turnId: string): Promise<void> {
  const turn = ctx.model.turns.get(turnId);
  const name = ctx.config.workflow.roles.find((r) => r.id === turn?.role)?.name ?? turn?.role ?? 'the model';
  const hold: Hold = { kind: 'approval', turnId, name };
  let shown: string | null = null;
  const leave = () => {
    if (shown !== null) ctx.emit({ type: 'resumed' });
  };
  const drop = (intent: Exclude<ReturnType<RunContext['intents']['next']>, undefined | StopIntent>) => {
    ctx.emit({ type: 'turn.discarded', turnId, reason: 'rejected' });
    // Done at the gate of the turn that follows, now that the draft is out of the way.
    ctx.intents.push(intent);
    leave();
  };
  while (ctx.model.draft?.turnId === turnId) {
    if (ctx.intents.stop) return leave();
    const intent = ctx.intents.next();
    if (intent) {
      switch (intent.kind) {
        case 'approve': {
          const draft = ctx.model.draft.text;
          const text = intent.text ?? draft;
          ctx.emit({ type: 'turn.approved', turnId, text, edited: text !== draft, endsConversation: turn?.kind !== 'sanity' && hasEndMarker(text) });
          ctx.gate.clearHolds();
          return leave();
        }
        case 'regenerate':
          ctx.emit({ type: 'turn.discarded', turnId, reason: 'regenerate' });
          // Asked again at once, as `r` on a reply is.
          ctx.gate.release();
          return leave();
        case 'skip':
        case 'rewind':
          return drop(intent);
        case 'reload':
          ctx.emit({ type: 'config.reloaded', config: intent.config, changed: intent.changed });
          continue;
        case 'edit':
        case 'reply':
          ctx.warn('approve', `${name}'s draft waits: accept it (space), edit it (e) or regenerate it (r) first`);
          continue;
      }
    }
    const holds = [...ctx.gate.current(false), hold];
    const key = JSON.stringify(holds);
    if (key !== shown) {
      shown = key;
      const next = { conversationId: turn?.conversationId ?? null, kind: turn?.kind ?? 'switch', role: turn?.role ?? null, side: turn?.side ?? null };
      ctx.emit({ type: 'waiting', holds, next });
    }
    await ctx.gate.changed();
  }
  leave();
}
