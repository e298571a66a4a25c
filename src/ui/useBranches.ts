/**
 * The branch keys: `f` forks before the reply in view (transcript or inspector) and switches to the fork, `b` opens
 * the branch list (the sessions around this one), where enter opens one, `c` compares it with this one and `L`
 * labels it. The list takes the keys while it is open: useControls hands each key press here first.
 */
import { useRef, useState } from 'react';
import type { RunState } from '../views/runState.js';
import { replyNumber, type BranchActions, type BranchEntry } from './branches.js';
import type { Key } from 'ink';
import { draftText } from './draftInput.js';
import { turnsOf } from './InspectorView.js';
import type { KeyPress } from './keyPresses.js';
import { BRANCH_KEYS, branchCommandFor } from './branchKeys.js';
import { viewedConversation, type Finder, type UiState } from './useControls.js';

/** The label's one line: typed, Backspace, Ctrl+U clears, enter sets it, esc leaves it as it was. */
function editLabel(draft: string, input: string, key: Key): { draft: string; action?: 'submit' | 'cancel' } {
  if (key.escape) return { draft, action: 'cancel' };
  if (key.return) return { draft, action: 'submit' };
  if (key.backspace || key.delete) return { draft: [...draft].slice(0, -1).join('') };
  if (key.ctrl && input === 'u') return { draft: '' };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return { draft };
  if (key.pageUp || key.pageDown || key.home || key.end) return { draft };
  return { draft: draft + draftText(input).replace(/\n/g, ' ') };
}

/** branchFamily.ts, once `b` has loaded it: the list needs it synchronously from then on. */
let family: Pick<typeof import('./branchFamily.js'), 'branchesOf' | 'labelSession'> | undefined;

export interface BranchListState {
  entries: BranchEntry[];
  selected: number;
  /** The label being typed for the selected session, or null. */
  draft: string | null;
  message: string | null;
}

/** The reply the person is looking at: the one inspected, the one at the top of the transcript, or the last one. */
function replyInView(state: RunState, ui: UiState, finder: Finder | null): string | undefined {
  const conversationId = viewedConversation(state, ui);
  if (ui.view === 'inspector') return ui.inspected ?? turnsOf(state, conversationId).at(-1);
  if (ui.view !== 'transcript') return undefined;
  return ui.top === null ? turnsOf(state, conversationId).at(-1) : finder?.replyAt(conversationId, ui.top);
}

export function useBranches(options: { state: RunState; actions: BranchActions | undefined; finder: { current: Finder | null } }) {
  const { state, actions, finder } = options;
  const [list, setList] = useState<BranchListState | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Keys can come several to a chunk: each reads what the one before left.
  const latest = useRef<BranchListState | null>(null);
  // The key presses that came while the list was being loaded (the first b of the run): the list takes them once open.
  const pending = useRef<KeyPress[] | null>(null);
  const set = (next: BranchListState | null) => {
    latest.current = next;
    setList(next);
  };

  const fork = (ui: UiState) => {
    if (!actions) return setNotice('f forks a recorded session: this one is not saved');
    const turnId = replyInView(state, ui, finder.current);
    const turn = turnId ? state.turns.get(turnId) : undefined;
    if (!turn)
      return setNotice(
        ui.view === 'transcript' || ui.view === 'inspector'
          ? 'No reply here to fork at yet'
          : 'f forks at the reply in view: the transcript or the inspector (p)',
      );
    if (turn.status === 'streaming') return setNotice('This reply is still being generated: fork once it ends (x stops it)');
    const reply = replyNumber(state, turn.turnId);
    if (reply === null) return setNotice('This reply was taken back: fork at one that stands');
    actions.leave({ kind: 'fork', dir: actions.dir, reply });
  };

  const onList = (press: KeyPress, open: BranchListState) => {
    const { input, key } = press;
    if (open.draft !== null) {
      const result = editLabel(open.draft, input, key);
      if (result.action === 'submit') {
        const entry = open.entries[open.selected];
        const problem = !family
          ? 'the branch list is not loaded'
          : entry
            ? family.labelSession(entry.summary.dir, result.draft)
            : 'no session selected';
        const entries = family && entry && !problem ? family.branchesOf(actions?.dir ?? '') : open.entries;
        return set({ ...open, entries, draft: null, message: problem ?? (result.draft.trim() ? 'Labelled' : 'Label removed') });
      }
      return set({ ...open, draft: result.action === 'cancel' ? null : result.draft, message: null });
    }
    const entry = open.entries[open.selected];
    switch (branchCommandFor(input, key)) {
      case 'up':
        return set({ ...open, selected: Math.max(0, open.selected - 1), message: null });
      case 'down':
        return set({ ...open, selected: Math.min(open.entries.length - 1, open.selected + 1), message: null });
      case 'open':
        if (!entry || !actions) return;
        if (entry.relation === 'this') return set(null);
        return actions.leave({ kind: 'open', dir: entry.summary.dir });
      case 'compare':
        if (!entry || !actions) return;
        if (entry.relation === 'this') return set({ ...open, message: 'Choose another session to compare this one with' });
        return actions.leave({ kind: 'compare', a: actions.dir, b: entry.summary.dir });
      case 'label':
        return entry ? set({ ...open, draft: entry.summary.label ?? '', message: null }) : undefined;
      case 'close':
        return set(null);
      default:
        return;
    }
  };

  const openList = (entries: BranchEntry[]) => {
    setNotice(null);
    set({
      entries,
      selected: Math.max(
        0,
        entries.findIndex((e) => e.relation === 'this'),
      ),
      draft: null,
      message: null,
    });
  };

  /** Takes a key press before the other controls do; true when it was the branch list's or a branch key's. */
  const intercept = (press: KeyPress, ui: UiState): boolean => {
    if (pending.current && !(press.key.ctrl && press.input === 'c')) {
      pending.current.push(press);
      return true;
    }
    const open = latest.current;
    if (open) {
      onList(press, open);
      return true;
    }
    if (press.key.ctrl || press.key.meta) return false;
    if (press.input === 'f') {
      setNotice(null);
      fork(ui);
      return true;
    }
    if (press.input === 'b') {
      if (!actions) {
        setNotice('b lists the branches of a recorded session: this one is not saved');
        return true;
      }
      const dir = actions.dir;
      if (family) openList(family.branchesOf(dir));
      else {
        pending.current = [];
        void import('./branchFamily.js').then(
          (loaded) => {
            family = { branchesOf: loaded.branchesOf, labelSession: loaded.labelSession };
            const queued = pending.current ?? [];
            pending.current = null;
            openList(loaded.branchesOf(dir));
            for (const press of queued) if (latest.current) onList(press, latest.current);
          },
          (error: unknown) => {
            pending.current = null;
            setNotice(`The branch list could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
          },
        );
      }
      return true;
    }
    if (notice) setNotice(null);
    return false;
  };

  return { list, notice, intercept, keys: BRANCH_KEYS };
}
