/**
 * Loads the TUI. It only runs when stdin and stdout are both terminals: a person is watching. Ink reads
 * CI / CONTINUOUS_INTEGRATION when it loads and then draws only the last frame, which would leave that person a
 * blank screen; is-in-ci takes "false" for not in CI, so the TUI says so for this process before Ink loads.
 */
export async function loadTui(env: NodeJS.ProcessEnv = process.env) {
  notInCi(env);
  return import('../ui/runTui.js');
}

/** The compare view of `roleplay diff`, loaded the same way. */
export async function loadCompareTui(env: NodeJS.ProcessEnv = process.env) {
  notInCi(env);
  return import('../ui/runCompare.js');
}

/** Tells Ink, before it loads, that this process is not in CI (also used by tests that render with Ink itself). */
export function notInCi(env: NodeJS.ProcessEnv = process.env): void {
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in env) env[key] = 'false';
}
