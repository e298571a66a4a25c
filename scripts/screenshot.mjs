// `npm run screenshot`: draws docs/tui.svg, the README's picture of the TUI, from the shipped example session
// (examples/software-company/): the real App at 120x40, a few conversations in, in the middle of a reply.
// The same session always gives the same picture. The work is in scripts/screenshot/, bundled here by esbuild.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, process.argv[2] ?? 'docs/tui.svg');
// Under node_modules, so that the packages it leaves external resolve from there.
const bundle = path.join(root, 'node_modules', '.cache', `roleplay-screenshot-${process.pid}.mjs`);
try {
  await build({
    absWorkingDir: root,
    entryPoints: ['scripts/screenshot/tuiScreenshot.tsx'],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const { renderScreenshot, EXAMPLE } = await import(pathToFileURL(bundle).href);
  const { svg } = await renderScreenshot({ ...EXAMPLE, journal: path.join(root, EXAMPLE.journal) });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, svg);
  console.log(`screenshot: wrote ${path.relative(process.cwd(), out)} (${(svg.length / 1024).toFixed(0)} KB)`);
} finally {
  rmSync(bundle, { force: true });
}
// Ink and the replay leave nothing running, but be sure the script ends.
process.exit(0);
