/**
 * Where a journaled run stood, for `--resume`: the journal folded with the session model's own reducer. The run
 * loop then reads the next step off that model, as it does live. A turn that never ended (a crash, `kill -9`
 * mid-reply) left nothing in the model, so it is generated again; a completed turn is neither lost nor repeated.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import type { EngineEvent, EventOf } from './events.js';
import { foldSession, type SessionModel } from './sessionModel.js';

export interface ResumePoint {
  /** The events already in the journal, for views to fold before new ones arrive. */
  history: readonly EngineEvent[];
  model: SessionModel;
  started: EventOf<'run.started'>;
  config: ResolvedConfig;
}

export class ResumeError extends Error {}

export function resumePoint(history: readonly EngineEvent[]): ResumePoint {
  const model = foldSession(history);
  const { started, config } = model;
  if (!started || !config) throw new ResumeError('the journal has no run.started event');
  return { history, model, started, config };
}
