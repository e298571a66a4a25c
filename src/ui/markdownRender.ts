/**
 * Markdown for a terminal, from marked's lexer (CommonMark and GFM): headings, paragraphs with bold, italics, code
 * spans (whose contents stay as written) and links, nested lists and task lists, quotes, tables, rules, and code
 * blocks in a box with the syntax colours of highlight.js for the common languages; wrapped at a width. Input must
 * already be sanitised; the only escape codes in the output are our styles.
 *
 * Blank lines come from the text itself (one blank line in the text, one on screen), so that laying out a text in
 * pieces cut at blank lines gives the lines of laying it out whole (markdownStream.ts relies on it).
 *
 * Loaded by markdown.ts's loadMarkdown(), after the first frame; draw through markdown.ts's renderMarkdown().
 */
import chalk from 'chalk';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { Lexer, type Token, type Tokens } from 'marked';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

import { FENCE } from './markdownFence.js';

let registered = false;
/** highlight.js with the languages registered, on the first code block: registering them all took 15-30 ms here, before
 * the first frame when done at load. */
function highlighter(): typeof hljs {
  if (!registered) {
    registered = true;
    for (const [name, language] of Object.entries({ bash, c, cpp, css, go, java, javascript, json, python, rust, sql, typescript, xml, yaml })) {
      hljs.registerLanguage(name, language);
    }
    hljs.registerAliases(['sh', 'shell', 'zsh', 'console'], { languageName: 'bash' });
    hljs.registerAliases(['js', 'jsx', 'mjs', 'cjs', 'node'], { languageName: 'javascript' });
    hljs.registerAliases(['ts', 'tsx', 'mts'], { languageName: 'typescript' });
    hljs.registerAliases(['py', 'python3'], { languageName: 'python' });
    hljs.registerAliases(['html', 'svg', 'xhtml'], { languageName: 'xml' });
    hljs.registerAliases(['yml'], { languageName: 'yaml' });
    hljs.registerAliases(['rs'], { languageName: 'rust' });
    hljs.registerAliases(['golang'], { languageName: 'go' });
    hljs.registerAliases(['c++', 'hpp', 'cc'], { languageName: 'cpp' });
  }
  return hljs;
}

/** highlight.js's scopes, in the terminal's colours. */
const SCOPE: Record<string, (text: string) => string> = {
  keyword: chalk.magenta,
  built_in: chalk.cyan,
  type: chalk.cyan,
  literal: chalk.yellow,
  number: chalk.yellow,
  string: chalk.green,
  regexp: chalk.green,
  comment: chalk.dim,
  doctag: chalk.dim,
  meta: chalk.dim,
  title: chalk.blue,
  'title.function': chalk.blue,
  'title.class': chalk.cyan,
  attr: chalk.yellow,
  attribute: chalk.yellow,
  name: chalk.blue,
  tag: chalk.blue,
  variable: chalk.red,
  params: (text) => text,
  symbol: chalk.yellow,
  subst: (text) => text,
};

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#x27;': "'", '&#39;': "'" };
const decode = (html: string) => html.replace(/&(?:lt|gt|amp|quot|#x27|#39);/g, (entity) => ENTITIES[entity] ?? entity);

/** highlight.js's HTML as styled text: its spans become colours, its entities characters again. */
function fromHtml(html: string): string {
  const styles: Array<(text: string) => string> = [];
  let out = '';
  for (const part of html.split(/(<span class="[^"]*">|<\/span>)/)) {
    if (part.startsWith('<span')) {
      const scope = /class="hljs-([\w.-]+)/.exec(part)?.[1] ?? '';
      styles.push(SCOPE[scope] ?? SCOPE[scope.split('.')[0] ?? ''] ?? ((text: string) => text));
    } else if (part === '</span>') styles.pop();
    else if (part) {
      const text = decode(part);
      // Each line styled on its own, so that a style never runs across a line break.
      out += text
        .split('\n')
        .map((line) => styles.reduceRight((styled, style) => (styled ? style(styled) : styled), line))
        .join('\n');
    }
  }
  return out;
}

/** A code block's lines in the colours of its language, or in one colour when it has none we know. */
function highlighted(code: string, lang: string): string[] {
  const language = lang && highlighter().getLanguage(lang) ? lang : null;
  if (!language) return code.split('\n').map((line) => chalk.cyan(line));
  try {
    return fromHtml(hljs.highlight(code, { language, ignoreIllegals: true }).value).split('\n');
  } catch {
    return code.split('\n').map((line) => chalk.cyan(line));
  }
}

/** Inline tokens as styled text. A code span keeps what it holds: nothing inside it is read as Markdown. */
function inline(tokens: readonly Token[] | undefined): string {
  let out = '';
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'strong':
        out += chalk.bold(inline(token.tokens));
        break;
      case 'em':
        out += chalk.italic(inline(token.tokens));
        break;
      case 'del':
        out += chalk.strikethrough(inline(token.tokens));
        break;
      case 'codespan':
        out += chalk.cyan(decode((token as Tokens.Codespan).text));
        break;
      case 'link': {
        const link = token as Tokens.Link;
        const text = inline(link.tokens);
        const plain = decode(link.text);
        // The address is shown, so it can be read and copied; not when the text already is the address.
        out +=
          plain === link.href || `mailto:${plain}` === link.href
            ? chalk.blue.underline(text)
            : `${chalk.blue.underline(text)}${chalk.dim(` (${link.href})`)}`;
        break;
      }
      case 'image':
        out += chalk.dim(`[image: ${decode((token as Tokens.Image).text) || (token as Tokens.Image).href}]`);
        break;
      case 'br':
        out += '\n';
        break;
      case 'text':
        out += (token as Tokens.Text).tokens ? inline((token as Tokens.Text).tokens) : decode((token as Tokens.Text).text);
        break;
      case 'escape':
        out += decode((token as Tokens.Escape).text);
        break;
      default:
        out += decode(token.raw);
    }
  }
  return out;
}

/** Wraps styled text at `width`, `first` before its first row and `rest` before the others. */
function wrap(styled: string, width: number, first: string, rest: string): string[] {
  const room = Math.max(4, width - Math.max(stringWidth(first), stringWidth(rest)));
  const rows = wrapAnsi(styled, room, { hard: true, trim: true }).split('\n');
  return rows.map((row, i) => (i === 0 ? first : rest) + row);
}

const rule = (width: number) => Math.max(0, Math.min(width, 40) - 1);

function codeBlock(token: Tokens.Code, width: number, out: string[]): void {
  const fenced = /^ {0,3}(```|~~~)/.test(token.raw);
  if (!fenced) {
    // An indented code block: its lines, indented, in the code colour; blank lines stay blank.
    for (const line of token.raw.replace(/\n+$/, '').split('\n')) {
      out.push(line.trim() === '' ? '' : wrapAnsi(chalk.cyan(line), Math.max(4, width), { hard: true, trim: false }));
    }
    return;
  }
  const lang = (token.lang ?? '').trim().split(/\s+/)[0] ?? '';
  const label = lang ? ` ${lang} ` : '';
  out.push(chalk.dim(`┌${label}${'─'.repeat(Math.max(0, rule(width) - label.length))}`));
  const lines = token.text === '' && !/\n[^\n]*\n/.test(token.raw) ? [] : highlighted(token.text, lang);
  for (const line of lines) {
    const rows = line === '' ? [''] : wrapAnsi(line, Math.max(4, width - 2), { hard: true, trim: false }).split('\n');
    for (const row of rows) out.push(chalk.dim('│ ') + row);
  }
  // An unclosed fence (a reply still streaming, or cut) has no bottom.
  if (/^ {0,3}(```|~~~)[^\n]*\n[\s\S]*\n {0,3}\1[~`]*\s*$/.test(token.raw) || /^ {0,3}(```|~~~)[^\n]*\n {0,3}\1/.test(token.raw)) {
    out.push(chalk.dim(`└${'─'.repeat(rule(width))}`));
  }
}

function table(token: Tokens.Table, width: number, out: string[]): void {
  const header = token.header.map((cell) => inline(cell.tokens));
  const rows = token.rows.map((row) => row.map((cell) => inline(cell.tokens)));
  const columns = header.length;
  const widths = header.map((cell, i) => Math.max(stringWidth(cell), ...rows.map((row) => stringWidth(row[i] ?? ''))));
  // Narrower than the screen: the widest columns give way first.
  const room = Math.max(columns * 3, width - (columns - 1) * 3);
  while (widths.reduce((a, b) => a + b, 0) > room) {
    const widest = widths.indexOf(Math.max(...widths));
    widths[widest] = Math.max(3, (widths[widest] ?? 3) - 1);
    if (widths.every((w) => w <= 3)) break;
  }
  const fit = (cell: string, i: number) => {
    const w = widths[i] ?? 3;
    const cut = stringWidth(cell) > w ? `${wrapAnsi(cell, Math.max(1, w - 1), { hard: true, trim: true }).split('\n')[0] ?? ''}…` : cell;
    const pad = Math.max(0, w - stringWidth(cut));
    const align = token.align[i];
    if (align === 'right') return ' '.repeat(pad) + cut;
    if (align === 'center') return ' '.repeat(Math.floor(pad / 2)) + cut + ' '.repeat(Math.ceil(pad / 2));
    return cut + ' '.repeat(pad);
  };
  const line = (cells: string[]) => cells.map(fit).join(chalk.dim(' │ '));
  out.push(chalk.bold(line(header)));
  out.push(chalk.dim(widths.map((w) => '─'.repeat(w)).join('─┼─')));
  for (const row of rows) out.push(line(Array.from({ length: columns }, (_, i) => row[i] ?? '')));
}

function list(token: Tokens.List, width: number, out: string[]): void {
  const start = typeof token.start === 'number' ? token.start : 1;
  token.items.forEach((item, i) => {
    const marker = token.ordered ? `${start + i}. ` : '• ';
    const check = item.task ? (item.checked ? '☑ ' : '☐ ') : '';
    const body: string[] = [];
    blocks(item.tokens, Math.max(4, width - marker.length), body);
    body.forEach((row, r) => out.push((r === 0 ? marker + check : ' '.repeat(marker.length)) + row));
    if (body.length === 0) out.push(marker + check);
  });
}

/** Block tokens as lines. */
function blocks(tokens: readonly Token[], width: number, out: string[]): void {
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        break;
      case 'heading': {
        const style = token.depth === 1 ? chalk.bold.underline : chalk.bold;
        out.push(...wrap(style(inline(token.tokens)), width, '', ''));
        break;
      }
      case 'paragraph':
        out.push(...wrap(inline(token.tokens), width, '', ''));
        break;
      case 'text':
        out.push(...wrap((token as Tokens.Text).tokens ? inline((token as Tokens.Text).tokens) : decode((token as Tokens.Text).text), width, '', ''));
        break;
      case 'code':
        codeBlock(token as Tokens.Code, width, out);
        break;
      case 'blockquote': {
        const inner: string[] = [];
        blocks(token.tokens ?? [], Math.max(4, width - 2), inner);
        for (const row of inner) out.push(chalk.dim('▏ ') + chalk.italic(row));
        break;
      }
      case 'list':
        list(token as Tokens.List, width, out);
        break;
      case 'table':
        table(token as Tokens.Table, width, out);
        break;
      case 'hr':
        out.push(chalk.dim('─'.repeat(rule(width) + 1)));
        break;
      case 'html':
        out.push(...wrap(chalk.dim(token.raw.replace(/\n+$/, '')), width, '', ''));
        break;
      case 'def':
      case 'checkbox':
        // A task item's box is drawn with its marker.
        break;
      default:
        if (token.raw.trim()) out.push(...wrap(token.raw.replace(/\n+$/, ''), width, '', ''));
    }
  }
}

export function renderMarkdown(text: string, width: number): string[] {
  const out: string[] = [];
  let block: string[] = [];
  const flush = () => {
    if (block.length) blocks(new Lexer({ gfm: true }).lex(block.join('\n')), width, out);
    block = [];
  };
  // Each block between blank lines (outside code fences) on its own, and one blank line on screen for each in the
  // text: cut anywhere markdownStream.ts cuts, the pieces give the lines of the whole.
  let fence: string | null = null;
  for (const line of text.replace(/\t/g, '    ').split('\n')) {
    const mark = FENCE.exec(line);
    if (fence !== null) {
      block.push(line);
      if (mark && mark[1] === fence && !mark[2]) {
        fence = null;
        flush();
      }
    } else if (mark) {
      fence = mark[1] ?? '```';
      block.push(line);
    } else if (line.trim() === '') {
      flush();
      out.push('');
    } else block.push(line);
  }
  flush();
  return out;
}
