/**
 * The run loop: phases, conversations and turns, driven by commands and observed through one typed event
 * stream. No React in here; the TUI and the headless view are both subscribers.
 */
import type { Conversation, ResolvedConfig } from '../config/resolve.js';
import type { Provider, SetupFault } from '../providers/types.js';
import { breakpointAfterReply, breakpointBefore, parseBreakpoints, type Breakpoint } from './breakpoints.js';
import type {
  ConversationEndReason,
  DebugCommands,
  EngineCommands,
  EngineEvent,
  EngineEventBody,
  Mode,
  NextTurn,
  RunStatus,
  Side,
  TurnKind,
  Usage,
} from './events.js';
import { changedParts, structuralChange, workflowOutline } from './outline.js';
import { extractArtifact, hasEndMarker } from './protocol.js';
import { customerMessage, initialMessage, type ThreadEntry } from './requestBuilder.js';
import type { ResumedReply, ResumePoint } from './resume.js';
import { Budget } from './budget.js';
import { StepControl } from './stepControl.js';
import { runTurn, type TurnOutcome } from './turnRunner.js';
import { Flights, type AbortCause } from './turnStream.js';
import { formatUsdAmount } from '../text/formatDuration.js';

export interface EngineOptions {
  config: ResolvedConfig;
  provider: Provider;
  task: string;
  sessionId: string;
  /** The model for roles that name none. */
  model: string;
  mode?: Mode;
  /** `pause` waits for the user after retries run out (TUI); `stop` ends the run as failed (headless). */
  onFailure?: 'pause' | 'stop';
  now?: () => number;
  /** The base URL of the server, recorded so a resume can find it again. */
  endpoint?: string | null;
  /** Continue a journaled session from where it stood instead of starting afresh. */
  resume?: ResumePoint;
  /** More breakpoint specs, e.g. from `--break`; the config's own come with it. */
  breakpoints?: readonly string[];
  /** `pause` stops at a breakpoint (TUI); `log` only reports it (headless, where nobody could resume). */
  onBreakpoint?: 'pause' | 'log';
  /** A budget in USD, and how to price a turn; undefined prices are not counted. */
  maxCostUsd?: number;
  costOf?: (model: string, usage: Usage) => number | undefined;
  /** Warnings to tell right after the run starts, e.g. about the options it was given. */
  notices?: ReadonlyArray<{ code: string; message: string }>;
}

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

/** A reply of the conversation in progress, as the engine keeps it and a resume restores it. */
type Reply = ResumedReply;


const other = (side: Side): Side => (side === 'lead' ? 'assistant' : 'lead');

export class Engine implements EngineCommands, DebugCommands {
  private config: ResolvedConfig;
  private readonly provider: Provider;
  private readonly now: () => number;
  private readonly t0: number;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly flights = new Flights();
  private readonly control: StepControl;
  private roleNames: string[] = [];
  private initial = '';
  private breakpoints: Breakpoint[] = [];
  private seq = 0;
  private skipConversationRequested = false;
  private skipPhaseRequested = false;
  /** A reply to take back before the next turn: the last one (regenerate) or a given one (rewind). */
  private rewindRequest: { turnId: string | null } | null = null;
  private quitRequested = false;
  private pendingCustomer: string[] = [];
  private customerSinceReply: string[] = [];
  private pendingConfig: ResolvedConfig | null = null;
  private recheck = false;
  private thread: ThreadEntry[] = [];
  private readonly produced = new Map<string, ProducedArtifact>();
  private currentConversation: Conversation | undefined;
  private replies: Reply[] = [];
  private turnCounter = 0;
  private started = false;
  private lastFailure: string | null = null;
  private lastSetupFault: SetupFault | undefined;
  private breakpointSeen: string | null = null;
  private readonly budget: Budget;
  private stopReason: string | null = null;
  private haltReason: string | null = null;

  constructor(private readonly options: EngineOptions) {
    this.config = options.config;
    this.provider = options.provider;
    this.now = options.now ?? Date.now;
    this.t0 = this.now();
    this.budget = new Budget(options.maxCostUsd, options.costOf, options.resume?.spent(options.costOf) ?? 0);
    this.control = new StepControl(options.mode ?? 'step', (mode) => this.emit({ type: 'mode.changed', mode }));
    const resume = options.resume;
    if (resume) {
      this.seq = resume.lastSeq;
      this.t0 -= resume.lastT + 1;
      this.thread = [...resume.thread];
      for (const [id, artifact] of resume.produced) this.produced.set(id, artifact);
      this.turnCounter = resume.turnCounter;
      this.customerSinceReply = [...resume.customerSinceReply];
    }
    this.applyConfig(this.config);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events a resumed session already holds; views fold them before the new ones. */
  get history(): readonly EngineEvent[] {
    return this.options.resume?.history ?? [];
  }

  get currentMode(): Mode {
    return this.control.mode;
  }

  /** The config the next turn will use. */
  get currentConfig(): ResolvedConfig {
    return this.pendingConfig ?? this.config;
  }

  // ---- commands -------------------------------------------------------------------------------------

  step(): void {
    this.control.step();
  }

  setMode(mode: Mode): void {
    this.control.setMode(mode);
  }

  intervene(text: string): void {
    const message = text.replace(/\r\n?/g, '\n').trim();
    if (!message) return;
    this.pendingCustomer.push(message);
    if (!this.flights.busy) this.flushCustomer();
    this.control.poke();
  }

  skipConversation(): void {
    this.skipConversationRequested = true;
    this.flights.stop('skip');
    this.control.poke();
  }

  skipPhase(): void {
    this.skipPhaseRequested = true;
    this.flights.stop('skip');
    this.control.poke();
  }

  abort(): void {
    this.flights.stop('user');
  }

  regenerate(): void {
    this.rewind(null);
  }

  /** Takes back the replies of the current conversation from `turnId` on (the last one when null), then asks again. */
  rewind(turnId: string | null): void {
    if (turnId !== null && !this.replies.some((r) => r.turnId === turnId)) {
      this.emit({ type: 'warning', code: 'rewind', message: 'Only a reply of the current conversation can be rewound to' });
      return;
    }
    this.rewindRequest = { turnId };
    this.control.paused = null;
    this.flights.stop('regenerate');
    this.control.poke();
  }

  /** Replaces the text of the last reply before the run goes on; the journal keeps both versions. */
  edit(text: string): void {
    const last = this.replies.at(-1);
    if (this.flights.busy || !last) {
      this.emit({ type: 'warning', code: 'edit', message: 'Only the last reply of this conversation can be edited, between turns' });
      return;
    }
    const previous = last.text;
    last.text = text;
    last.endsConversation = last.status === 'complete' && hasEndMarker(text);
    for (const entry of this.thread) {
      if (entry.turnId === last.turnId && entry.role === 'assistant') entry.content = text;
    }
    this.emit({ type: 'turn.edited', turnId: last.turnId, text, previous });
    // The edit may have closed the conversation: the loop looks again before the next turn.
    this.recheck = true;
    this.control.poke();
  }

  /**
   * Takes a reloaded config from the next turn on. Prompts, descriptions, models and limits may change; a
   * workflow of another shape may not, and is refused with the reason.
   */
  reloadConfig(next: ResolvedConfig): { ok: true; changed: string[] } | { ok: false; reason: string } {
    const structural = structuralChange(this.config.workflow, next.workflow);
    if (structural) return { ok: false, reason: `${structural}: restart the run to use it` };
    try {
      parseBreakpoints(next.breakpoints, next.workflow);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const changed = changedParts(this.currentConfig, next);
    this.pendingConfig = next;
    if (!this.flights.busy) this.applyPendingConfig();
    return { ok: true, changed };
  }

  /** Reports a problem found outside the engine (a config that failed to reload) through its events. */
  warn(code: string, message: string): void {
    this.emit({ type: 'warning', code, message });
  }

  quit(): void {
    this.quitRequested = true;
    this.flights.stop('quit');
    this.control.poke();
  }

  /** Ends the run as quit() does, but as `failed` with `reason`: for a fault outside the engine (the session cannot be saved). */
  halt(reason: string): void {
    this.haltReason ??= reason;
    this.quit();
  }

  // ---- the run ----------------------------------------------------------------------------------------

  async run(): Promise<RunResult> {
    if (this.started) throw new Error('Engine.run() may be called once');
    this.started = true;
    const resume = this.options.resume;
    this.announceStart(resume);
    for (const notice of this.options.notices ?? []) this.warn(notice.code, notice.message);
    let status: RunStatus = 'completed';
    let reason: string | null = null;
    try {
      if (this.config.sanityCheck && !resume?.sanityDone) {
        if ((await this.sanityCheck()) === 'failed') return this.finish('failed', this.lastFailure);
      }
      for (const [index, phase] of this.config.workflow.phases.entries()) {
        if (this.quitRequested) break;
        if (resume?.endedPhases.has(phase.id)) continue;
        this.skipPhaseRequested = false;
        if (!resume?.startedPhases.has(phase.id)) this.emit({ type: 'phase.started', phaseId: phase.id, index });
        for (const conversationId of phase.conversations) {
          if (resume?.endedConversations.has(conversationId)) continue;
          const restored = resume?.current?.conversationId === conversationId ? resume.current.replies : undefined;
          const ended = await this.runConversation(conversationId, phase.id, restored);
          // The phase has not ended: a resume goes on inside it.
          if (ended === 'failed') return this.finish('failed', this.lastFailure);
          if (ended === 'quit') break;
        }
        if (this.quitRequested) break;
        this.emit({ type: 'phase.ended', phaseId: phase.id, skipped: this.skipPhaseRequested });
      }
      if (this.quitRequested) {
        status = 'quit';
        reason = this.stopReason ?? 'quit by the user';
      }
    } catch (error) {
      status = 'failed';
      reason = error instanceof Error ? error.message : String(error);
      this.emit({ type: 'error', message: reason, fatal: true });
    }
    return this.finish(status, reason);
  }

  private announceStart(resume: ResumePoint | undefined): void {
    const common = { sessionId: this.options.sessionId, provider: this.provider.label, model: this.options.model, mode: this.control.mode };
    if (resume) {
      this.emit({ type: 'run.resumed', ...common, fromSeq: resume.lastSeq });
      return;
    }
    this.emit({
      type: 'run.started',
      ...common,
      task: this.options.task,
      context: this.config.context,
      workflow: workflowOutline(this.config.workflow),
      config: this.config,
      endpoint: this.options.endpoint ?? null,
    });
  }

  private finish(status: RunStatus, reason: string | null): RunResult {
    if (this.haltReason !== null) [status, reason] = ['failed', this.haltReason];
    this.emit({ type: 'run.finished', status, reason });
    return { status, reason, setupFault: status === 'failed' && this.haltReason === null ? this.lastSetupFault : undefined, artifacts: new Map(this.produced) };
  }

  private async sanityCheck(): Promise<'ok' | 'failed' | 'quit'> {
    while (true) {
      const gate = await this.gate({ conversationId: null, kind: 'sanity', role: null, side: null });
      if (gate === 'recheck') continue;
      if (gate !== 'go') return gate === 'quit' ? 'quit' : 'ok';
      this.rewindRequest = null;
      const outcome = await this.runTurn('sanity', undefined, 'lead', 0);
      if (outcome.status === 'failed') {
        if (this.options.onFailure === 'stop') return 'failed';
        this.control.paused = `${this.lastFailure ?? 'the sanity check failed'} (r: retry, s: skip)`;
        continue;
      }
      if (outcome.status === 'dropped') {
        this.afterDropped(outcome.stoppedBy);
        continue;
      }
      if (this.rewindRequest) continue;
      if (outcome.status === 'interrupted' && this.userStopped()) this.control.paused = 'Stopped by you: space continues';
      if (outcome.status === 'complete' && !/SUCCESS/i.test(outcome.text)) {
        this.emit({
          type: 'warning',
          code: 'sanity-check',
          message: `The sanity check did not answer SUCCESS: "${outcome.text.slice(0, 80)}"`,
          turnId: outcome.turnId,
        });
      }
      return 'ok';
    }
  }

  private conversationById(id: string): Conversation {
    const conversation = this.config.workflow.conversations.find((c) => c.id === id);
    if (!conversation) throw new Error(`unknown conversation ${id}`);
    return conversation;
  }

  private async runConversation(id: string, phaseId: string, restored?: ResumedReply[]): Promise<ConversationEndReason> {
    this.currentConversation = this.conversationById(id);
    this.skipConversationRequested = false;
    this.rewindRequest = null;
    if (!restored) this.emit({ type: 'conversation.started', conversationId: id, phaseId });
    this.replies = (restored ?? []).map((r) => ({ ...r }));
    let failedTurnPending = false;
    let reason: ConversationEndReason | undefined;

    while (reason === undefined) {
      if (this.rewindRequest) {
        const { turnId } = this.rewindRequest;
        this.rewindRequest = null;
        this.control.stepRequested = true;
        // After a failure, "regenerate" retries the failed turn; otherwise it takes back replies.
        if (turnId !== null) this.takeBack(turnId, 'rewind');
        else if (!failedTurnPending) this.takeBack(this.replies.at(-1)?.turnId ?? null, 'regenerate');
        failedTurnPending = false;
      }
      const conversation = this.conversationById(id);
      this.currentConversation = conversation;
      const last = this.replies.at(-1);
      if (last?.endsConversation) reason = 'end-marker';
      else if (this.skipPhaseRequested || this.skipConversationRequested) reason = this.skipPhaseRequested ? 'phase-skipped' : 'skipped';
      else if (this.quitRequested) reason = 'quit';
      else if (this.replies.length >= conversation.maxTurns) reason = 'turn-limit';
      if (reason) break;

      const side: Side = last ? other(last.side) : 'lead';
      const kind: TurnKind = this.replies.length === 0 ? 'start' : 'switch';
      const role = side === 'lead' ? conversation.lead : conversation.assistant;
      const gate = await this.gate({ conversationId: id, kind, role, side });
      if (gate !== 'go' || this.rewindRequest) continue;

      const outcome = await this.runTurn(kind, conversation, side, this.replies.length);
      if (outcome.status === 'dropped') {
        this.afterDropped(outcome.stoppedBy);
        continue;
      }
      if (outcome.status === 'failed') {
        if (this.options.onFailure === 'stop') {
          reason = 'failed';
          break;
        }
        failedTurnPending = true;
        this.control.paused = `${this.lastFailure ?? 'the turn failed'} (r: retry, s: skip)`;
        continue;
      }
      failedTurnPending = false;
      if (outcome.status === 'interrupted' && this.userStopped() && !this.rewindRequest) {
        this.control.paused = 'Stopped by you: space continues, r regenerates';
      }
      if (outcome.text) this.replies.push(outcome);
    }

    const last = this.replies.at(-1);
    const artifact = last ? { text: extractArtifact(last.text, this.roleNames), incomplete: reason !== 'end-marker' } : null;
    const output = this.conversationById(id).output;
    if (artifact) this.produced.set(output, artifact);
    this.emit({
      type: 'conversation.ended',
      conversationId: id,
      reason,
      turns: this.replies.length,
      artifact: artifact ? { id: output, ...artifact } : null,
    });
    this.currentConversation = undefined;
    this.replies = [];
    return reason;
  }

  /**
   * A turn that left nothing behind. `r` while it streamed (or waited to retry) asks for this very turn again,
   * not the reply before it; `x` while it waited to retry stops the run, as it would have stopped the reply.
   */
  private afterDropped(stoppedBy: AbortCause | null): void {
    if (stoppedBy === 'regenerate' && this.rewindRequest?.turnId === null) {
      this.rewindRequest = null;
      this.control.stepRequested = true;
    } else if (stoppedBy === 'user') {
      this.control.paused = 'Stopped by you: space continues, r regenerates';
    }
  }

  /** Drops the replies from `turnId` on, and whatever the customer said after the first of them. */
  private takeBack(turnId: string | null, reason: 'rewind' | 'regenerate'): void {
    const at = this.replies.findIndex((r) => r.turnId === turnId);
    if (at < 0) return;
    const dropped = this.replies.splice(at);
    const first = this.thread.findIndex((entry) => entry.turnId === dropped[0]?.turnId);
    if (first >= 0) this.thread.length = first;
    // What the customer said before the first reply taken back is again news to the next one.
    const lastReply = this.thread.findLastIndex((entry) => entry.turnId !== undefined);
    this.customerSinceReply = this.thread.slice(lastReply + 1).flatMap((entry) => (entry.customer === undefined ? [] : [entry.customer]));
    for (const reply of dropped) this.emit({ type: 'turn.discarded', turnId: reply.turnId, reason });
    if (reason === 'rewind' && this.currentConversation) {
      this.emit({ type: 'conversation.rewound', conversationId: this.currentConversation.id, toIndex: at, discarded: dropped.map((r) => r.turnId) });
    }
  }

  /** Waits until the user lets the next turn go: in step mode, while paused, or at a breakpoint. */
  private async gate(next: NextTurn): Promise<'go' | 'skip' | 'quit' | 'recheck'> {
    let announced = false;
    while (true) {
      this.flushCustomer();
      this.applyPendingConfig();
      if (this.quitRequested) return 'quit';
      if (this.skipConversationRequested || this.skipPhaseRequested) return 'skip';
      if (this.rewindRequest) return 'go';
      if (this.recheck) {
        this.recheck = false;
        return 'recheck';
      }
      this.checkBreakpoints(next);
      if (!this.control.holding) {
        this.control.stepRequested = false;
        if (announced) this.emit({ type: 'resumed' });
        return 'go';
      }
      if (!announced) {
        announced = true;
        this.emit({ type: 'waiting', reason: this.control.paused !== null ? 'paused' : 'step', message: this.control.paused, next });
      }
      await this.control.changed();
    }
  }

  private checkBreakpoints(next: NextTurn): void {
    const key = `${next.conversationId}#${this.replies.length}#${next.kind}`;
    if (this.breakpointSeen === key) return;
    this.breakpointSeen = key;
    const hit = breakpointBefore(this.breakpoints, this.config.workflow, next);
    if (hit) this.hitBreakpoint(hit);
  }

  /** Reports a breakpoint and, in the TUI, pauses before the next turn; two at one stop are both shown. */
  private hitBreakpoint(hit: { spec: string; message: string }): void {
    this.emit({ type: 'breakpoint', spec: hit.spec, message: hit.message });
    if (this.options.onBreakpoint === 'log') return;
    const text = `Breakpoint ${hit.spec}: ${hit.message}`;
    this.control.paused = this.control.paused?.startsWith('Breakpoint ') ? `${this.control.paused}; ${text}` : text;
  }

  private applyConfig(config: ResolvedConfig): void {
    this.config = config;
    this.roleNames = [...config.workflow.roles.map((r) => r.name), 'Customer'];
    this.initial = initialMessage(config, this.options.task);
    this.breakpoints = parseBreakpoints([...config.breakpoints, ...(this.options.breakpoints ?? [])], config.workflow);
  }

  private applyPendingConfig(): void {
    const next = this.pendingConfig;
    if (!next) return;
    const changed = changedParts(this.config, next);
    this.pendingConfig = null;
    this.applyConfig(next);
    this.emit({ type: 'config.reloaded', config: next, changed });
  }

  private flushCustomer(): void {
    if (this.pendingCustomer.length === 0) return;
    const messages = this.pendingCustomer;
    this.pendingCustomer = [];
    const conversationId = this.currentConversation?.id ?? null;
    for (const text of messages) {
      this.thread.push({ role: 'user', content: customerMessage(this.config, text, this.currentConversation), conversationId, customer: text });
      this.customerSinceReply.push(text);
      this.emit({ type: 'customer.message', conversationId, text });
    }
  }

  /** Whether the run is stopped for the user rather than for a skip or quit. */
  private userStopped(): boolean {
    return !this.skipConversationRequested && !this.skipPhaseRequested && !this.quitRequested;
  }

  private async runTurn(kind: TurnKind, conversation: Conversation | undefined, side: Side, index: number): Promise<TurnOutcome> {
    this.flushCustomer();
    this.applyPendingConfig();
    this.control.stepRequested = false;
    const config = this.config;
    const outcome = await runTurn(
      {
        turnId: `t${++this.turnCounter}`,
        kind,
        conversation,
        side,
        index,
        config,
        task: this.options.task,
        model: this.options.model,
        initial: config.context === 'scoped' && conversation ? initialMessage(config, this.options.task, conversation) : this.initial,
        thread: this.thread,
        produced: this.produced,
        customer: this.customerSinceReply,
        roleNames: this.roleNames,
      },
      {
        provider: this.provider,
        flights: this.flights,
        emit: (body) => this.emit(body),
        now: this.now,
        failureIsFatal: this.options.onFailure === 'stop',
        onUsage: (model, usage) => this.countCost(model, usage),
        commit: (entries, reply) => {
          this.thread.push(...entries);
          this.customerSinceReply = this.customerSinceReply.slice(reply.customerSeen);
        },
      },
    );
    if (outcome.status === 'failed') {
      this.lastFailure = outcome.failure.message;
      this.lastSetupFault = outcome.failure.setupFault;
    } else if (outcome.status === 'complete') {
      // Told as soon as the reply has ended, also for the last reply of the run.
      const match = breakpointAfterReply(this.breakpoints, outcome.text);
      if (match) this.hitBreakpoint(match);
    }
    return outcome;
  }

  /** Headless stops at the budget (resumably); the TUI pauses once and lets the person decide. */
  private countCost(model: string, usage: Usage): void {
    const reached = this.budget.add(model, usage);
    if (!reached) return;
    this.emit({ type: 'budget.reached', ...reached });
    const spent = `${formatUsdAmount(reached.spentUsd)} spent`;
    if (this.options.onFailure === 'stop') {
      this.stopReason = `the budget of ${formatUsdAmount(reached.maxUsd)} was reached (${spent})`;
      this.quitRequested = true;
    } else {
      this.control.paused = `Budget of ${formatUsdAmount(reached.maxUsd)} reached (${spent}): space goes on anyway`;
    }
  }

  private emit(body: EngineEventBody): void {
    const seq = ++this.seq;
    const t = this.now() - this.t0;
    // A token is most of the events of a run: it gets an object literal of its own, which keeps its shape the same
    // every time. Spreading bodies of two dozen shapes makes V8 copy them the slow way, a few microseconds each.
    const event: EngineEvent =
      body.type === 'token' ? { type: 'token', turnId: body.turnId, text: body.text, seq, t } : ({ ...body, seq, t } as EngineEvent);
    for (const listener of this.listeners) listener(event);
  }
}

export type { AbortCause };
