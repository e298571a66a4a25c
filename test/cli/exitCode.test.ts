import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/exitCode.js';

describe('exit codes: how the run ended', () => {
  it('0 completed, 1 failed or stopped itself, 130 stopped by you, 129 hung up, 1 a crash', () => {
    expect(exitCodeFor({ by: 'itself', status: 'completed' })).toBe(0);
    expect(exitCodeFor({ by: 'itself', status: 'failed' })).toBe(1);
    // A run that stops itself ends as `quit`: its budget.
    expect(exitCodeFor({ by: 'itself', status: 'quit' })).toBe(1);
    expect(exitCodeFor({ by: 'you' })).toBe(130);
    expect(exitCodeFor({ by: 'hangup' })).toBe(129);
    expect(exitCodeFor({ by: 'crash' })).toBe(1);
  });
});
