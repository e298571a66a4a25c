import type { Engine } from '../engine/engine.js';
import type { SessionJournal } from '../session/journal.js';
import type { RunSetup } from '../cli/setup.js';

export async function runTui(_engine: Engine, _journal: SessionJournal, _setup: RunSetup): Promise<number> {
  throw new Error('TUI not built yet');
}
