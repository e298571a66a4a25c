import { useSyncExternalStore } from 'react';
import type { RunState } from '../views/runState.js';
import type { EngineStore } from './engineStore.js';

/** The run's state, re-rendering at the store's flush rate. The object is mutable: read it, don't keep it. */
export function useEngineState(store: EngineStore): RunState {
  useSyncExternalStore(store.subscribe, store.getSnapshot);
  return store.state;
}
