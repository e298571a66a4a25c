import { describe, expect, it } from 'vitest';
import { sessionTree } from '../../src/cli/sessionTree.js';
import type { SessionSummary } from '../../src/session/sessionSummary.js';
import { count } from '../../src/text/count.js';

const session = (id: string, turns: number) =>
  ({ id, status: 'complete', turns, model: 'm', task: 'a task', startedAt: new Date(0) }) as unknown as SessionSummary;

describe('counts in words', () => {
  it('one turn is "1 turn", others are turns', () => {
    expect(count(1, 'turn')).toBe('1 turn');
    expect(count(0, 'turn')).toBe('0 turns');
    expect(count(3, 'turn')).toBe('3 turns');
  });

  it('sessions --tree says "1 turn" for a session of one turn', () => {
    const lines = sessionTree([session('s1', 1), session('s2', 3)]);
    expect(lines.find((line) => line.startsWith('s1'))).toContain('complete, 1 turn, m');
    expect(lines.find((line) => line.startsWith('s2'))).toContain('complete, 3 turns, m');
  });
});
