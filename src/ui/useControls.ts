/**
 * What the keys do. One input handler routes each key press: to the customer's draft while it is open,
 * to a quit confirmation, or through the keymap to an engine command or a change of view.
 */
import type { Key } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { parseBreakpoint } from '../config/breakpointSpec.js';
import type { DebugCommands, EngineCommands } from '../engine/events.js';
import { nameOf, type RunState } from '../views/runState.js';
import { sanitize } from '../text/sanitize.js';
import { editorKey, editorOpened, editorPaste, type EditorMeta } from './editor/editorKeys.js';
import { editorCommand } from './editor/externalEditor.js';
import type { ExternalEdit } from './editor/useExternalEditor.js';
import { turnsOf } from './InspectorView.js';
import { useKeyPresses, type KeyPress } from './keyPresses.js';
import { Command, commandFor } from './keymap.js';
import { windowOf } from './LinesView.js';
import { approvalHoldOf, nextIndex, requestHoldOf, seatTitle, useSeat } from './useSeat.js';
import { requestToText, textToRequest } from './editor/requestText.js';

export const CTRL_C_WINDOW_MS = 2000;

/** How the person asked to leave: with q, or with Ctrl+C twice. */
export type LeaveKey = 'quit' | 'interrupt';

export interface UiState {
  view: 'transcript' | 'artifacts' | 'help' | 'inspector' | 'costs' | 'messages';
  /** The turn the prompt inspector shows. */
  inspected: string | null;
  /** What the open input writes: a customer message, the new text of the last reply, what to find, or the person's reply. */
  draftKind: 'customer' | 'edit' | 'find' | 'seat' | 'request';
  /** What `/` looks for; n and N find it again. */
  find: { query: string; pattern: RegExp } | null;
  /** The match on screen. */
  match: Match | null;
  /** The conversation shown: undefined follows the active one; null is what came before the first. */
  pinned: string | null | undefined;
  /** A conversation that just ended which the person has moved on from (tab): the view follows the active one. */
  leftEnded: string | null | undefined;
  /** First line shown, or null to follow new text. */
  top: number | null;
  artifact: number;
  /** The customer's message being typed, or null when the input is closed. */
  draft: string | null;
  /** The open input's cursor, what it opened with, and what it edits (the inline editor). */
  editor: EditorMeta;
  confirmQuit: boolean;
  /** S was pressed: the rest of the phase goes once the person says yes. */
  confirmSkipPhase: boolean;
  ctrlCArmed: boolean;
  notice: string | null;
  /** The models' thinking shown whole (t), not folded to a line. */
  thinking: boolean;
}

const INITIAL: UiState = {
  view: 'transcript',
  inspected: null,
  draftKind: 'customer',
  find: null,
  match: null,
  pinned: undefined,
  leftEnded: undefined,
  top: null,
  artifact: 0,
  draft: null,
  editor: editorOpened(''),
  confirmQuit: false,
  confirmSkipPhase: false,
  thinking: false,
  ctrlCArmed: false,
  notice: null,
};

/** Lines one notch of the mouse wheel scrolls, as most terminals scroll their own history. */
const WHEEL_LINES = 3;

/** Conversations that can be viewed, in timeline order; null stands for the sanity check before them. */
export function viewable(state: RunState): Array<string | null> {
  const ids: Array<string | null> = state.preamble.length ? [null] : [];
  for (const phase of state.workflow?.phases ?? []) {
    for (const c of phase.conversations) if (state.conversations.get(c.id)?.status !== 'pending') ids.push(c.id);
  }
  return ids;
}

/**
 * The conversation that just ended (null: the sanity check), while the next one has heard no turn yet: the view stays
 * with it (its last reply is the artifact) until the next turn starts, so a step, a breakpoint or a pause never shows
 * an empty conversation. Undefined when there is none.
 */
export function justEnded(state: RunState): string | null | undefined {
  const active = state.activeConversationId;
  const current = active ? state.conversations.get(active) : undefined;
  if (!current || current.items.some((item) => item.kind === 'turn')) return undefined;
  const ids = viewable(state);
  const at = ids.indexOf(active);
  if (at < 1) return undefined;
  const before = ids[at - 1];
  if (before === null) return state.preamble.some((item) => item.kind === 'turn') ? null : undefined;
  const ended = before === undefined ? undefined : state.conversations.get(before);
  return ended && ended.status !== 'active' && ended.items.some((item) => item.kind === 'turn') ? ended.id : undefined;
}

/** `Skip the rest of phase Coding (2 conversations)?`: what S would skip, for its confirmation. */
export function skipPhaseQuestion(state: RunState): string {
  const active = state.activeConversationId ? state.conversations.get(state.activeConversationId) : undefined;
  const phase = state.workflow?.phases.find((p) => p.id === active?.phaseId);
  if (!phase || !active) return 'Skip the rest of this phase? y skips, any other key stays';
  const left = phase.conversations.filter((c) => {
    const status = state.conversations.get(c.id)?.status;
    return status === 'active' || status === 'pending';
  }).length;
  return `Skip the rest of phase ${sanitize(phase.name)} (${left} conversation${left === 1 ? '' : 's'})? y skips, any other key stays`;
}

export function viewedConversation(state: RunState, ui: UiState): string | null {
  if (ui.pinned !== undefined) return ui.pinned;
  const ended = justEnded(state);
  return ended !== undefined && ended !== ui.leftEnded ? ended : state.activeConversationId;
}

/** A line that matched: in the transcript, of which conversation (null: the sanity check); else of the view shown. */
export interface Match {
  view: UiState['view'];
  conversationId: string | null;
  line: number;
}

/** What the keys need from what is on screen: finding text in it, the reply in view, and the clipboard. */
export interface Finder {
  /** The next match of `pattern` after `from` (before it, for -1), wrapping around; in the transcript, across conversations. */
  find(pattern: RegExp, from: Match, step: 1 | -1): Match | null;
  /** The last match of `pattern` in one conversation's transcript. */
  lastIn(pattern: RegExp, conversationId: string | null): Match | null;
  /** The reply the first line on screen belongs to, in the transcript. */
  replyAt(conversationId: string | null, line: number): string | undefined;
  /** Copies text; returns where it went, for the notice. */
  copy(text: string): string;
}

/** `/regex/flags`, or plain text, found whatever its case. Throws on a regex that does not compile. */
function patternOf(query: string): RegExp {
  const regex = /^\/(.+)\/([imsu]*)$/.exec(query);
  if (regex) return new RegExp(regex[1] ?? '', regex[2]);
  return new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

export interface Viewport {
  length: number;
  height: number;
  /** The width the open input wraps its text at, for ↑ and ↓ in it. */
  inputWidth?: number;
}

/** Opens the input for `kind`, on `text`, saying what it edits. */
const openInput = (draftKind: UiState['draftKind'], text = '', title = ''): Partial<UiState> => ({
  draft: text,
  draftKind,
  editor: editorOpened(text, title),
});

/** A live engine offers the debug commands; a replay only the plain ones. */
export type ViewCommands = EngineCommands & Partial<DebugCommands>;

export interface Reloader {
  reload(): Promise<void>;
}

/** The final reply of the ended conversation in view (in `o`, the one that made the artifact shown), and its artifact. */
function finalReplyInView(state: RunState, ui: UiState): { turnId: string; artifact: string } | undefined {
  let conversationId: string | null;
  if (ui.view === 'artifacts') {
    const entry = [...state.artifacts.keys()][Math.min(ui.artifact, state.artifacts.size - 1)];
    conversationId = [...state.conversations.values()].find((c) => c.output === entry)?.id ?? null;
  } else if (ui.view === 'transcript') conversationId = viewedConversation(state, ui);
  else return undefined;
  const conversation = conversationId ? state.conversations.get(conversationId) : undefined;
  if (!conversation || conversation.status === 'active' || conversation.status === 'pending' || !state.artifacts.has(conversation.output))
    return undefined;
  const turnId = turnsOf(state, conversation.id).at(-1);
  return turnId ? { turnId, artifact: conversation.output } : undefined;
}

/** The last reply of the current conversation that can be edited, if any. */
function editableTurn(state: RunState): string | null {
  const ids = turnsOf(state, state.activeConversationId);
  const last = ids.at(-1);
  const turn = last ? state.turns.get(last) : undefined;
  return turn && turn.status !== 'failed' && turn.status !== 'streaming' ? turn.turnId : null;
}

export function useControls(options: {
  state: RunState;
  engine: ViewCommands;
  viewport: { current: Viewport };
  /** The keys that leave the TUI were pressed: q (answered yes when asked), or Ctrl+C twice. */
  onExit: (how: LeaveKey) => void;
  reloader?: Reloader | undefined;
  /** The store's subscription: told when new events are about to be drawn. */
  subscribe?: (listener: () => void) => () => void;
  finder?: { current: Finder | null };
  /** Sees each key press the other controls would take, first; true takes it (the branch list, useBranches.ts). */
  intercept?: (press: KeyPress, ui: UiState) => boolean;
  /** Hands a text to $VISUAL / $EDITOR (ctrl+g in the input, and `e`); absent where there is no terminal to hand. */
  externalEdit?: ExternalEdit | undefined;
}) {
  const { state, engine, viewport, reloader, finder } = options;
  const exited = useRef(false);
  const onExit = (how: LeaveKey) => {
    exited.current = true;
    options.onExit(how);
  };
  const [ui, setRendered] = useState<UiState>(INITIAL);
  // Keys can arrive faster than React renders (several in one chunk): each key reads the state the one before left
  // here, and the screen is drawn once the chunk's keys are all taken.
  const latest = useRef<UiState>(INITIAL);
  const takingKeys = useRef(false);
  const setUi = (next: (u: UiState) => UiState) => {
    latest.current = next(latest.current);
    if (!takingKeys.current) setRendered(latest.current);
  };
  const update = (patch: Partial<UiState>) => setUi((u) => ({ ...u, ...patch }));
  // The view would move on to another conversation while the person has scrolled up to read: it stays where they
  // read (tab or End takes them on). Checked as the store hands over new events, before they are drawn.
  const followed = useRef<string | null | undefined>(undefined);
  const { subscribe } = options;
  useEffect(
    () =>
      subscribe?.(() => {
        const u = latest.current;
        const following = viewedConversation(state, u);
        if (u.pinned !== undefined || followed.current === following) return;
        if (u.top !== null && u.view === 'transcript' && followed.current !== undefined) update({ pinned: followed.current });
        followed.current = following;
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `update` only writes through refs
    [subscribe, state],
  );
  const lastCtrlC = useRef(0);
  const timers = useRef<{ ctrlC?: NodeJS.Timeout; notice?: NodeJS.Timeout }>({});
  useEffect(
    () => () => {
      clearTimeout(timers.current.ctrlC);
      clearTimeout(timers.current.notice);
    },
    [],
  );

  const notify = (notice: string) => {
    clearTimeout(timers.current.notice);
    update({ notice });
    timers.current.notice = setTimeout(() => update({ notice: null }), 3000);
  };
  const generating = () => state.activeTurnId !== null;
  /**
   * The request a `request:` breakpoint holds, in its readable form; `e` opens it in the person's editor when one is
   * set (when the hold comes, it opens in the inline one: ctrl+g hands it over).
   */
  const openRequest = (external = true) => {
    const messages = engine.heldRequest?.();
    if (!messages) return notify('No request waits to be edited here');
    const hold = requestHoldOf(state);
    const turn = hold ? `${hold.name}${state.waiting?.next.kind === 'sanity' ? '' : `, turn ${nextIndex(state)}`}` : 'the next turn';
    const text = requestToText(messages);
    const input = openInput('request', text, `Editing the request of ${sanitize(turn)}`);
    // The cursor at the end of the prompt, before the line break that closes the text.
    const editor = { ...editorOpened(text, input.editor?.title), cursor: [...text].length - 1 };
    const opened = { ...input, editor, view: 'transcript' as const, pinned: undefined, top: null };
    return external && options.externalEdit && editorCommand() ? editExternally(opened) : update(opened);
  };
  /**
   * The open input's text in $VISUAL / $EDITOR; what it saved comes back into the input, for enter to send. Not
   * while a reply streams: the run stands still while the editor has the terminal.
   */
  const editExternally = (patch: Partial<UiState>) => {
    const ui = { ...latest.current, ...patch };
    update(patch);
    if (ui.draft === null) return;
    if (!options.externalEdit) return notify('No terminal to hand to an editor here');
    if (generating()) return notify('A reply is being generated: your editor opens between turns (x stops the reply)');
    const outcome = options.externalEdit(ui.draft, ui.draftKind);
    if (!outcome.ok) return notify(outcome.message);
    update({ draft: outcome.text, editor: { ...ui.editor, cursor: null, confirmDiscard: false } });
    notify(ui.draftKind === 'edit' ? 'Back from your editor: enter saves the edit, esc drops it' : 'Back from your editor: enter sends it');
  };
  const seat = useSeat({
    state,
    engine,
    notify,
    inputOpen: () => latest.current.draft !== null,
    open: () => update({ ...openInput('seat', '', `Your reply as ${seatTitle(state)}`), view: 'transcript', pinned: undefined, top: null }),
    close: () => latest.current.draftKind === 'seat' && update({ draft: null }),
    openRequest: () => openRequest(false),
  });

  const interrupt = () => {
    const now = Date.now();
    if (now - lastCtrlC.current < CTRL_C_WINDOW_MS) return onExit('interrupt');
    lastCtrlC.current = now;
    if (generating()) engine.abort();
    clearTimeout(timers.current.ctrlC);
    update({ ctrlCArmed: true });
    timers.current.ctrlC = setTimeout(() => update({ ctrlCArmed: false }), CTRL_C_WINDOW_MS);
  };

  const scroll = (to: (w: ReturnType<typeof windowOf>) => number) => {
    const { length, height } = viewport.current;
    setUi((u) => {
      const w = windowOf(length, height, u.top);
      const top = Math.max(0, to(w));
      return { ...u, top: top >= w.maxTop ? null : top };
    });
  };

  /** Views a conversation: the active one is followed (and a conversation that just ended is left behind). */
  const follow = (next: string | null): Pick<UiState, 'pinned' | 'leftEnded'> =>
    next === state.activeConversationId && !state.finished
      ? { pinned: undefined, leftEnded: justEnded(state) }
      : { pinned: next, leftEnded: latest.current.leftEnded };

  const cycle = (step: 1 | -1) => {
    const ui = latest.current;
    if (ui.view === 'inspector') {
      // Tab moves to another conversation and shows its last turn.
      const ids = viewable(state);
      if (!ids.length) return;
      const at = ids.indexOf(viewedConversation(state, ui));
      const next = ids[(at + step + ids.length) % ids.length] ?? null;
      update({ ...follow(next), inspected: turnsOf(state, next).at(-1) ?? null, top: 0 });
      return;
    }
    if (ui.view === 'artifacts') {
      const n = state.artifacts.size;
      if (n) update({ artifact: (ui.artifact + step + n) % n, top: 0 });
      return;
    }
    const ids = viewable(state);
    if (!ids.length) return;
    const at = ids.indexOf(viewedConversation(state, ui));
    const next = ids[(at + step + ids.length) % ids.length] ?? null;
    update({ ...follow(next), top: null });
  };

  /** Where a search goes on from: the match on screen, else the first line on screen (the end, when following). */
  const searchStart = (ui: UiState): Match => {
    if (ui.match && ui.match.view === ui.view) return ui.match;
    const { length, height } = viewport.current;
    const line = ui.top ?? Math.max(0, length - height);
    return { view: ui.view, conversationId: ui.view === 'transcript' ? viewedConversation(state, ui) : null, line: line - 1 };
  };

  const findFrom = (find: NonNullable<UiState['find']>, step: 1 | -1) => {
    const ui = latest.current;
    const match = finder?.current?.find(find.pattern, searchStart(ui), step) ?? null;
    if (!match) {
      update({ find, match: null });
      return notify(`No match for ${sanitize(find.query)}`);
    }
    // A few lines of context above the match.
    const top = Math.max(0, match.line - 2);
    if (match.view !== 'transcript') return update({ find, match, top });
    return update({ ...follow(match.conversationId), find, match, top });
  };

  // A `match:` breakpoint holds the run on the reply that matched: the match is found for the person, marked, and
  // scrolled to when it is off screen, and n / N go on from it, as if they had searched for it with /.
  const heldOn = useRef<RunState['waiting']>(null);
  useEffect(() => {
    const waiting = state.waiting;
    if (!waiting || waiting === heldOn.current) return;
    heldOn.current = waiting;
    const hold = waiting.holds.find((h) => h.kind === 'breakpoint' && /^match:/i.test(h.spec));
    const parsed = hold?.kind === 'breakpoint' ? parseBreakpoint(hold.spec, { roles: [], phases: [], conversations: [] }) : undefined;
    if (!parsed || !('pattern' in parsed)) return;
    const turn = state.lastTurnId ? state.turns.get(state.lastTurnId) : undefined;
    const conversationId = turn ? turn.conversationId : state.activeConversationId;
    const match = finder?.current?.lastIn(parsed.pattern, conversationId);
    if (!match) return;
    const ui = latest.current;
    const find = { query: parsed.spec.slice(parsed.spec.indexOf(':') + 1).trim(), pattern: parsed.pattern };
    const { length, height } = viewport.current;
    const first = ui.top ?? Math.max(0, length - height);
    const stay =
      ui.view !== 'transcript' || viewedConversation(state, ui) !== conversationId || (match.line >= first && match.line < first + height - 1);
    update({ find, match, ...(stay ? {} : { top: Math.max(0, match.line - 2) }) });
  });

  const copy = () => {
    const ui = latest.current;
    if (!finder?.current) return;
    let what: { text: string; name: string } | undefined;
    if (ui.view === 'artifacts') {
      const entries = [...state.artifacts];
      const entry = entries[Math.min(ui.artifact, entries.length - 1)];
      if (entry) what = { text: entry[1].text, name: `the ${nameOf(state, 'artifacts', entry[0])} artifact` };
    } else {
      const conversationId = viewedConversation(state, ui);
      const turnId =
        ui.view === 'inspector'
          ? (ui.inspected ?? turnsOf(state, conversationId).at(-1))
          : ui.top === null
            ? turnsOf(state, conversationId).at(-1)
            : finder.current.replyAt(conversationId, ui.top);
      const turn = turnId ? state.turns.get(turnId) : undefined;
      if (turn?.text)
        what = {
          text: turn.text,
          name: turn.kind === 'sanity' ? 'the sanity check' : `${nameOf(state, 'roles', turn.role)}'s reply (turn ${turn.index + 1})`,
        };
    }
    if (!what) return notify('Nothing to copy here yet');
    try {
      notify(`Copied ${sanitize(what.name)} ${finder.current.copy(sanitize(what.text))}`);
    } catch (error) {
      notify(`Not copied: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const run = (command: Command | undefined, key: Key) => {
    const ui = latest.current;
    switch (command) {
      case Command.step:
        // On the person's turn, space opens their reply again: the reply is the step.
        if (seat.yours()) {
          return update({ ...openInput('seat', '', `Your reply as ${seatTitle(state)}`), view: 'transcript', pinned: undefined, top: null });
        }
        // A draft waits (--approve): space accepts it as it is.
        if (approvalHoldOf(state) && engine.approve) {
          engine.approve();
          return notify('Draft accepted');
        }
        if (state.waiting) engine.step();
        else if (state.finished) notify('The run is over: q quits');
        else if (generating()) notify('A reply is being generated; x stops it');
        return;
      case Command.toggleMode:
        return engine.setMode(state.mode === 'auto' ? 'step' : 'auto');
      case Command.intervene:
        if (state.finished) return notify('The run is over: nobody is left to answer');
        // Only a live run has the debug commands; a replay's recording has no room for a new message.
        if (!engine.edit) return notify('a replay cannot take customer messages');
        return update(openInput('customer', '', 'To the company, as the customer'));
      case Command.skipConversation:
        return state.finished ? undefined : engine.skipConversation();
      case Command.skipPhase:
        return state.finished ? undefined : update({ confirmSkipPhase: true });
      case Command.abort:
        if (key.escape && ui.view !== 'transcript') return update({ view: 'transcript', top: null });
        if (generating()) return engine.abort();
        // x right after space in the same chunk of keys: the turn space asked for has not begun; it does not.
        if (!key.escape && engine.takeBackStep?.()) return notify('Stopped before the turn began: space starts it');
        return key.escape ? undefined : notify('Nothing is being generated');
      case Command.regenerate:
        return state.finished ? notify('The run is over') : engine.regenerate();
      case Command.scrollUp:
        return scroll((w) => w.top - 1);
      case Command.scrollDown:
        return scroll((w) => w.top + 1);
      case Command.pageUp:
        return scroll((w) => w.top - Math.max(1, w.rows - 1));
      case Command.pageDown:
        return scroll((w) => w.top + Math.max(1, w.rows - 1));
      case Command.scrollTop:
        return scroll(() => 0);
      case Command.scrollBottom:
        return update({ top: null });
      case Command.nextConversation:
        return cycle(1);
      case Command.previousConversation:
        return cycle(-1);
      case Command.artifacts:
        // Documents open at their top; the transcript follows its end.
        return update({ view: ui.view === 'artifacts' ? 'transcript' : 'artifacts', top: ui.view === 'artifacts' ? null : 0 });
      case Command.thinking:
        return update({ thinking: !ui.thinking });
      case Command.inspect: {
        if (ui.view === 'inspector') return update({ view: 'transcript', top: null });
        const inspected = turnsOf(state, viewedConversation(state, ui)).at(-1) ?? null;
        return update({ view: 'inspector', inspected, top: 0 });
      }
      case Command.previousTurn:
      case Command.nextTurn: {
        if (ui.view !== 'inspector') return notify('[ and ] move between turns in the prompt inspector (p)');
        const ids = turnsOf(state, viewedConversation(state, ui));
        if (!ids.length) return;
        const at = ui.inspected ? ids.indexOf(ui.inspected) : -1;
        const to = at < 0 ? ids.length - 1 : Math.max(0, Math.min(ids.length - 1, at + (command === Command.nextTurn ? 1 : -1)));
        return update({ inspected: ids[to] ?? null, top: 0 });
      }
      case Command.rewind: {
        if (ui.view !== 'inspector') return notify('w rewinds to the turn shown in the prompt inspector: p opens it');
        if (!engine.rewind) return notify('a replay cannot be rewound');
        const shown = ui.inspected ?? turnsOf(state, viewedConversation(state, ui)).at(-1);
        const turn = shown ? state.turns.get(shown) : undefined;
        if (!turn) return notify('No turn to rewind to');
        if (state.finished) return notify('The run is over: nothing to rewind');
        if (turn.conversationId === null || turn.conversationId !== state.activeConversationId) {
          return notify('Only a turn of the current conversation can be rewound to');
        }
        engine.rewind(turn.turnId);
        notify(`Rewound to turn ${turn.index + 1}: it is generated again`);
        return update({ view: 'transcript', top: null, pinned: undefined });
      }
      case Command.edit: {
        if (!engine.edit) return notify('a replay cannot be edited');
        if (requestHoldOf(state)) return openRequest();
        // On an ended conversation (or its artifact in o), e edits its final reply, and the artifact follows.
        const final = finalReplyInView(state, ui);
        if (final) {
          const turn = state.turns.get(final.turnId);
          const title = `Editing ${nameOf(state, 'roles', turn?.role ?? null)}, turn ${(turn?.index ?? 0) + 1}: the ${nameOf(state, 'artifacts', final.artifact)} artifact follows`;
          const input = openInput('edit', sanitize(turn?.text ?? ''), sanitize(title));
          const opened = { ...input, editor: { ...editorOpened(input.draft ?? '', input.editor?.title), target: final.turnId } };
          return options.externalEdit && editorCommand() ? editExternally(opened) : update(opened);
        }
        if (state.finished) return notify('The run is over: nothing to edit');
        if (generating()) return notify('A reply is being generated: edit it once it ends');
        const turnId = editableTurn(state);
        if (!turnId) return notify('No reply of this conversation to edit yet');
        const turn = state.turns.get(turnId);
        const draft = approvalHoldOf(state)?.turnId === turnId ? "'s draft" : '';
        const title = `Editing ${turn?.kind === 'sanity' ? 'the sanity check' : nameOf(state, 'roles', turn?.role ?? null)}${draft}, turn ${(turn?.index ?? 0) + 1}`;
        const opened = {
          ...openInput('edit', sanitize(turn?.text ?? ''), sanitize(title)),
          view: 'transcript' as const,
          pinned: undefined,
          top: null,
        };
        // A whole reply is long text: it opens in the person's editor when they have one set.
        return options.externalEdit && editorCommand() ? editExternally(opened) : update(opened);
      }
      case Command.takeTurn:
        return seat.toggle();
      case Command.reloadConfig:
        if (!engine.reloadConfig) return notify('a replay cannot reload its config');
        if (!reloader) return notify('no config file to reload');
        notify('Reloading the config…');
        void reloader.reload().catch((error: unknown) => notify(`Reload failed: ${error instanceof Error ? error.message : String(error)}`));
        return;
      case Command.find:
        return update(openInput('find'));
      case Command.findNext:
      case Command.findPrevious:
        if (!ui.find) return notify('/ finds text first; n and N then move between the matches');
        return findFrom(ui.find, command === Command.findNext ? 1 : -1);
      case Command.copy:
        return copy();
      case Command.help:
        return update({ view: ui.view === 'help' ? 'transcript' : 'help', top: ui.view === 'help' ? null : 0 });
      case Command.costs:
        return update({ view: ui.view === 'costs' ? 'transcript' : 'costs', top: ui.view === 'costs' ? null : 0 });
      case Command.messages:
        // The log opens at its end: the newest message is the one that sent the person here.
        return update({ view: ui.view === 'messages' ? 'transcript' : 'messages', top: null });
      case Command.quit:
        // Only a live reply is worth a question; a replay's can be played again.
        return generating() && engine.edit ? update({ confirmQuit: true }) : onExit('quit');
      default:
        return;
    }
  };

  // One key press at a time, through the whole handler, as if each had come on its own: whether keys came in one
  // chunk or in many, each sees what the ones before it left (`latest`).
  const press = ({ input, key, paste, wheel }: KeyPress) => {
    const ui = latest.current;
    // The wheel scrolls the view on screen, whatever else is open: it types nothing and answers no question.
    if (wheel) return scroll((w) => w.top + (wheel === 'up' ? -WHEEL_LINES : WHEEL_LINES));
    if (paste) {
      // A paste outside the input is text, not a string of commands.
      if (ui.draft !== null) {
        const result = editorPaste(ui.draft, ui.editor, input);
        update({ draft: result.text, editor: result.meta });
      }
      return;
    }
    if (key.ctrl && input === 'c') return interrupt();
    if (ui.draft !== null) {
      const result = editorKey(ui.draft, ui.editor, input, key, viewport.current.inputWidth ?? 80, ui.draftKind !== 'find');
      // What is sent holds no control character, whatever the draft started from (an edit starts from a reply).
      const text = result.action === 'submit' ? sanitize(result.text) : '';
      const after = { draft: result.action === 'submit' || result.action === 'cancel' ? null : result.text, editor: result.meta };
      if (result.action === 'external') return editExternally(after);
      if (ui.draftKind === 'find') {
        update(after);
        if (result.action !== 'submit' || !text.trim()) return;
        try {
          return findFrom({ query: text.trim(), pattern: patternOf(text.trim()) }, 1);
        } catch (error) {
          return notify(`Not a regular expression: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (text.trim()) {
        if (ui.draftKind === 'request') {
          const parsed = textToRequest(result.text);
          if (!parsed.ok) {
            update({ draft: result.text, editor: result.meta });
            return notify(`Not sent: ${parsed.message}`);
          }
          engine.sendRequest?.(parsed.messages);
        } else if (ui.draftKind === 'seat') engine.reply?.(text);
        else if (ui.draftKind === 'edit' && ui.editor.target) engine.edit?.(text, ui.editor.target);
        else if (ui.draftKind === 'edit' && approvalHoldOf(state)) engine.approve?.(text);
        else if (ui.draftKind === 'edit') {
          if (engine.edit && !generating()) engine.edit(text);
          else notify('Not edited: a reply is being generated');
        } else engine.intervene(text);
      }
      return update(after);
    }
    if (ui.confirmSkipPhase) {
      if (input === 'y' || input === 'S') engine.skipPhase();
      return update({ confirmSkipPhase: false });
    }
    if (ui.confirmQuit) {
      if (input === 'y' || input === 'q' || key.return) return onExit('quit');
      return update({ confirmQuit: false });
    }
    if (options.intercept?.({ input, key }, ui)) return;
    run(commandFor(input, key), key);
  };

  useKeyPresses((presses) => {
    takingKeys.current = true;
    try {
      for (const next of presses) {
        // Keys after the one that quits are not for this screen.
        if (exited.current) break;
        press(next);
      }
    } finally {
      takingKeys.current = false;
      setRendered(latest.current);
    }
  });

  return ui;
}
