import chalk from 'chalk';
import stripAnsi from 'strip-ansi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/ui/markdown.js';

const plain = (text: string, width = 60) => renderMarkdown(text, width).map(stripAnsi);

describe('Markdown in the terminal (marked lexer)', () => {
  // Colours on, whatever the terminal the tests run in.
  const level = chalk.level;
  beforeAll(() => void (chalk.level = 1));
  afterAll(() => void (chalk.level = level));

  it('keeps what a code span holds as written: `a**b` does not turn bold or break the line', () => {
    const lines = renderMarkdown('Use `a**b` and `**x**` here, then **bold**.', 80);
    expect(lines).toHaveLength(1);
    expect(stripAnsi(lines[0]!)).toBe('Use a**b and **x** here, then bold.');
  });

  it('draws tables with their columns aligned, and fits a wide one to the screen', () => {
    const table = '| name | calls | cost |\n| --- | --: | :-: |\n| CEO | 3 | $0.01 |\n| Programmer | 12 | $0.20 |';
    expect(plain(table)).toEqual([
      'name       │ calls │ cost ',
      '───────────┼───────┼──────',
      'CEO        │     3 │ $0.01',
      'Programmer │    12 │ $0.20',
    ]);
    for (const line of plain('| a | b |\n|---|---|\n| ' + 'x'.repeat(50) + ' | ' + 'y'.repeat(50) + ' |', 40))
      expect(line.length).toBeLessThanOrEqual(40);
  });

  it('shows a link with its address, nested and ordered lists, task lists and quotes', () => {
    expect(plain('See [the docs](https://example.com/docs) or <https://x.y>.')).toEqual(['See the docs (https://example.com/docs) or https://x.y.']);
    expect(plain('- one\n- two\n  - nested\n    1. deep\n3. three\n4. four')).toEqual([
      '• one',
      '• two',
      '  • nested',
      '    1. deep',
      '3. three',
      '4. four',
    ]);
    expect(plain('- [ ] to do\n- [x] done')).toEqual(['• ☐ to do', '• ☑ done']);
    expect(plain('> a *quote*')).toEqual(['▏ a quote']);
  });

  it('colours code blocks by their language, and keeps a block in a language it does not know plain', () => {
    const ts = renderMarkdown('```ts\nconst n: number = 1; // one\n```', 60);
    expect(stripAnsi(ts[1]!)).toBe('│ const n: number = 1; // one');
    // const (a keyword) and the comment each in a colour of their own.
    expect(ts[1]).toContain('\x1b[35mconst\x1b[39m');
    expect(ts[1]).toMatch(/\x1b\[2m\/\/ one/);
    const unknown = renderMarkdown('```klingon\nqapla\n```', 60);
    expect(unknown[1]).toContain('\x1b[36mqapla\x1b[39m');
    // An unclosed fence (a reply still streaming) has no bottom yet.
    expect(plain('```py\nprint(1)')).toEqual(['┌ py ───────────────────────────────────', '│ print(1)']);
  });
});
