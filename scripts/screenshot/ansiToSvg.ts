/**
 * Turns a terminal frame (text with SGR escape codes, as Ink writes it) into a standalone SVG: one <text> per run
 * of same-styled characters, placed on a fixed grid of cells, in the 16-colour palette, with bold, dim, italic,
 * underline and inverse. Other escape sequences are dropped. No fonts are embedded: a local monospace font draws
 * it. The same frame always gives the same SVG.
 */

import { TERMINAL_THEME } from '../../src/views/palette.js';

const PALETTE: readonly string[] = TERMINAL_THEME.palette;
const FOREGROUND = TERMINAL_THEME.fg;
const BACKGROUND = TERMINAL_THEME.bg;

interface Style {
  fg: number | null;
  bg: number | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

const PLAIN: Style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false };

interface Run {
  column: number;
  text: string;
  width: number;
  style: Style;
}

/** The xterm 256-colour cube and grey ramp, brought down to the nearest of the 16 (chalk level 1 never sends them). */
function nearest16(index: number): number {
  if (index < 16) return index;
  let rgb: [number, number, number];
  if (index >= 232) {
    const v = 8 + (index - 232) * 10;
    rgb = [v, v, v];
  } else {
    const n = index - 16;
    const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    rgb = [level(Math.floor(n / 36)), level(Math.floor(n / 6) % 6), level(n % 6)];
  }
  return nearestRgb(rgb);
}

function nearestRgb([r, g, b]: [number, number, number]): number {
  let best = 0;
  let bestDistance = Infinity;
  PALETTE.forEach((hex, i) => {
    const [pr, pg, pb] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];
    const distance = (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  });
  return best;
}

function applySgr(style: Style, params: number[]): Style {
  const next = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i] ?? 0;
    if (p === 0) Object.assign(next, PLAIN);
    else if (p === 1) next.bold = true;
    else if (p === 2) next.dim = true;
    else if (p === 3) next.italic = true;
    else if (p === 4) next.underline = true;
    else if (p === 7) next.inverse = true;
    else if (p === 22) next.bold = next.dim = false;
    else if (p === 23) next.italic = false;
    else if (p === 24) next.underline = false;
    else if (p === 27) next.inverse = false;
    else if (p >= 30 && p <= 37) next.fg = p - 30;
    else if (p >= 90 && p <= 97) next.fg = p - 90 + 8;
    else if (p === 39) next.fg = null;
    else if (p >= 40 && p <= 47) next.bg = p - 40;
    else if (p >= 100 && p <= 107) next.bg = p - 100 + 8;
    else if (p === 49) next.bg = null;
    else if (p === 38 || p === 48) {
      const key = p === 38 ? 'fg' : 'bg';
      if (params[i + 1] === 5) {
        next[key] = nearest16(params[i + 2] ?? 0);
        i += 2;
      } else if (params[i + 1] === 2) {
        next[key] = nearestRgb([params[i + 2] ?? 0, params[i + 3] ?? 0, params[i + 4] ?? 0]);
        i += 4;
      }
    }
  }
  return next;
}

/** Columns a character takes: 2 for the wide East Asian ranges and emoji, 0 for combining marks, else 1. */
function columnsOf(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (/\p{Mn}|\p{Me}|\u200d|[\ufe00-\ufe0f]/u.test(char)) return 0;
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

const sameStyle = (a: Style, b: Style) =>
  a.fg === b.fg &&
  a.bg === b.bg &&
  a.bold === b.bold &&
  a.dim === b.dim &&
  a.italic === b.italic &&
  a.underline === b.underline &&
  a.inverse === b.inverse;

/** Splits one line into runs of one style each; escape codes other than SGR are dropped. */
function runsOf(line: string, start: Style): { runs: Run[]; end: Style } {
  const runs: Run[] = [];
  let style = start;
  let column = 0;
  // CSI sequences (SGR and others), OSC sequences (hyperlinks, titles), and lone two-character escapes.
  const token = /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|([^\x1b]+)/gy;
  let match: RegExpExecArray | null;
  while ((match = token.exec(line))) {
    if (match[3] !== undefined) {
      for (const char of match[3]) {
        if (char < ' ' || char === '\x7f') continue;
        const width = columnsOf(char);
        const last = runs.at(-1);
        if (last && sameStyle(last.style, style) && last.column + last.width === column) {
          last.text += char;
          last.width += width;
        } else {
          runs.push({ column, text: char, width, style });
        }
        column += width;
      }
    } else if (match[2] === 'm') {
      const params = (match[1] ?? '').split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
      style = applySgr(style, params);
    }
    if (token.lastIndex >= line.length) break;
  }
  return { runs, end: style };
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface SvgOptions {
  /** The terminal's size in cells; lines beyond `rows` are cut, and so is text beyond `columns`. */
  columns: number;
  rows: number;
  /** Font size in px; a cell is 0.6 of it wide and 1.25 of it high. Default 14. */
  fontSize?: number;
  /** Drawn above the terminal, in a window bar. */
  title?: string;
}

export function ansiToSvg(frame: string, options: SvgOptions): string {
  const fontSize = options.fontSize ?? 14;
  const cellWidth = fontSize * 0.6;
  const cellHeight = Math.round(fontSize * 1.25);
  const pad = 12;
  const bar = options.title === undefined ? 0 : 28;
  const width = Math.round(options.columns * cellWidth + 2 * pad);
  const height = options.rows * cellHeight + 2 * pad + bar;
  const num = (n: number) => String(Math.round(n * 100) / 100);

  const backgrounds: string[] = [];
  const texts: string[] = [];
  let style = PLAIN;
  const lines = frame.split('\n').slice(0, options.rows);
  lines.forEach((line, row) => {
    const { runs, end } = runsOf(line, style);
    style = end;
    const y = pad + bar + row * cellHeight;
    for (const run of runs) {
      if (run.column >= options.columns) continue;
      const fgIndex = run.style.inverse ? run.style.bg : run.style.fg;
      const bgIndex = run.style.inverse ? run.style.fg : run.style.bg;
      const fg = fgIndex === null ? (run.style.inverse ? BACKGROUND : FOREGROUND) : PALETTE[fgIndex];
      const bg = bgIndex === null ? (run.style.inverse ? FOREGROUND : null) : PALETTE[bgIndex];
      const x = pad + run.column * cellWidth;
      const runWidth = Math.min(run.width, options.columns - run.column) * cellWidth;
      if (bg) backgrounds.push(`<rect x="${num(x)}" y="${y}" width="${num(runWidth)}" height="${cellHeight}" fill="${bg}"/>`);
      const text = run.text.trimEnd();
      if (text.trim() === '') continue;
      const attrs = [`x="${num(x)}"`, `y="${num(y + cellHeight * 0.78)}"`];
      if (fg !== FOREGROUND) attrs.push(`fill="${fg}"`);
      if (run.style.bold) attrs.push('font-weight="bold"');
      if (run.style.dim) attrs.push('opacity="0.6"');
      if (run.style.italic) attrs.push('font-style="italic"');
      if (run.style.underline) attrs.push('text-decoration="underline"');
      // Pins the run to its cells, whatever the widths of the glyphs the local font (or a fallback) has.
      let columns = 0;
      for (const char of text) columns += columnsOf(char);
      if (/[^\x20-\x7e]/.test(text)) attrs.push(`textLength="${num(columns * cellWidth)}"`, 'lengthAdjust="spacingAndGlyphs"');
      texts.push(`<text ${attrs.join(' ')}>${escapeXml(text)}</text>`);
    }
  });

  const title =
    options.title === undefined
      ? []
      : [
          `<circle cx="${pad + 8}" cy="${pad + 6}" r="6" fill="#ff5f57"/>`,
          `<circle cx="${pad + 28}" cy="${pad + 6}" r="6" fill="#febc2e"/>`,
          `<circle cx="${pad + 48}" cy="${pad + 6}" r="6" fill="#28c840"/>`,
          `<text x="${num(width / 2)}" y="${pad + 11}" text-anchor="middle" fill="#999999">${escapeXml(options.title)}</text>`,
        ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" rx="8" fill="${BACKGROUND}"/>`,
    `<g font-family="ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace" font-size="${fontSize}" fill="${FOREGROUND}" xml:space="preserve">`,
    ...title,
    ...backgrounds,
    ...texts,
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
