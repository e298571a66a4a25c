import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import stripAnsi from 'strip-ansi';
import { Header } from '../../src/ui/Header.js';
import { oneConversation, viewState } from '../support/viewState.js';

const headerLine = (workflow: string, task: string, width: number) => {
  const { state } = viewState(oneConversation(9));
  state.task = task;
  // Where the run is: the one conversation, as a turn of it would set it.
  state.activeConversationId = 'c';
  const app = render(<Header state={state} workflow={workflow} width={width} />);
  const line = stripAnsi(app.lastFrame() ?? '');
  app.unmount();
  return line;
};

describe('the header', () => {
  it('shows where the run is when the task still has room, and gives that room to the task when it has not', () => {
    const task = 'a CLI that renames photos';
    const short = headerLine('built-in seed workflow', 'a todo app', 120);
    expect(short).toContain('task: a todo app');
    expect(short).toContain('phase 1/1 · conversation 1/1');
    // A longer task, or a replay's long label: the position goes, the task stays whole.
    expect(headerLine('built-in seed workflow', task, 120)).toContain(`task: ${task}`);
    const long = headerLine('replay of 20261203-140631-de62a6 at 100x', task, 120);
    expect(long).toContain(`task: ${task}`);
    expect(long).not.toContain('phase 1/1');
  });
});
