// The dependencies that patches/ changes, as npm installed them: copies with the patches taken out again, and an
// esbuild plugin that resolves every import of them to those copies. The bench's anchors are built from them (Ink's
// hello-world as anyone would bundle it), and the tests compare patched code with them.
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const modules = path.join(root, 'node_modules');

/** The package folders the patches change (`ink`, `wrap-ansi/node_modules/string-width`, ...). */
function patchedPackages() {
  const found = new Set();
  for (const file of readdirSync(path.join(root, 'patches')).filter((f) => f.endsWith('.patch'))) {
    for (const [, target] of readFileSync(path.join(root, 'patches', file), 'utf8').matchAll(/^\+\+\+ b\/node_modules\/(.+)$/gm)) {
      const parts = target.split('/');
      const names = [];
      for (let i = 0; i < parts.length; i++) {
        const name = parts[i].startsWith('@') ? `${parts[i]}/${parts[++i]}` : parts[i];
        names.push(name);
        if (parts[i + 1] !== 'node_modules') break;
        i++;
      }
      found.add(names.join('/node_modules/'));
    }
  }
  return [...found];
}

/** Copies the patched packages into `dir`/node_modules and takes the patches out; returns an esbuild plugin using them. */
export function pristinePlugin(dir) {
  const packages = patchedPackages();
  for (const pkg of packages) {
    const top = pkg.split('/node_modules/')[0];
    if (!existsSync(path.join(dir, 'node_modules', top))) cpSync(path.join(modules, top), path.join(dir, 'node_modules', top), { recursive: true });
  }
  for (const file of readdirSync(path.join(root, 'patches')).filter((f) => f.endsWith('.patch'))) {
    execFileSync('patch', ['-R', '-p1', '-s', '-d', dir, '-i', path.join(root, 'patches', file)]);
  }
  const names = [...new Set(packages.map((pkg) => pkg.split('/node_modules/').at(-1)))];
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})(/|$)`);
  return {
    name: 'pristine-dependencies',
    setup(b) {
      b.onResolve({ filter }, (args) => {
        // Inside the copies, imports resolve as they would in node_modules (wrap-ansi finds its own string-width).
        if (args.pluginData === 'pristine' || !path.relative(dir, args.resolveDir).startsWith('..')) return undefined;
        return b.resolve(args.path, { resolveDir: path.join(dir, 'node_modules'), kind: args.kind, pluginData: 'pristine' });
      });
    },
  };
}
