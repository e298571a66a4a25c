/**
 * The engine's face: the commands a view sends and the one typed event stream it observes. No React in here; the
 * TUI and the headless view are both subscribers. Commands become intents (or gate changes); the run loop
 * (`runLoop.ts`) acts on them; the session model (`sessionModel.ts`) changes only through the events it emits.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import type { SetupFault } from '../providers/types.js';
import { parseBreakpoints } from './breakpoints.js';
import { JOURNAL_VERSION, JOURNAL_FORMAT, type DebugCommands, type EngineCommands, type EngineEvent, type Mode, type RunStatus } from './events.js';
import { structuralChange, changedParts, workflowOutline } from './outline.js';
import { RunContext, type EngineOptions } from './runContext.js';
import { editFinalReply } from './intentActions.js';
import { nextStep } from './position.js';
import { requestFor } from './requestBuilder.js';
import type { ChatMessage } from '../providers/types.js';
import { runLoop } from './runLoop.js';
import type { SessionModel } from './sessionModel.js';
import type { AbortCause } from './turnStream.js';

export type { EngineOptions };

export interface RunResult {
  status: RunStatus;
  reason: string | null;
  /** Set when the run failed on something the user must fix (a wrong URL, a refused key). */
  setupFault: SetupFault | undefined;
  artifacts: Map<string, ProducedArtifact>;
}

export interface ProducedArtifact {
  text: string;
  incomplete: boolean;
}

export class Engine implements EngineCommands, DebugCommands {
  private readonly ctx: RunContext;
  private started = false;
  private pendingConfig: ResolvedConfig | null = null;

  constructor(private readonly options: EngineOptions) {
    this.ctx = new RunContext(options);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    return this.ctx.hub.subscribe(listener);
  }

  /** Events a resumed session already holds; views fold them before the new ones. */
  get history(): readonly EngineEvent[] {
    return this.options.resume?.history ?? [];
  }

  /** The session as the run has told it so far. */
  get session(): SessionModel {
    return this.ctx.model;
  }

  /** What is wrong with the set-up, while the last turn failed on it (a server never reached, a refused key). */
  get setupFault(): string | undefined {
    const failure = this.ctx.lastFailure;
    return failure?.setupFault ? failure.message : undefined;
  }

  get currentMode(): Mode {
    return this.ctx.gate.mode;
  }

  /** The config the next turn will use. */
  get currentConfig(): ResolvedConfig {
    return this.pendingConfig ?? this.ctx.config;
  }

  // ---- commands -------------------------------------------------------------------------------------

  step(): void {
    this.ctx.gate.release();
  }

  setMode(mode: Mode): void {
    this.ctx.gate.setMode(mode);
  }

  /** Speaks as the customer: told at once, heard by the next turn. Refused when no turn is left to hear it. */
  intervene(text: string): void {
    const message = text.replace(/\r\n?/g, '\n').trim();
    if (!message) return;
    const model = this.ctx.model;
    if (!this.started || model.finished || this.ctx.intents.stop) {
      this.ctx.warn('customer-refused', 'Not sent: the run is over, so no turn is left to hear it');
      return;
    }
    const customerId = `c${model.customerCounter + 1}`;
    this.ctx.emit({ type: 'customer.message', customerId, conversationId: model.current?.conversationId ?? null, text: message });
    this.ctx.gate.poke();
  }

  skipConversation(): void {
    this.push({ kind: 'skip', scope: 'conversation' }, 'skip');
  }

  skipPhase(): void {
    this.push({ kind: 'skip', scope: 'phase' }, 'skip');
  }

  abort(): void {
    this.ctx.flights.stop('user');
  }

  takeBackStep(): boolean {
    return this.ctx.gate.takeBack();
  }

  /** Takes back the last reply and asks again; while a reply streams, stops it and asks for it again. */
  regenerate(): void {
    if (this.ctx.flights.busy) this.ctx.flights.stop('regenerate');
    else this.push({ kind: 'regenerate' });
  }

  /** Takes back the replies of the current conversation from `turnId` on (the last one when null), then asks again. */
  rewind(turnId: string | null): void {
    if (turnId === null) return this.regenerate();
    this.push({ kind: 'rewind', turnId }, 'regenerate');
  }

  /**
   * Replaces the text of the last reply before the run goes on; the journal keeps both versions. With `turnId`, the
   * final reply of a conversation that ended, and its artifact with it, also once the run is over.
   */
  edit(text: string, turnId?: string): void {
    if (turnId !== undefined) {
      if (this.ctx.model.finished || !this.started) editFinalReply(this.ctx, turnId, text);
      else this.push({ kind: 'edit', text, turnId });
      return;
    }
    if (this.ctx.flights.busy || !this.ctx.model.current?.replies.length) {
      this.ctx.warn('edit', 'Only the last reply of this conversation can be edited, between turns');
      return;
    }
    this.push({ kind: 'edit', text });
  }

  /** The next turn is the person's, once: the run waits for their reply instead of asking the model. */
  takeNextTurn(): void {
    if (this.ctx.model.finished) return;
    this.ctx.seats.takeNext();
    this.ctx.gate.poke();
  }

  /** The model plays the role of the next turn again (the person's seat, or the turn `h` took). */
  handBackSeat(): void {
    const step = nextStep(this.ctx.model, this.ctx.config);
    this.ctx.seats.handBack(step.kind === 'turn' ? step.turn.role : null);
    this.ctx.gate.poke();
  }

  /** The request a `request:` breakpoint holds, as the run would send it; undefined when none waits. */
  heldRequest(): ChatMessage[] | undefined {
    const turn = this.ctx.gateTurn;
    if (!turn || !this.ctx.gate.current().some((h) => h.kind === 'request')) return undefined;
    return requestFor(this.ctx.model, this.ctx.config, this.options.task, turn).messages;
  }

  /** Sends `messages` for the turn a `request:` breakpoint holds, instead of the request built: that turn only. */
  sendRequest(messages: ChatMessage[]): void {
    if (!messages.length) return;
    this.push({ kind: 'request', messages });
  }

  /** Accepts the draft that waits (`--approve`): as it is, or `text` (their edit of it) in its place. */
  approve(text?: string): void {
    this.push({ kind: 'approve', text: text === undefined ? null : text.replace(/\r\n?/g, '\n') });
  }

  /** The person's reply for the turn that waits for it; it goes into the thread like a model's. */
  reply(text: string): void {
    const body = text.replace(/\r\n?/g, '\n').trim();
    if (!body) return;
    this.push({ kind: 'reply', text: body });
  }

  /**
   * Takes a reloaded config from the next turn on. Prompts, descriptions, models and limits may change; a
   * workflow of another shape may not, and is refused with the reason.
   */
  reloadConfig(next: ResolvedConfig): { ok: true; changed: string[] } | { ok: false; reason: string } {
    const structural = structuralChange(this.ctx.config.workflow, next.workflow);
    if (structural) return { ok: false, reason: `${structural}: restart the run to use it` };
    const unserved = next.workflow.roles.find((r) => r.endpoint !== undefined && !this.options.endpoints?.has(r.endpoint));
    if (unserved)
      return {
        ok: false,
        reason: `role ${unserved.name} now runs on endpoint "${unserved.endpoint}", which this run has not set up: restart the run to use it`,
      };
    try {
      parseBreakpoints(next.breakpoints, next.workflow);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const changed = changedParts(this.currentConfig, next);
    this.pendingConfig = next;
    this.push({ kind: 'reload', config: next, changed });
    return { ok: true, changed };
  }

  /** Reports a problem found outside the engine (a config that failed to reload) through its events. */
  warn(code: string, message: string): void {
    this.ctx.warn(code, message);
  }

  quit(reason = 'quit by the user'): void {
    this.push({ kind: 'stop', status: 'quit', reason }, 'quit');
  }

  /** Ends the run as failed for a reason outside the model, e.g. a session that can no longer be saved. */
  halt(reason: string): void {
    this.push({ kind: 'stop', status: 'failed', reason }, 'quit');
  }

  private push(intent: Parameters<RunContext['intents']['push']>[0], stopFlight?: AbortCause): void {
    this.ctx.intents.push(intent);
    if (stopFlight) this.ctx.flights.stop(stopFlight);
    this.ctx.gate.poke();
  }

  // ---- the run ----------------------------------------------------------------------------------------

  async run(): Promise<RunResult> {
    if (this.started) throw new Error('Engine.run() may be called once');
    this.started = true;
    const { ctx } = this;
    const common = { sessionId: this.options.sessionId, provider: this.options.provider.label, model: this.options.model, mode: ctx.gate.mode };
    const fork = this.options.fork;
    if (this.options.resume && fork) {
      // A fork is a resume of the parent's first replies into a new session, with its own config from here on.
      const { config, endpoint } = this.options;
      ctx.emit({ type: 'run.forked', version: JOURNAL_VERSION, ...common, ...fork, fromSeq: ctx.model.lastSeq, config, endpoint: endpoint ?? null });
    } else if (this.options.resume) ctx.emit({ type: 'run.resumed', version: JOURNAL_VERSION, ...common, fromSeq: ctx.model.lastSeq });
    else {
      const config = this.options.config;
      ctx.emit({
        type: 'run.started',
        format: JOURNAL_FORMAT,
        version: JOURNAL_VERSION,
        ...common,
        task: this.options.task,
        context: config.context,
        workflow: workflowOutline(config.workflow),
        config,
        endpoint: this.options.endpoint ?? null,
        ...(this.options.api === 'responses' ? { api: 'responses' as const } : {}),
      });
    }
    for (const notice of this.options.notices ?? []) ctx.warn(notice.code, notice.message);
    const { status, reason } = await runLoop(ctx);
    this.pendingConfig = null;
    const setupFault = status === 'failed' ? ctx.lastFailure?.setupFault : undefined;
    return { status, reason, setupFault, artifacts: new Map(ctx.model.produced) };
  }
}

export type { AbortCause };
