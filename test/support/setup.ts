// Every test file starts with the Markdown renderer loaded, as the TUI has it before it draws a message
// (src/ui/markdown.ts). The test that the TUI loads it itself runs the built CLI (test/e2e).
import { loadMarkdown } from '../../src/ui/markdown.js';

await loadMarkdown();
