/**
 * Signs of life while a reply is generated: a spinner and the seconds since the model last sent anything, so a slow
 * model does not look like a hang. The clock ticks once a second while text flows, and at the spinner's pace once
 * it has stopped.
 */
import { Text } from 'ink';
import { useEffect, useState } from 'react';
import type { EngineStore } from './engineStore.js';

// cli-spinners' `dots`, copied: the package is one JSON of 90 spinners (32 KB in the bundle) that loaded before the
// first frame for these ten characters.
const SPINNER = { interval: 80, frames: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] };
/** Text that has not moved for this long is a wait worth showing. */
const STALL_MS = 1000;

/**
 * The activity clock of the reply in progress: how long it has run, and how long since text last came. The timer
 * redraws only while a reply is in progress: once a second while text flows, at the spinner's pace once it stops.
 */
export function useActivity(store: EngineStore): { runningMs: number; stalledMs: number } | null {
  // Only makes React draw again: the time itself is read off the store's clock, so a recording drawn on a virtual
  // clock shows the same seconds every time.
  const [, setTick] = useState(0);
  useEffect(() => {
    let drawn = 0;
    const timer = setInterval(() => {
      const { pulse, state } = store;
      if (state.activeTurnId === null || state.activeTurnId !== pulse.turnId) return;
      const at = store.now();
      if (at - pulse.lastTextAt >= STALL_MS || at - drawn >= 1000) {
        drawn = at;
        setTick((n) => n + 1);
      }
    }, SPINNER.interval);
    return () => clearInterval(timer);
  }, [store]);
  const { pulse, state } = store;
  if (state.activeTurnId === null || state.activeTurnId !== pulse.turnId) return null;
  const now = store.now();
  return { runningMs: Math.max(0, now - pulse.startedAt), stalledMs: now - pulse.lastTextAt };
}

/** `⠋ 4s waiting for the first word`, or `⠋ 3s since the last word`; nothing while text flows. */
export function ActivityMark({ activity, started }: { activity: { runningMs: number; stalledMs: number } | null; started: boolean }) {
  if (!activity || activity.stalledMs < STALL_MS) return null;
  const frame = SPINNER.frames[Math.floor(activity.stalledMs / SPINNER.interval) % SPINNER.frames.length];
  const seconds = Math.floor((started ? activity.stalledMs : activity.runningMs) / 1000);
  return <Text color="cyan">{`  ${frame} ${seconds}s ${started ? 'since the last word' : 'waiting for the first word'}`}</Text>;
}
