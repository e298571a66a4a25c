import { describe, expect, it } from 'vitest';
import { ansiToSvg } from '../../scripts/screenshot/ansiToSvg.js';
import { EXAMPLE, renderScreenshot } from '../../scripts/screenshot/tuiScreenshot.js';

/** A well-formedness check of the XML the converter writes: tags nest and close, attributes are quoted, entities known. */
function checkXml(svg: string): void {
  const stack: string[] = [];
  const text = svg.replace(/<\?xml[^>]*\?>/, '');
  const tag = /<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of text.matchAll(tag)) {
    if (m[6]) throw new Error(`a stray "<" at ${m.index}`);
    if (m[5] !== undefined) {
      const bad = m[5].match(/&(?!amp;|lt;|gt;|quot;|apos;)/);
      if (bad) throw new Error(`an unknown entity at ${m.index}: ${m[5].slice(0, 40)}`);
      continue;
    }
    const [, close, name, , selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!selfClose) {
      stack.push(name!);
    }
  }
  expect(stack).toEqual([]);
}

describe('the README picture of the TUI', () => {
  it('renders the shipped example at its moment, as well-formed SVG, the same every time', async () => {
    const first = await renderScreenshot({ ...EXAMPLE });
    checkXml(first.svg);
    expect(first.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1032"')).toBe(true);
    for (const text of ['Timeline', 'Design (Modalities)', 'Coding (Design)', 'Designer', 'x/esc', 'AUTO']) expect(first.svg).toContain(text);
    // The frame is the TUI's, at 120 columns: the header spans it, and no line is wider.
    const lines = first.frame.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(120);
    expect(lines.length).toBeLessThanOrEqual(40);
    const again = await renderScreenshot({ ...EXAMPLE });
    expect(again.svg).toBe(first.svg);
  });

  it('turns SGR codes into colours, bold, dim and inverse, and escapes XML', () => {
    const svg = ansiToSvg(
      '\x1b[1m\x1b[36mbold cyan\x1b[39m\x1b[22m \x1b[2mdim\x1b[22m\n\x1b[7m<a & b>\x1b[27m \x1b]8;;http://x\x07link\x1b]8;;\x07',
      {
        columns: 40,
        rows: 2,
      },
    );
    checkXml(svg);
    expect(svg).toContain('<text x="12" y="26.04" fill="#11a8cd" font-weight="bold">bold cyan</text>');
    expect(svg).toContain('opacity="0.6">dim</text>');
    expect(svg).toContain('fill="#1e1e1e">&lt;a &amp; b&gt;</text>');
    expect(svg).toContain('> link</text>');
    expect(svg).not.toContain('http://x');
  });
});
