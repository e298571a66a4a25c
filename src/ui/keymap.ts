/**
 * Every key of the TUI, in one place. The input handler, the footer hints and the help overlay all read
 * this table, so what the screen says is what the keys do.
 */
import type { Key } from 'ink';

export const Command = {
  step: 'step',
  toggleMode: 'toggleMode',
  intervene: 'intervene',
  skipConversation: 'skipConversation',
  skipPhase: 'skipPhase',
  abort: 'abort',
  regenerate: 'regenerate',
  scrollUp: 'scrollUp',
  scrollDown: 'scrollDown',
  pageUp: 'pageUp',
  pageDown: 'pageDown',
  scrollTop: 'scrollTop',
  scrollBottom: 'scrollBottom',
  nextConversation: 'nextConversation',
  previousConversation: 'previousConversation',
  artifacts: 'artifacts',
  thinking: 'thinking',
  inspect: 'inspect',
  previousTurn: 'previousTurn',
  nextTurn: 'nextTurn',
  rewind: 'rewind',
  edit: 'edit',
  takeTurn: 'takeTurn',
  reloadConfig: 'reloadConfig',
  costs: 'costs',
  messages: 'messages',
  find: 'find',
  findNext: 'findNext',
  findPrevious: 'findPrevious',
  copy: 'copy',
  fork: 'fork',
  branches: 'branches',
  help: 'help',
  quit: 'quit',
  interrupt: 'interrupt',
} as const;
export type Command = (typeof Command)[keyof typeof Command];

/** A key as the user presses it: a printable character, or one of Ink's named keys. */
export type KeySpec =
  | { char: string }
  | { key: 'return' | 'escape' | 'tab' | 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end'; shift?: boolean }
  | { ctrl: string };

/** What decides whether a key does something now. */
export interface KeyContext {
  finished: boolean;
  generating: boolean;
  /** The run waits at the gate: space sends the next turn or goes on. */
  waiting: boolean;
  /** A live run, which takes customer messages and the debug commands; a replay does not. */
  live: boolean;
}

export interface Binding {
  command: Command;
  /** Whether the key does something now; a key without it always does. The footer offers only those that do. */
  when?: (now: KeyContext) => boolean;
  keys: KeySpec[];
  /** How the keys are written in hints, e.g. "space". */
  label: string;
  /** What the command does, for the help overlay. */
  description: string;
  /** A short word for the footer; bindings without one only show in the help overlay. */
  hint?: string;
}

export const KEYMAP: readonly Binding[] = [
  {
    command: Command.step,
    when: (now) => now.waiting,
    keys: [{ char: ' ' }, { key: 'return' }],
    label: 'space/enter',
    description: 'next turn, continue when paused, accept a draft',
    hint: 'next',
  },
  {
    command: Command.toggleMode,
    when: (now) => !now.finished,
    keys: [{ char: 'a' }],
    label: 'a',
    description: 'switch between auto and step mode',
    hint: 'auto/step',
  },
  {
    command: Command.intervene,
    when: (now) => now.live && !now.finished,
    keys: [{ char: 'c' }],
    label: 'c',
    description: 'speak as the customer (enter sends, esc cancels)',
    hint: 'customer',
  },
  {
    command: Command.skipConversation,
    when: (now) => !now.finished,
    keys: [{ char: 's' }],
    label: 's',
    description: 'skip the rest of this conversation',
    hint: 'skip',
  },
  {
    command: Command.skipPhase,
    when: (now) => !now.finished,
    keys: [{ char: 'S' }],
    label: 'S',
    description: 'skip the rest of this phase',
    hint: 'skip phase',
  },
  {
    command: Command.abort,
    when: (now) => now.generating,
    keys: [{ char: 'x' }, { key: 'escape' }],
    label: 'x/esc',
    description: 'stop the reply being generated (its text stays)',
    hint: 'stop',
  },
  {
    command: Command.regenerate,
    when: (now) => now.live && !now.finished,
    keys: [{ char: 'r' }],
    label: 'r',
    description: 'regenerate the last reply, or retry a failed turn',
    hint: 'redo',
  },
  { command: Command.scrollUp, keys: [{ key: 'upArrow' }, { char: 'k' }], label: '↑/k', description: 'scroll up one line' },
  { command: Command.scrollDown, keys: [{ key: 'downArrow' }, { char: 'j' }], label: '↓/j', description: 'scroll down one line' },
  { command: Command.pageUp, keys: [{ key: 'pageUp' }], label: 'PgUp', description: 'scroll up one page' },
  { command: Command.pageDown, keys: [{ key: 'pageDown' }], label: 'PgDn', description: 'scroll down one page' },
  { command: Command.scrollTop, keys: [{ key: 'home' }], label: 'Home', description: 'go to the top' },
  { command: Command.scrollBottom, keys: [{ key: 'end' }], label: 'End', description: 'go to the bottom and follow new text' },
  { command: Command.nextConversation, keys: [{ key: 'tab' }], label: 'tab', description: 'view the next conversation (or artifact)', hint: 'view' },
  {
    command: Command.previousConversation,
    keys: [{ key: 'tab', shift: true }],
    label: 'shift+tab',
    description: 'view the previous conversation (or artifact)',
  },
  { command: Command.artifacts, keys: [{ char: 'o' }], label: 'o', description: 'show or hide the artifacts produced so far', hint: 'artifacts' },
  { command: Command.thinking, keys: [{ char: 't' }], label: 't', description: "open or fold the models' thinking (shown dimmed)" },
  { command: Command.inspect, keys: [{ char: 'p' }], label: 'p', description: 'show the messages sent for a turn, and changes', hint: 'prompt' },
  { command: Command.previousTurn, keys: [{ char: '[' }], label: '[', description: 'inspector: the previous turn' },
  { command: Command.nextTurn, keys: [{ char: ']' }], label: ']', description: 'inspector: the next turn' },
  {
    command: Command.rewind,
    when: (now) => now.live && !now.finished,
    keys: [{ char: 'w' }],
    label: 'w',
    description: 'inspector: rewind to this turn, generate again',
  },
  {
    command: Command.edit,
    when: (now) => now.live && !now.finished && !now.generating,
    keys: [{ char: 'e' }],
    label: 'e',
    description: 'edit the last reply or an artifact ($EDITOR if set)',
    hint: 'edit',
  },
  {
    command: Command.takeTurn,
    when: (now) => now.live && !now.finished,
    keys: [{ char: 'h' }],
    label: 'h',
    description: 'write the next turn yourself; on yours, give it back',
    hint: 'your turn',
  },
  {
    command: Command.reloadConfig,
    when: (now) => now.live && !now.finished,
    keys: [{ char: 'R' }],
    label: 'R',
    description: 'reload the config file (from the next turn)',
  },
  { command: Command.costs, keys: [{ char: '$' }], label: '$', description: 'show tokens and cost per phase, conversation and role', hint: 'cost' },
  { command: Command.messages, keys: [{ char: 'm' }], label: 'm', description: 'show every warning, error and breakpoint of the run' },
  {
    command: Command.find,
    keys: [{ char: '/' }],
    label: '/',
    description: 'find text, or a /regex/, in the view on screen',
    hint: 'find',
  },
  { command: Command.findNext, keys: [{ char: 'n' }], label: 'n', description: 'the next match (across conversations)' },
  { command: Command.findPrevious, keys: [{ char: 'N' }], label: 'N', description: 'the previous match' },
  {
    command: Command.copy,
    keys: [{ char: 'y' }],
    label: 'y',
    description: 'copy the reply or artifact in view to the clipboard',
    hint: 'copy',
  },
  {
    command: Command.fork,
    keys: [{ char: 'f' }],
    label: 'f',
    description: 'fork before the reply in view, switch to the fork',
  },
  { command: Command.branches, keys: [{ char: 'b' }], label: 'b', description: 'branches: parent, siblings, forks (open, compare)' },
  { command: Command.help, keys: [{ char: '?' }], label: '?', description: 'show or hide all keys', hint: 'help' },
  { command: Command.quit, keys: [{ char: 'q' }], label: 'q', description: 'quit (asks first while a reply is generated)', hint: 'quit' },
  { command: Command.interrupt, keys: [{ ctrl: 'c' }], label: 'ctrl+c', description: 'stop the reply; twice within 2 s quits' },
];

function matches(spec: KeySpec, input: string, key: Key): boolean {
  if ('ctrl' in spec) return key.ctrl && input === spec.ctrl;
  if ('char' in spec) return !key.ctrl && !key.meta && input === spec.char;
  if (spec.key === 'tab') return key.tab && key.shift === (spec.shift ?? false);
  return key[spec.key];
}

/** Whether a binding's key does something now. */
export function available(binding: Binding, now: KeyContext): boolean {
  return binding.when?.(now) ?? true;
}

/** The command bound to a key press, if any. */
export function commandFor(input: string, key: Key): Command | undefined {
  return KEYMAP.find((binding) => binding.keys.some((spec) => matches(spec, input, key)))?.command;
}
