/**
 * What one run holds while it goes: the session model (changed only by emitting an event and applying it), the
 * event hub, the gate, the queue of intents, and the reply in flight. The engine's parts share it.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import type { ChatMessage, Provider, SetupFault } from '../providers/types.js';
import { Budget } from './budget.js';
import { parseBreakpoints, type Breakpoint } from './breakpoints.js';
import type { EngineEvent, EngineEventBody, Mode, Usage } from './events.js';
import { Gate } from './gate.js';
import { EventHub } from './hub.js';
import { IntentQueue } from './intents.js';
import type { TurnAt } from './position.js';
import { Seats } from './seats.js';
import type { ResumePoint } from './resume.js';
import { emptySession, reduceSession, type SessionModel } from './sessionModel.js';
import { Flights } from './turnStream.js';

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
  /** The API the default endpoint speaks, recorded so a resume speaks it again. */
  api?: 'chat' | 'responses';
  /** Continue a journaled session from where it stood instead of starting afresh. */
  resume?: ResumePoint;
  /** With `resume`: the history is a parent session's first replies, and this run is its fork (`run.forked`). */
  fork?: { parent: string; reply: number };
  /** More breakpoint specs, e.g. from `--break`; the config's own come with it. */
  breakpoints?: readonly string[];
  /** `pause` stops at a breakpoint (TUI); `log` only reports it (headless, where nobody could resume). */
  onBreakpoint?: 'pause' | 'log';
  /** A budget in USD, and how to price a turn; undefined prices are not counted. */
  maxCostUsd?: number;
  costOf?: (model: string, usage: Usage, endpoint?: string) => number | undefined;
  /** The config's named endpoints, by name: what serves the roles that name one, and their default model. */
  endpoints?: ReadonlyMap<string, { provider: Provider; model: string | undefined }>;
  /** Role ids a person plays (`--human`), on top of the config's `humans`: the run waits for their replies. */
  humans?: readonly string[];
  /** Role ids whose model replies are drafts the person accepts, edits or regenerates first (`--approve`), or all. */
  approve?: readonly string[] | 'all';
  /** Warnings to tell right after the run starts, e.g. about the options it was given. */
  notices?: ReadonlyArray<{ code: string; message: string }>;
}

export class RunContext {
  model: SessionModel;
  readonly hub: EventHub;
  readonly gate: Gate;
  readonly intents = new IntentQueue();
  readonly flights = new Flights();
  readonly budget: Budget;
  /** Who plays each role: the model, or the person at the keyboard. */
  readonly seats: Seats;
  /** When the run began to wait for the person's reply (the turn it waits at is theirs). */
  personSince: number | null = null;
  /** The turn the gate holds (or last held): the one whose request a `request:` breakpoint shows. */
  gateTurn: TurnAt | null = null;
  /** The request of the last turn, which the next one is stored as a delta of. */
  lastRequest: { turnId: string; messages: readonly ChatMessage[] } | null = null;
  lastFailure: { message: string; setupFault: SetupFault | undefined } | null = null;
  /** The position whose breakpoints were last checked, so that each stops the run once. */
  breakpointSeen: string | null = null;
  private breakpointCache: { config: ResolvedConfig; list: Breakpoint[] } | null = null;

  constructor(readonly options: EngineOptions) {
    const now = options.now ?? Date.now;
    const resumed = options.resume?.model;
    this.model = resumed ?? emptySession;
    this.hub = new EventHub(now, resumed ? { seq: resumed.lastSeq, t: resumed.lastT } : undefined, (message) =>
      this.emit({ type: 'warning', code: 'listener-failed', message }),
    );
    this.gate = new Gate(options.mode ?? 'step', (mode) => this.emit({ type: 'mode.changed', mode }));
    const costOf = options.costOf;
    const spent = costOf && resumed ? resumed.usage.reduce((sum, u) => sum + (costOf(u.model, u.usage, u.endpoint) ?? 0), 0) : 0;
    this.budget = new Budget(options.maxCostUsd, costOf, spent);
    this.seats = new Seats(options.humans);
  }

  /** The config in force: the session's own, once the run has told it. */
  get config(): ResolvedConfig {
    return this.model.config ?? this.options.config;
  }

  get now(): () => number {
    return this.options.now ?? Date.now;
  }

  get roleNames(): string[] {
    return [...this.config.workflow.roles.map((r) => r.name), 'Customer'];
  }

  get breakpoints(): Breakpoint[] {
    const config = this.config;
    if (this.breakpointCache?.config !== config) {
      this.breakpointCache = { config, list: parseBreakpoints([...config.breakpoints, ...(this.options.breakpoints ?? [])], config.workflow) };
    }
    return this.breakpointCache.list;
  }

  /**
   * The only way the session changes: the event is applied to the model, then every listener hears it. A token
   * changes no fact of the model but its journal position, which only a fold of the journal needs: it is skipped
   * here, where a run emits hundreds of thousands of them.
   */
  emit(body: EngineEventBody): EngineEvent {
    const event = this.hub.stamp(body);
    if (event.type !== 'token' && event.type !== 'reasoning') this.model = reduceSession(this.model, event);
    this.hub.publish(event);
    return event;
  }

  warn(code: string, message: string): void {
    this.emit({ type: 'warning', code, message });
  }
}
