/**
 * Markdown for the screen (markdownRender.ts), loaded after the TUI's first frame: marked and highlight.js are a
 * sixth of what the TUI loads (136 KB minified), and marked builds its expressions as it loads. `loadMarkdown()`
 * loads them, and whatever draws a message awaits it first: the TUI before its run starts (and before its first
 * frame when the session already has messages), the off-screen renderer, the tests' setup.
 */

let renderer: Pick<typeof import('./markdownRender.js'), 'renderMarkdown'> | undefined;
let loading: Promise<void> | undefined;

/** Loads the renderer, once; renderMarkdown may be called once this has resolved. */
export function loadMarkdown(): Promise<void> {
  loading ??= import('./markdownRender.js').then((loaded) => {
    renderer = { renderMarkdown: loaded.renderMarkdown };
  });
  return loading;
}

/** The lines of `text` laid out at `width` (see markdownRender.ts). Throws before loadMarkdown() has resolved. */
export function renderMarkdown(text: string, width: number): string[] {
  if (!renderer) throw new Error('renderMarkdown() was called before loadMarkdown() resolved');
  return renderer.renderMarkdown(text, width);
}
