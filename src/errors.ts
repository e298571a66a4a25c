import type { ConfigIssue } from './config/resolve.js';

/**
 * A mistake the user can fix: printed as one line, exit code 2, no stack trace. Any layer may throw it (a session
 * store that finds no such session); only the CLI turns it into output and an exit code.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A mistake in the user's config. Its message is one line that names the file and the field. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: ConfigIssue[] = [],
    readonly filepath?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2, hangup: 129, interrupted: 130 } as const;
