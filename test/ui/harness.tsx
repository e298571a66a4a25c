/** Renders the TUI over a real Engine driven by an in-memory provider, and waits on what the screen shows. */
import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { resolveConfig } from '../../src/config/validate.js';
import type { RoleplayConfig } from '../../src/config/schema.js';
import { Engine } from '../../src/engine/engine.js';
import type { EngineOptions } from '../../src/engine/runContext.js';
import type { EngineEvent, Mode } from '../../src/engine/events.js';
import type { ModelRequest, Provider, StreamChunk } from '../../src/providers/types.js';
import { App } from '../../src/ui/App.js';
import { EngineStore } from '../../src/ui/engineStore.js';
import type { LeaveKey } from '../../src/ui/useControls.js';
import { pricer } from '../../src/session/pricing.js';

export type Reply = (request: ModelRequest, call: number) => string;

/** Replies `Name:` plus a line naming the turn; the third reply of a conversation ends it. */
const talk: Reply = (request) => {
  const m = request.meta;
  if (m.kind === 'sanity') return 'SUCCESS';
  const index = m.conversation?.turnIndex ?? 0;
  const customer = m.customer.length ? ` Customer said: ${m.customer.join(' | ')}.` : '';
  if (index >= 2) return `${m.speaker?.name}:\n\nThe ${m.output?.name} of ${m.conversation?.name}.${customer}\n\nEND CONVERSATION`;
  return `${m.speaker?.name}:\n\nReply ${index + 1} of ${m.conversation?.name}.${customer}`;
};

/** Streams replies word by word. While `hold` is set, a reply stops after its first word until released or aborted. */
export class TestProvider implements Provider {
  readonly label = 'test';
  readonly requests: ModelRequest[] = [];
  hold = false;
  private releases: Array<() => void> = [];

  constructor(private readonly reply: Reply = talk) {}

  release(): void {
    const waiting = this.releases;
    this.releases = [];
    for (const resolve of waiting) resolve();
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    this.requests.push(request);
    const pieces = this.reply(request, this.requests.length - 1).match(/\S+\s*|\s+/g) ?? [];
    for (const [i, piece] of pieces.entries()) {
      if (signal.aborted) throw signal.reason;
      if (i === 1 && this.hold) {
        await new Promise<void>((resolve, reject) => {
          this.releases.push(resolve);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
      yield { type: 'delta', text: piece };
    }
  }
}

export function testConfig(overrides: RoleplayConfig = {}) {
  const result = resolveConfig({ sanityCheck: false, ...overrides });
  if ('issues' in result) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

export interface StartOptions {
  reply?: Reply;
  provider?: Provider;
  mode?: Mode;
  columns?: number;
  model?: string;
  config?: RoleplayConfig;
  /** Stands for the config reloader of a run with a config file (key R). */
  reloader?: { reload(): Promise<void> };
  /** Where the session is saved (the run's summary; what y copies goes there too). */
  saved?: { dir: string; commands: string[] };
  /** The named endpoints of the run, for the roles that name one. */
  endpoints?: EngineOptions['endpoints'];
  /** The saved session's branch actions (f, b). */
  branches?: import('../../src/ui/branches.js').BranchActions;
  /** Role ids the person plays (`--human`). */
  humans?: string[];
  /** Role ids whose replies are drafts to approve (`--approve`), or all. */
  approve?: string[] | 'all';
}

export function startTui(options: StartOptions = {}) {
  const provider = options.provider ?? new TestProvider(options.reply);
  const engine = new Engine({
    config: testConfig(options.config),
    provider,
    task: 'build a thing',
    sessionId: 'test',
    model: options.model ?? 'gpt-4o-mini',
    mode: options.mode ?? 'step',
    onFailure: 'pause',
    ...(options.endpoints ? { endpoints: options.endpoints } : {}),
    ...(options.humans ? { humans: options.humans } : {}),
    ...(options.approve ? { approve: options.approve } : {}),
  });
  const store = new EngineStore(engine);
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  const exits: LeaveKey[] = [];
  const app = render(
    <App
      store={store}
      engine={engine}
      reloader={options.reloader}
      workflow="test workflow"
      costOf={pricer()}
      onExit={(how) => exits.push(how)}
      {...(options.saved ? { saved: options.saved } : {})}
      {...(options.branches ? { branches: options.branches } : {})}
    />,
  );
  if (options.columns) resize(app.stdout, options.columns);
  const finished = engine.run();
  const frame = () => stripAnsi(app.lastFrame() ?? '');
  return {
    engine,
    store,
    provider,
    exits,
    frame,
    /** The last frame with its styles, as the terminal gets it (with chalk's level set, colours too). */
    styledFrame: () => app.lastFrame() ?? '',
    finished,
    state: store.state,
    /** Sends keys as the terminal would: one string is one chunk of input. */
    press: (...keys: string[]) => {
      for (const key of keys) app.stdin.write(key);
    },
    waitFor: (predicate: (frame: string) => boolean, what = 'the frame') =>
      waitFor(
        () => predicate(frame()),
        () => `${what}; last frame:\n${frame()}`,
      ),
    /** Everything the App wrote to the terminal, frames and all. */
    written: () => app.stdout.frames,
    /** Every engine event so far, in order. */
    events,
    /** Waits for an engine event of `type` among those after the first `from`. */
    waitForEvent: (type: EngineEvent['type'], from = 0) =>
      waitFor(
        () => events.slice(from).some((e) => e.type === type),
        () =>
          `a ${type} event; events since: ${events
            .slice(from)
            .map((e) => e.type)
            .join(', ')}`,
      ),
    /**
     * For an assertion that something did not happen: presses c, whose effect shows, and Esc to close the input
     * again. Once the input has shown, every key pressed before it has been taken and drawn. Needs the input closed.
     */
    keysTaken: async () => {
      app.stdin.write('c');
      await waitFor(
        () => frame().includes('Customer ›'),
        () => `the input opened by c; last frame:\n${frame()}`,
      );
      app.stdin.write(KEY.escape);
      await waitFor(
        () => !frame().includes('Customer ›'),
        () => `the input closed by esc; last frame:\n${frame()}`,
      );
    },
    resize: (columns: number) => resize(app.stdout, columns),
    stop: async () => {
      engine.quit();
      await finished;
      app.unmount();
      store.dispose();
    },
  };
}

function resize(stdout: NodeJS.WriteStream | { columns: number }, columns: number): void {
  Object.defineProperty(stdout, 'columns', { configurable: true, get: () => columns });
  (stdout as NodeJS.WriteStream).emit('resize');
}

/** Polls until `check` holds; fails with `describe()` after `timeoutMs`. */
export async function waitFor(check: () => boolean, describe: () => string = () => 'condition', timeoutMs = 4000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const KEY = {
  enter: '\r',
  escape: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  tab: '\t',
  shiftTab: '\x1b[Z',
  ctrlC: '\x03',
  backspace: '\x7f',
  pasteStart: '\x1b[200~',
  pasteEnd: '\x1b[201~',
} as const;

/** The TUI with a reply held mid-stream: space was pressed and the first reply is generating. */
export async function startGenerating(options: StartOptions = {}) {
  const provider = new TestProvider(options.reply);
  provider.hold = true;
  const tui = startTui({ ...options, provider });
  await tui.waitFor((f) => f.includes('waiting for you'));
  tui.press(' ');
  await tui.waitFor((f) => f.includes('generating'));
  return Object.assign(tui, { provider });
}
