/**
 * Just enough Markdown for a terminal: code fences as blocks, headings, bold, inline code, lists and quotes,
 * wrapped at a width. Input must already be sanitised; the only escape codes in the output are our styles.
 */
import chalk from 'chalk';
import wrapAnsi from 'wrap-ansi';

export const FENCE = /^\s*(```|~~~)\s*([\w+#.-]*)/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const LIST = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;

function inline(text: string): string {
  return text
    .replace(/`([^`]+)`/g, (_, code: string) => chalk.cyan(code))
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_, a: string | undefined, b: string | undefined) => chalk.bold(a ?? b ?? ''));
}

/** Wraps one styled line at `width`, with `first` before the first row and `rest` before the others. */
function wrap(styled: string, width: number, first: string, rest: string, indent: number): string[] {
  const rows = wrapAnsi(styled, Math.max(4, width - indent), { hard: true, trim: true }).split('\n');
  return rows.map((row, i) => (i === 0 ? first : rest) + row);
}

export function renderMarkdown(text: string, width: number): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const raw of text.replace(/\t/g, '  ').split('\n')) {
    const fenceMatch = FENCE.exec(raw);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1] === fence && !fenceMatch[2]) {
        fence = null;
        out.push(chalk.dim('└' + '─'.repeat(Math.max(0, Math.min(width, 40) - 1))));
        continue;
      }
      // Code keeps its indentation, so it is wrapped without trimming.
      const rows = raw === '' ? [''] : wrapAnsi(raw, Math.max(4, width - 2), { hard: true, trim: false }).split('\n');
      for (const row of rows) out.push(chalk.dim('│ ') + chalk.cyan(row));
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1] ?? '```';
      const lang = fenceMatch[2] ? ` ${fenceMatch[2]} ` : '';
      out.push(chalk.dim('┌' + lang + '─'.repeat(Math.max(0, Math.min(width, 40) - 1 - lang.length))));
      continue;
    }
    const heading = HEADING.exec(raw);
    if (heading) {
      const style = heading[1] === '#' ? chalk.bold.underline : chalk.bold;
      out.push(...wrap(style(heading[2] ?? ''), width, '', '', 0));
      continue;
    }
    const quote = QUOTE.exec(raw);
    if (quote) {
      out.push(...wrap(chalk.italic(inline(quote[1] ?? '')), width, chalk.dim('▏ '), chalk.dim('▏ '), 2));
      continue;
    }
    const list = LIST.exec(raw);
    if (list) {
      const marker = /\d/.test(list[2] ?? '') ? `${list[2]} ` : '• ';
      const lead = `${list[1] ?? ''}${marker}`;
      out.push(...wrap(inline(list[3] ?? ''), width, lead, ' '.repeat(lead.length), lead.length));
      continue;
    }
    if (raw.trim() === '') {
      out.push('');
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    out.push(...wrap(inline(raw.trimStart()), width, ' '.repeat(indent), ' '.repeat(indent), indent));
  }
  return out;
}
