/**
 * A person in a seat: which roles a person plays (`--human`, the config's `humans`, or `h` for one turn), and their
 * turn, told through the same events as a model's. The request of a person's turn is what they answered (nothing
 * is sent); the reply gets the role header when it has none, and END CONVERSATION in it ends the conversation.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import type { ChatMessage } from '../providers/types.js';
import type { EngineEventBody, Hold } from './events.js';
import type { TurnAt } from './position.js';
import { hasEndMarker, parseRoleHeader, sameSpeaker } from './protocol.js';
import type { BuiltRequest } from './requestBuilder.js';
import { requestDelta } from './requestDelta.js';

/** Who plays each role: the config's and the command line's seats, what the person changed since, and `h`. */
export class Seats {
  /** Roles taken (true) or handed back (false) during the run; they outrank the config and the flags. */
  private readonly changed = new Map<string, boolean>();
  /** `h`: the next turn is the person's, whoever's it is. */
  private once = false;

  constructor(private readonly flags: readonly string[] = []) {}

  /** Whether a person writes this turn's reply. The sanity check is always the model's. */
  isPerson(config: ResolvedConfig, turn: Pick<TurnAt, 'role' | 'kind'>): boolean {
    if (!turn.role || turn.kind === 'sanity') return false;
    if (this.once) return true;
    return this.changed.get(turn.role) ?? (this.flags.includes(turn.role) || (config.humans ?? []).includes(turn.role));
  }

  /** The next turn is the person's, once. */
  takeNext(): void {
    this.once = true;
  }

  /** The model takes this role (and the next turn) back. */
  handBack(role: string | null): void {
    this.once = false;
    if (role) this.changed.set(role, false);
  }

  /** A person's turn was taken: `h` is spent. */
  taken(): void {
    this.once = false;
  }
}

export function personHold(config: ResolvedConfig, turn: TurnAt): Hold | undefined {
  if (!turn.role) return undefined;
  const name = config.workflow.roles.find((r) => r.id === turn.role)?.name ?? turn.role;
  return { kind: 'person', role: turn.role, name };
}

/** The person's text as a reply: line ends made plain, and the role header first when they wrote none. */
export function personReply(text: string, role: { id: string; name: string }, roleNames: readonly string[]): string {
  const body = text.replace(/\r\n?/g, '\n').trim();
  const header = parseRoleHeader(body, roleNames);
  if (header && sameSpeaker(header.speaker, role)) return body;
  return `${role.name}:\n\n${body}`;
}

/**
 * Tells a person's turn: `turn.started` (the request they answered, marked `author: person`) and `turn.ended` with
 * their reply, at once. No usage: no model was asked.
 */
export function tellPersonTurn(
  args: {
    turnId: string;
    turn: TurnAt;
    config: ResolvedConfig;
    built: BuiltRequest;
    previous: { turnId: string; messages: readonly ChatMessage[] } | null;
    text: string;
    roleNames: readonly string[];
    waitedMs: number;
  },
  emit: (body: EngineEventBody) => void,
): string {
  const { turnId, turn, config, built } = args;
  const role = config.workflow.roles.find((r) => r.id === turn.role) ?? { id: turn.role ?? '', name: turn.role ?? '' };
  const text = personReply(args.text, role, args.roleNames);
  emit({
    type: 'turn.started',
    turnId,
    conversationId: turn.conversationId,
    kind: turn.kind,
    role: turn.role,
    side: turn.side,
    index: turn.index,
    attempt: 1,
    model: 'person',
    temperature: undefined,
    request: requestDelta(args.previous?.messages ?? null, args.previous?.turnId ?? null, built.messages),
    heard: built.heard,
    author: 'person',
  });
  emit({
    type: 'turn.ended',
    turnId,
    status: 'complete',
    text,
    speaker: role.name,
    endsConversation: hasEndMarker(text),
    durationMs: args.waitedMs,
    firstTokenMs: null,
  });
  return text;
}
