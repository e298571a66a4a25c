/**
 * The run loop: phases, conversations and turns, driven by commands and observed through one typed event
 * stream. No React in here; the TUI and the headless view are both subscribers.
 */
import type { Conversation, ResolvedConfig } from '../config/resolve.js';
import { ProviderError, type Provider, type SetupFault, type TurnMeta } from '../providers/types.js';
import type {
  ConversationEndReason,
  EngineCommands,
  EngineEvent,
  EngineEventBody,
  Mode,
  NextTurn,
  RunStatus,
  Side,
  TurnKind,
  TurnStatus,
  Usage,
  WorkflowOutline,
} from './events.js';
import type { ResumePoint, ResumedReply } from './resume.js';
import { extractArtifact, hasEndMarker, parseRoleHeader, sameSpeaker } from './protocol.js';
import {
  buildMessages,
  customerMessage,
  initialMessage,
  roleName,
  turnPrompt,
  type ThreadEntry,
} from './requestBuilder.js';

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

interface TurnOutcome {
  turnId: string;
  /** The START, SWITCH or sanity message that asked for this reply. */
  prompt: string;
  /** How many customer messages this reply was the first to see. */
  customerSeen: number;
  status: TurnStatus;
  text: string;
  endsConversation: boolean;
}

/** Why a turn's controller was aborted. The turn reads it to tell a user's stop from a stall. */
type AbortCause = 'user' | 'skip' | 'quit' | 'regenerate' | 'first-token-timeout' | 'idle-timeout';

interface Failure {
  message: string;
  retryable: boolean;
  retryAfterMs?: number | undefined;
  setupFault?: SetupFault | undefined;
}

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

const estimateTokens = (chars: number) => Math.ceil(chars / 4);

export class Engine implements EngineCommands {
  private readonly config: ResolvedConfig;
  private readonly provider: Provider;
  private readonly now: () => number;
  private readonly t0: number;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly roleNames: string[];
  private readonly initial: string;
  private seq = 0;
  private mode: Mode;
  private paused: string | null = null;
  private stepRequested = false;
  private skipConversationRequested = false;
  private skipPhaseRequested = false;
  private regenerateRequested = false;
  private quitRequested = false;
  private pendingCustomer: string[] = [];
  private customerSinceReply: string[] = [];
  private wake: (() => void) | null = null;
  private generation = 0;
  private inFlight: { generation: number; controller: AbortController; cause: AbortCause | null } | null = null;
  private thread: ThreadEntry[] = [];
  private readonly produced = new Map<string, ProducedArtifact>();
  private currentConversation: Conversation | undefined;
  private turnCounter = 0;
  private started = false;

  constructor(private readonly options: EngineOptions) {
    this.config = options.config;
    this.provider = options.provider;
    this.now = options.now ?? Date.now;
    this.t0 = this.now();
    this.mode = options.mode ?? 'step';
    const resume = options.resume;
    if (resume) {
      this.seq = resume.lastSeq;
      this.t0 -= resume.lastT + 1;
      this.thread = [...resume.thread];
      for (const [id, artifact] of resume.produced) this.produced.set(id, artifact);
      this.turnCounter = resume.turnCounter;
      this.customerSinceReply = [...resume.customerSinceReply];
    }
    this.roleNames = [...this.config.workflow.roles.map((r) => r.name), 'Customer'];
    this.initial = initialMessage(this.config, options.task);
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
    return this.mode;
  }

  // ---- commands -------------------------------------------------------------------------------------

  step(): void {
    this.stepRequested = true;
    this.paused = null;
    this.poke();
  }

  setMode(mode: Mode): void {
    if (mode !== this.mode) {
      this.mode = mode;
      this.emit({ type: 'mode.changed', mode });
    }
    if (mode === 'auto') this.paused = null;
    this.poke();
  }

  intervene(text: string): void {
    const message = text.replace(/\r\n?/g, '\n').trim();
    if (!message) return;
    this.pendingCustomer.push(message);
    if (!this.inFlight) this.flushCustomer();
    this.poke();
  }

  skipConversation(): void {
    this.skipConversationRequested = true;
    this.stopInFlight('skip');
    this.poke();
  }

  skipPhase(): void {
    this.skipPhaseRequested = true;
    this.stopInFlight('skip');
    this.poke();
  }

  abort(): void {
    this.stopInFlight('user');
  }

  regenerate(): void {
    this.regenerateRequested = true;
    this.paused = null;
    this.stopInFlight('regenerate');
    this.poke();
  }

  quit(): void {
    this.quitRequested = true;
    this.stopInFlight('quit');
    this.poke();
  }

  // ---- the run ----------------------------------------------------------------------------------------

  async run(): Promise<RunResult> {
    if (this.started) throw new Error('Engine.run() may be called once');
    this.started = true;
    const { workflow } = this.config;
    const resume = this.options.resume;
    if (resume) {
      this.emit({
        type: 'run.resumed',
        sessionId: this.options.sessionId,
        fromSeq: resume.lastSeq,
        provider: this.provider.label,
        model: this.options.model,
        mode: this.mode,
      });
    } else {
      this.emit({
        type: 'run.started',
        sessionId: this.options.sessionId,
        task: this.options.task,
        provider: this.provider.label,
        model: this.options.model,
        mode: this.mode,
        context: this.config.context,
        workflow: this.outline(),
        config: this.config,
        endpoint: this.options.endpoint ?? null,
      });
    }
    let status: RunStatus = 'completed';
    let reason: string | null = null;
    try {
      if (this.config.sanityCheck && !resume?.sanityDone) {
        const sanity = await this.sanityCheck();
        if (sanity === 'failed') return this.finish('failed', this.lastFailure);
      }
      for (const [index, phase] of workflow.phases.entries()) {
        if (this.quitRequested) break;
        if (resume?.endedPhases.has(phase.id)) continue;
        this.skipPhaseRequested = false;
        if (!resume?.startedPhases.has(phase.id)) this.emit({ type: 'phase.started', phaseId: phase.id, index });
        for (const conversationId of phase.conversations) {
          const conversation = workflow.conversations.find((c) => c.id === conversationId);
          if (!conversation || resume?.endedConversations.has(conversationId)) continue;
          const restored = resume?.current?.conversationId === conversationId ? resume.current.replies : undefined;
          const ended = await this.runConversation(conversation, phase.id, restored);
          if (ended === 'failed') {
            this.emit({ type: 'phase.ended', phaseId: phase.id, skipped: false });
            return this.finish('failed', this.lastFailure);
          }
          if (ended === 'quit') break;
        }
        this.emit({ type: 'phase.ended', phaseId: phase.id, skipped: this.skipPhaseRequested });
      }
      if (this.quitRequested) {
        status = 'quit';
        reason = 'quit by the user';
      }
    } catch (error) {
      status = 'failed';
      reason = error instanceof Error ? error.message : String(error);
      this.emit({ type: 'error', message: reason, fatal: true });
    }
    return this.finish(status, reason);
  }

  private lastFailure: string | null = null;
  private lastSetupFault: SetupFault | undefined;

  private finish(status: RunStatus, reason: string | null): RunResult {
    this.emit({ type: 'run.finished', status, reason });
    return { status, reason, setupFault: status === 'failed' ? this.lastSetupFault : undefined, artifacts: new Map(this.produced) };
  }

  private async sanityCheck(): Promise<'ok' | 'failed' | 'quit'> {
    while (true) {
      const gate = await this.gate({ conversationId: null, kind: 'sanity', role: null, side: null });
      if (gate === 'quit') return 'quit';
      if (gate === 'skip') return 'ok';
      const outcome = await this.runTurn('sanity', undefined, undefined, 0);
      if (this.regenerateRequested) {
        this.regenerateRequested = false;
        continue;
      }
      if (outcome.status === 'failed') {
        if (this.options.onFailure === 'stop') return 'failed';
        this.paused = `${this.lastFailure ?? 'the sanity check failed'} (r: retry, s: skip)`;
        continue;
      }
      if (outcome.status === 'interrupted') {
        if (this.userStopped()) this.paused = 'Stopped by you: space continues';
        if (!outcome.text) continue;
      }
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

  private async runConversation(
    conversation: Conversation,
    phaseId: string,
    restored?: ResumedReply[],
  ): Promise<ConversationEndReason> {
    this.currentConversation = conversation;
    this.skipConversationRequested = false;
    this.regenerateRequested = false;
    if (!restored) this.emit({ type: 'conversation.started', conversationId: conversation.id, phaseId });
    const replies: Array<TurnOutcome & { side: Side }> = (restored ?? []).map((r) => ({ ...r, customerSeen: 0 }));
    const lastRestored = replies.at(-1);
    let side: Side = lastRestored ? (lastRestored.side === 'lead' ? 'assistant' : 'lead') : 'lead';
    // A crash between the closing reply and the end of its conversation leaves nothing to run: close it.
    let reason: ConversationEndReason | undefined =
      lastRestored?.endsConversation && lastRestored.status === 'complete' ? 'end-marker' : undefined;

    let failedTurnPending = false;
    while (reason === undefined) {
      if (this.regenerateRequested) {
        this.regenerateRequested = false;
        this.stepRequested = true;
        // After a failure, "regenerate" retries the failed turn; otherwise it takes back the last reply.
        const last = failedTurnPending ? undefined : replies.pop();
        failedTurnPending = false;
        if (last) {
          this.thread = this.thread.filter((entry) => entry.turnId !== last.turnId);
          this.emit({ type: 'turn.discarded', turnId: last.turnId, reason: 'regenerate' });
          side = last.side;
        }
      }
      if (this.skipPhaseRequested || this.skipConversationRequested) {
        reason = this.skipPhaseRequested ? 'phase-skipped' : 'skipped';
        break;
      }
      if (this.quitRequested) {
        reason = 'quit';
        break;
      }
      if (replies.length >= conversation.maxTurns) {
        reason = 'turn-limit';
        break;
      }
      const kind: TurnKind = replies.length === 0 ? 'start' : 'switch';
      const role = side === 'lead' ? conversation.lead : conversation.assistant;
      const gate = await this.gate({ conversationId: conversation.id, kind, role, side });
      if (gate !== 'go' || this.regenerateRequested) continue;

      const outcome = await this.runTurn(kind, conversation, side, replies.length);
      if (this.regenerateRequested) {
        // The reply in flight is dropped and the same turn is generated again.
        this.regenerateRequested = false;
        this.stepRequested = true;
        this.thread = this.thread.filter((entry) => entry.turnId !== outcome.turnId);
        this.emit({ type: 'turn.discarded', turnId: outcome.turnId, reason: 'regenerate' });
        continue;
      }
      if (outcome.status === 'failed') {
        if (this.options.onFailure === 'stop') {
          reason = 'failed';
          break;
        }
        failedTurnPending = true;
        this.paused = `${this.lastFailure ?? 'the turn failed'} (r: retry, s: skip)`;
        continue;
      }
      failedTurnPending = false;
      if (outcome.status === 'interrupted') {
        if (this.userStopped()) this.paused = 'Stopped by you: space continues, r regenerates';
        if (!outcome.text) continue;
        replies.push({ ...outcome, side });
        side = side === 'lead' ? 'assistant' : 'lead';
        continue;
      }
      replies.push({ ...outcome, side });
      if (outcome.endsConversation) {
        reason = 'end-marker';
        break;
      }
      side = side === 'lead' ? 'assistant' : 'lead';
    }

    const last = replies.at(-1);
    const artifact = last
      ? { text: extractArtifact(last.text, this.roleNames), incomplete: reason !== 'end-marker' }
      : null;
    if (artifact) this.produced.set(conversation.output, artifact);
    this.emit({
      type: 'conversation.ended',
      conversationId: conversation.id,
      reason,
      turns: replies.length,
      artifact: artifact ? { id: conversation.output, ...artifact } : null,
    });
    this.currentConversation = undefined;
    return reason;
  }

  /** Waits until the user lets the next turn go, in step mode or while paused. */
  private async gate(next: NextTurn): Promise<'go' | 'skip' | 'quit'> {
    let announced = false;
    while (true) {
      this.flushCustomer();
      if (this.quitRequested) return 'quit';
      if (this.skipConversationRequested || this.skipPhaseRequested) return 'skip';
      const needsUser = !this.regenerateRequested && (this.paused !== null || (this.mode === 'step' && !this.stepRequested));
      if (!needsUser) {
        this.stepRequested = false;
        if (announced) this.emit({ type: 'resumed' });
        return 'go';
      }
      if (!announced) {
        announced = true;
        this.emit({
          type: 'waiting',
          reason: this.paused !== null ? 'paused' : 'step',
          message: this.paused,
          next,
        });
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private stopInFlight(cause: AbortCause): void {
    const flight = this.inFlight;
    if (!flight) return;
    flight.cause = cause;
    // Bumping the generation first makes every late chunk of this turn stale before the abort lands.
    this.generation++;
    flight.controller.abort(cause);
  }

  private flushCustomer(): void {
    if (this.pendingCustomer.length === 0) return;
    const messages = this.pendingCustomer;
    this.pendingCustomer = [];
    for (const text of messages) {
      this.thread.push({
        role: 'user',
        content: customerMessage(this.config, text, this.currentConversation),
        conversationId: this.currentConversation?.id ?? null,
      });
      this.customerSinceReply.push(text);
      this.emit({ type: 'customer.message', conversationId: this.currentConversation?.id ?? null, text });
    }
  }

  /** A finished (or stopped) reply joins the thread together with the prompt that asked for it. */
  private commitTurn(outcome: TurnOutcome, conversation: Conversation | undefined): void {
    const conversationId = conversation?.id ?? null;
    this.thread.push({ role: 'user', content: outcome.prompt, conversationId, turnId: outcome.turnId });
    this.thread.push({ role: 'assistant', content: outcome.text, conversationId, turnId: outcome.turnId });
    this.customerSinceReply = this.customerSinceReply.slice(outcome.customerSeen);
  }

  /** Whether the run is stopped for the user rather than for a skip or quit. */
  private userStopped(): boolean {
    return !this.skipConversationRequested && !this.skipPhaseRequested && !this.quitRequested;
  }

  private async runTurn(
    kind: TurnKind,
    conversation: Conversation | undefined,
    side: Side | undefined,
    index: number,
  ): Promise<TurnOutcome> {
    this.flushCustomer();
    this.stepRequested = false;
    const roleId = conversation && side ? (side === 'lead' ? conversation.lead : conversation.assistant) : undefined;
    const role = roleId ? this.config.workflow.roles.find((r) => r.id === roleId) : undefined;
    const prompt = turnPrompt(this.config, kind, conversation, roleId);
    const messages = buildMessages({
      config: this.config,
      initial: this.initial,
      thread: this.thread,
      conversationId: conversation?.id ?? null,
      produced: this.produced,
      prompt,
    });
    const model = role?.model ?? this.options.model;
    const temperature = role?.temperature ?? this.config.temperature;
    const meta = this.meta(kind, conversation, side, index);
    const customerSeen = meta.customer.length;
    const request = { model, temperature, messages, meta };
    const turnId = `t${++this.turnCounter}`;
    const { retry } = this.config;
    const started = this.now();
    this.emit({
      type: 'turn.started',
      turnId,
      conversationId: conversation?.id ?? null,
      kind,
      role: roleId ?? null,
      side: side ?? null,
      index,
      attempt: 1,
      model,
      temperature,
      request: messages,
    });

    for (let attempt = 1; ; attempt++) {
      const generation = ++this.generation;
      const controller = new AbortController();
      const flight = { generation, controller, cause: null as AbortCause | null };
      this.inFlight = flight;
      let text = '';
      let usage: Usage | undefined;
      let firstTokenAt: number | null = null;
      let timer: NodeJS.Timeout | undefined;
      const arm = (cause: AbortCause, ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (flight.cause === null) flight.cause = cause;
          controller.abort(cause);
        }, ms);
      };
      arm('first-token-timeout', retry.firstTokenTimeoutMs);
      let failure: Failure | undefined;
      try {
        for await (const chunk of this.provider.stream(request, controller.signal)) {
          if (generation !== this.generation) break;
          if (chunk.type === 'delta') {
            if (!chunk.text) continue;
            firstTokenAt ??= this.now();
            text += chunk.text;
            arm('idle-timeout', retry.idleTimeoutMs);
            this.emit({ type: 'token', turnId, text: chunk.text });
          } else {
            usage = { promptTokens: chunk.promptTokens, completionTokens: chunk.completionTokens, estimated: false };
          }
        }
        if (controller.signal.aborted) throw controller.signal.reason;
        if (generation === this.generation && !text.trim()) {
          failure = { message: 'the model sent an empty reply', retryable: true };
        }
      } catch (error) {
        failure = this.classify(error, flight.cause);
      } finally {
        clearTimeout(timer);
        if (this.inFlight === flight) this.inFlight = null;
      }

      const userStopped = flight.cause === 'user' || flight.cause === 'skip' || flight.cause === 'quit' || flight.cause === 'regenerate';
      if (!failure || userStopped) {
        const status: TurnStatus = userStopped ? 'interrupted' : 'complete';
        usage ??= {
          promptTokens: estimateTokens(messages.reduce((n, m) => n + m.content.length, 0)),
          completionTokens: estimateTokens(text.length),
          estimated: true,
        };
        this.emit({ type: 'usage', turnId, usage });
        const header = kind === 'sanity' ? undefined : parseRoleHeader(text, this.roleNames);
        if (status === 'complete' && role) this.checkSpeaker(turnId, header?.speaker, role);
        const endsConversation = status === 'complete' && kind !== 'sanity' && hasEndMarker(text);
        const outcome = { turnId, prompt, customerSeen, status, text, endsConversation };
        // Into the thread before anyone hears the turn ended, so a customer message sent now comes after it.
        if (text && flight.cause !== 'regenerate') this.commitTurn(outcome, conversation);
        this.emit({
          type: 'turn.ended',
          turnId,
          status,
          text,
          speaker: header?.speaker ?? null,
          endsConversation,
          durationMs: this.now() - started,
          firstTokenMs: firstTokenAt === null ? null : firstTokenAt - started,
        });
        return outcome;
      }

      if (failure.retryable && attempt <= retry.attempts) {
        const delayMs = Math.min(
          failure.retryAfterMs ?? Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)),
          300_000,
        );
        this.emit({ type: 'retrying', turnId, attempt, maxAttempts: retry.attempts, delayMs, reason: failure.message });
        const waited = await this.backoff(delayMs);
        if (waited !== 'done') {
          return this.endFailedTurn(turnId, prompt, customerSeen, 'interrupted', '', started);
        }
        continue;
      }
      this.lastFailure = failure.message;
      this.lastSetupFault = failure.setupFault;
      this.emit({ type: 'error', message: failure.message, fatal: this.options.onFailure === 'stop', turnId });
      return this.endFailedTurn(turnId, prompt, customerSeen, 'failed', text, started);
    }
  }

  private endFailedTurn(turnId: string, prompt: string, customerSeen: number, status: TurnStatus, text: string, started: number): TurnOutcome {
    this.emit({
      type: 'turn.ended',
      turnId,
      status,
      text,
      speaker: null,
      endsConversation: false,
      durationMs: this.now() - started,
      firstTokenMs: null,
    });
    return { turnId, prompt, customerSeen, status, text, endsConversation: false };
  }

  /** Sleeps between retries; a skip, quit or stop by the user cuts it short. */
  private backoff(ms: number): Promise<'done' | 'cancelled'> {
    const controller = new AbortController();
    const flight = { generation: ++this.generation, controller, cause: null as AbortCause | null };
    this.inFlight = flight;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.inFlight === flight) this.inFlight = null;
        resolve('done');
      }, ms);
      controller.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        if (this.inFlight === flight) this.inFlight = null;
        resolve('cancelled');
      });
    });
  }

  private classify(error: unknown, cause: AbortCause | null): Failure {
    if (cause === 'first-token-timeout') {
      return { message: `no reply within ${duration(this.config.retry.firstTokenTimeoutMs)}`, retryable: true };
    }
    if (cause === 'idle-timeout') {
      return { message: `the stream stalled for ${duration(this.config.retry.idleTimeoutMs)}`, retryable: true };
    }
    if (error instanceof ProviderError) {
      return { message: error.message, retryable: error.retryable, retryAfterMs: error.retryAfterMs, setupFault: error.setupFault };
    }
    return { message: error instanceof Error ? error.message : String(error), retryable: false };
  }

  private checkSpeaker(turnId: string, speaker: string | undefined, expected: { name: string; id: string }): void {
    if (speaker === undefined) {
      this.emit({ type: 'warning', code: 'no-header', message: `The reply has no role header; expected "${expected.name}:"`, turnId });
    } else if (!sameSpeaker(speaker, expected)) {
      this.emit({
        type: 'warning',
        code: 'wrong-speaker',
        message: `The reply speaks as "${speaker}" but it is ${expected.name}'s turn`,
        turnId,
      });
    }
  }

  private meta(kind: TurnKind, conversation: Conversation | undefined, side: Side | undefined, index: number): TurnMeta {
    const { workflow } = this.config;
    const meta: TurnMeta = {
      kind,
      task: this.options.task,
      workflowDescription: workflow.description,
      customer: [...this.customerSinceReply],
    };
    if (!conversation || !side) return meta;
    const speakerId = side === 'lead' ? conversation.lead : conversation.assistant;
    const partnerId = side === 'lead' ? conversation.assistant : conversation.lead;
    const speaker = workflow.roles.find((r) => r.id === speakerId);
    const input = workflow.artifacts.find((a) => a.id === conversation.input);
    const output = workflow.artifacts.find((a) => a.id === conversation.output);
    const producedByConversation = workflow.conversations.some((c) => c.output === conversation.input);
    meta.speaker = { name: speaker?.name ?? speakerId, description: speaker?.description ?? '', side };
    meta.partner = { name: roleName(workflow, partnerId), side: side === 'lead' ? 'assistant' : 'lead' };
    meta.conversation = { name: conversation.name, description: conversation.description, turnIndex: index };
    meta.input = {
      name: input?.name ?? conversation.input,
      description: input?.description ?? '',
      text: this.produced.get(conversation.input)?.text ?? (producedByConversation ? undefined : this.options.task),
    };
    meta.output = { name: output?.name ?? conversation.output, description: output?.description ?? '' };
    return meta;
  }

  private outline(): WorkflowOutline {
    const { workflow } = this.config;
    return {
      description: workflow.description,
      roles: workflow.roles.map(({ id, name }) => ({ id, name })),
      artifacts: workflow.artifacts.map(({ id, name }) => ({ id, name })),
      phases: workflow.phases.map((phase) => ({
        id: phase.id,
        name: phase.name,
        conversations: phase.conversations.flatMap((id) => {
          const c = workflow.conversations.find((x) => x.id === id);
          return c
            ? [{ id, name: c.name, lead: c.lead, assistant: c.assistant, input: c.input, output: c.output, maxTurns: c.maxTurns }]
            : [];
        }),
      })),
    };
  }

  private emit(body: EngineEventBody): void {
    const event = { ...body, seq: ++this.seq, t: this.now() - this.t0 } as EngineEvent;
    for (const listener of this.listeners) listener(event);
  }
}
