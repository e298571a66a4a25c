/** The full-screen layout: header, timeline, transcript (or artifacts, or help), input and footer. */
import { tmpdir } from 'node:os';
import { Box, Text, useStdout } from 'ink';
import { useLayoutEffect, useRef, useState } from 'react';
import { sanityPassed } from '../engine/protocol.js';
import { nameOf, sanityTurn, type RunState } from '../views/runState.js';
import { sanitize } from '../text/sanitize.js';
import { useActivity } from './Activity.js';
import { ArtifactsView, artifactLines } from './ArtifactsView.js';
import { Editor, editorHeight, editorTextWidth } from './editor/Editor.js';
import { useExternalEditor, type TerminalHandoff } from './editor/useExternalEditor.js';
import type { EngineStore } from './engineStore.js';
import { Footer, type CostOf } from './Footer.js';
import { ActiveRoleLine, Header } from './Header.js';
import { MessageLines, messageRows, messagesOf } from './Messages.js';
import { MessagesView, messageLogLines } from './MessagesView.js';
import { CostView, costLines } from './CostView.js';
import { HelpOverlay, helpLines } from './HelpOverlay.js';
import { InspectorView, inspectorLines, turnsOf } from './InspectorView.js';
import { LinesView, MarkedLine } from './LinesView.js';
import { costOf as builtInCost } from '../session/pricing.js';
import { RunSummary, summaryLines, type Saved } from './RunSummary.js';
import { STATUS_COLOR, STATUS_ICON, STATUS_WORD } from './theme.js';
import { Timeline, TimelineStrip } from './Timeline.js';
import { TranscriptLayout, type LineSource } from './transcriptLayout.js';
import { copyText } from './clipboard.js';
import { findInSource, findInTranscript, lastMatchIn } from './find.js';
import {
  CTRL_C_WINDOW_MS,
  justEnded,
  skipPhaseQuestion,
  useControls,
  type LeaveKey,
  viewedConversation,
  type Finder,
  type Reloader,
  type ViewCommands,
  type Viewport,
} from './useControls.js';
import { useEngineState } from './useEngineState.js';
import { BranchList } from './BranchList.js';
import type { BranchActions } from './branches.js';
import { useBranches } from './useBranches.js';
import { useTerminalSize } from './useTerminalSize.js';

const NARROW_COLUMNS = 90;
/** No prices: one function for the App's life, so the cost view's kept lines stay valid between frames. */
const NO_PRICES: CostOf = () => undefined;
const NO_LINES: LineSource = { length: 0, at: () => '' };
/** The timeline's width: 30 columns, and up to 48 on a wide terminal so that long conversation names fit. */
const timelineWidth = (columns: number) => (columns >= 160 ? Math.min(48, Math.floor(columns / 4)) : 30);

export interface AppProps {
  store: EngineStore;
  /** A live engine also takes the debug commands (rewind, edit, reload); a replay does not. */
  engine: ViewCommands;
  /** Reloads the run's config file (key R); absent when the run has none. */
  reloader?: Reloader | undefined;
  /** What the header calls the workflow: the config file, or the built-in seed. */
  workflow: string;
  onExit: (how: LeaveKey) => void;
  /** Prices usage; the config's prices first, then the built-in table. */
  costOf?: CostOf;
  /** Where a live run's session is saved, for the summary at its end. */
  saved?: Saved;
  /** Forking, the branch list and the compare view (f, b): a saved session's; absent for one that is not. */
  branches?: BranchActions | undefined;
  /** What to do to the terminal around $VISUAL / $EDITOR; absent (off screen, in tests), ctrl+g says so. */
  terminal?: TerminalHandoff;
}

function ViewTitle({ state, conversationId, live }: { state: RunState; conversationId: string | null; live: boolean }) {
  const c = conversationId ? state.conversations.get(conversationId) : undefined;
  if (!c) return <Text bold>{state.preamble.length ? 'Sanity check' : 'Starting…'}</Text>;
  const role = (id: string) => sanitize(nameOf(state, 'roles', id));
  return (
    <Text wrap="truncate-end">
      {live ? null : (
        <Text color="black" backgroundColor="yellow">
          {' viewing an earlier conversation, tab moves on '}
        </Text>
      )}
      {live ? null : ' '}
      <Text bold>{sanitize(c.name)}</Text>
      <Text
        dimColor
      >{` · ${role(c.lead)} with ${role(c.assistant)} · ${sanitize(nameOf(state, 'artifacts', c.input))} -> ${sanitize(nameOf(state, 'artifacts', c.output))} · ${c.turns}/${c.maxTurns} turns · ${STATUS_WORD[c.status]}`}</Text>
    </Text>
  );
}

/** Under a conversation that has just ended, while the view stays with it: what it wrote, and how to go on. */
function DoneLine({ state, conversationId }: { state: RunState; conversationId: string | null }) {
  const next = state.waiting ? 'space goes on, tab views the next' : 'the next conversation starts';
  if (conversationId === null) {
    const passed = sanityPassed(sanityTurn(state)?.text ?? '');
    return (
      <Text wrap="truncate-end" color={passed ? 'green' : 'red'} bold>
        {passed ? '✓ The sanity check passed' : '✗ The sanity check did not answer SUCCESS'}
        <Text dimColor bold={false}>{` · ${next}`}</Text>
      </Text>
    );
  }
  const c = state.conversations.get(conversationId);
  if (!c) return null;
  const artifact = state.artifacts.get(c.output);
  const wrote = artifact ? `${sanitize(nameOf(state, 'artifacts', c.output))} written${artifact.incomplete ? ' (incomplete)' : ''}` : 'no artifact';
  return (
    <Text wrap="truncate-end" color={STATUS_COLOR[c.status]} bold>
      {`${STATUS_ICON[c.status]} Conversation ${STATUS_WORD[c.status]}: ${wrote}`}
      <Text dimColor bold={false}>{` · ${next}`}</Text>
    </Text>
  );
}

export function App({ store, engine, workflow, onExit, costOf, reloader, saved, branches, terminal }: AppProps) {
  const state = useEngineState(store);
  const { columns, rows } = useTerminalSize();
  // One layout for the App's life: it keeps the wrapped lines of finished messages between frames.
  const [layout] = useState(() => new TranscriptLayout());
  const viewport = useRef<Viewport>({ length: 0, height: 0 });
  const finder = useRef<Finder | null>(null);
  const { stdout } = useStdout();
  const activity = useActivity(store);
  const branching = useBranches({ state, actions: branches, finder });
  const externalEdit = useExternalEditor(terminal);
  const ui = useControls({
    state,
    engine,
    viewport,
    onExit,
    reloader,
    subscribe: store.subscribe,
    finder,
    intercept: branching.intercept,
    externalEdit,
  });

  const narrow = columns < NARROW_COLUMNS;
  // One row fewer than the terminal: a frame as tall as the screen makes Ink clear it on every redraw.
  const height = Math.max(8, rows - 1);
  // The editor takes up to two fifths of the screen (a search, one row); it scrolls past that.
  const inputMaxRows = ui.draftKind === 'find' ? 1 : Math.max(3, Math.floor((height * 2) / 5));
  const inputRows = ui.draft !== null ? editorHeight(ui.draftKind, ui.draft, columns, inputMaxRows) : 0;

  // The question stays until a key answers it; a reply that ends meanwhile changes what it says, not what y does.
  const notice = ui.confirmQuit
    ? state.activeTurnId !== null
      ? 'A reply is being generated. Quit anyway? y quits, any other key stays'
      : 'The reply is done. Quit? y quits, any other key stays'
    : ui.confirmSkipPhase
      ? skipPhaseQuestion(state)
      : ui.ctrlCArmed
        ? `Press Ctrl+C again within ${CTRL_C_WINDOW_MS / 1000} s to quit`
        : (ui.notice ?? branching.notice);
  // Each message whole, on rows of its own: up to a fifth of the screen, then `m` has the rest.
  const messages = messageRows(messagesOf(state, notice, engine.edit !== undefined), columns, Math.max(2, Math.floor(height / 5)));
  const bodyHeight = Math.max(3, height - 2 - messages.length - (narrow ? 1 : 0) - 1 - inputRows - 2);
  const sideWidth = timelineWidth(columns);
  const mainWidth = narrow ? columns : columns - sideWidth - 2;
  const textWidth = Math.max(10, mainWidth - 1);
  const conversationId = viewedConversation(state, ui);
  const live = ui.pinned === undefined || state.finished !== null;

  let main;
  // The lines of the view on screen, for finding text in it.
  let source: LineSource = NO_LINES;
  let viewLength: number;
  // The rows the scroll keys page through: the body less its title line (and the done line under a conversation).
  let viewRows = bodyHeight - 1;
  if (branching.list) {
    viewLength = 0;
    main = <BranchList list={branching.list} height={bodyHeight} />;
  } else if (ui.view === 'costs') {
    source = costLines(state, costOf ?? NO_PRICES, textWidth);
    viewLength = source.length;
    main = <CostView source={source} height={bodyHeight} top={ui.top} />;
  } else if (ui.view === 'messages') {
    source = messageLogLines(state, textWidth);
    viewLength = source.length;
    main = <MessagesView source={source} height={bodyHeight} top={ui.top} />;
  } else if (ui.view === 'help') {
    // The overlay pads its lines by a column on either side.
    source = helpLines(textWidth - 1);
    viewLength = source.length;
    main = <HelpOverlay source={source} height={bodyHeight} top={ui.top} />;
  } else if (ui.view === 'inspector') {
    // Opened before any turn: show the first one as soon as it starts.
    const inspected = ui.inspected ?? turnsOf(state, conversationId).at(-1) ?? null;
    source = inspectorLines(state, store.requests, inspected, textWidth);
    viewLength = source.length;
    main = (
      <InspectorView
        state={state}
        requests={store.requests}
        turnId={inspected}
        conversationId={conversationId}
        width={textWidth}
        height={bodyHeight}
        top={ui.top}
        source={source}
      />
    );
  } else if (ui.view === 'artifacts') {
    // Laid out once per artifact text and width (kept across frames), and handed to the view.
    source = artifactLines(state, ui.artifact, textWidth).source;
    viewLength = source.length;
    main = <ArtifactsView state={state} index={ui.artifact} height={bodyHeight} top={ui.top} source={source} />;
  } else {
    source = layout.lines(state, conversationId, textWidth, ui.thinking);
    viewLength = source.length;
    const ended = ui.pinned === undefined && conversationId !== state.activeConversationId && conversationId === justEnded(state);
    if (ended) viewRows--;
    // The end of the run, under its last conversation; a short screen keeps at least a few lines of transcript.
    const summary = summaryLines(state, costOf ?? builtInCost, saved);
    const summaryRows = summary.length ? Math.min(summary.length + 1, Math.max(0, viewRows - 3)) : 0;
    viewRows -= summaryRows;
    main = (
      <Box flexDirection="column" height={bodyHeight}>
        <ViewTitle state={state} conversationId={conversationId} live={live} />
        <LinesView
          source={source}
          height={viewRows}
          top={ui.top}
          empty="Nothing here yet: space sends the first turn."
          below={live ? 'new text below' : 'more below'}
        />
        {ended ? <DoneLine state={state} conversationId={conversationId} /> : null}
        {summaryRows ? <RunSummary lines={summary.slice(0, summaryRows - 1)} width={textWidth} /> : null}
      </Box>
    );
  }

  // What the scroll keys move through: the keys come after this frame is drawn, so it is handed over once it is.
  const shownSource = source;
  const match = ui.match;
  const marked =
    match && match.view === ui.view && (match.view !== 'transcript' || match.conversationId === conversationId)
      ? { line: match.line, pattern: ui.find?.pattern ?? null }
      : null;
  useLayoutEffect(() => {
    viewport.current = { length: viewLength, height: viewRows, inputWidth: editorTextWidth(columns) };
    finder.current = {
      find: (pattern, from, step) =>
        from.view === 'transcript'
          ? findInTranscript(state, (id) => layout.lines(state, id, textWidth, ui.thinking), pattern, from, step)
          : findInSource(shownSource, pattern, from, step),
      lastIn: (pattern, id) => lastMatchIn(layout.lines(state, id, textWidth, ui.thinking), pattern, id),
      replyAt: (id, line) => layout.turnAt(id, line),
      copy: (text) => copyText(text, (data) => stdout.write(data), saved?.dir ?? tmpdir()),
    };
  });

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header state={state} workflow={workflow} width={columns} />
      <ActiveRoleLine state={state} activity={activity} />
      <MessageLines rows={messages} />
      {narrow ? <TimelineStrip state={state} viewed={conversationId} /> : null}
      <Text dimColor>{'─'.repeat(columns)}</Text>
      <Box flexDirection="row" height={bodyHeight}>
        {narrow ? null : (
          <Box borderStyle="single" borderTop={false} borderBottom={false} borderLeft={false} borderDimColor marginRight={1}>
            <Timeline state={state} viewed={conversationId} width={sideWidth} height={bodyHeight} />
          </Box>
        )}
        <Box flexDirection="column" width={mainWidth} height={bodyHeight}>
          <MarkedLine.Provider value={marked}>{main}</MarkedLine.Provider>
        </Box>
      </Box>
      {ui.draft !== null ? (
        <Editor kind={ui.draftKind} text={ui.draft} meta={ui.editor} width={columns} maxRows={inputMaxRows} busy={state.activeTurnId !== null} />
      ) : null}
      <Footer state={state} width={columns} costOf={costOf} runningMs={activity?.runningMs ?? 0} live={engine.edit !== undefined} />
    </Box>
  );
}
