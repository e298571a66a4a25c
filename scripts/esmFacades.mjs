// An esbuild plugin for the bundle and for the bench's harnesses, which must bind React the way the bundle does.
// React is CommonJS. esbuild binds each ES module that imports it through its own copy of React's exports made of
// getters (`__toESM`): 53 such copies before the TUI's first frame (Ink's files and roleplay's views, 0.8 MB
// and 1-2 ms), and every hook call reads through one. Here one ES module with real named exports, which every
// importer shares, stands in for each of `react` and `react/jsx-runtime`; the CommonJS modules that `require` React
// (react-reconciler) get React itself, as before. The exports are React's own functions and objects, read once.
import { createRequire } from 'node:module';
import path from 'node:path';

const FACADED = /^react(\/jsx-runtime)?$/;

/** @param {string} root the folder whose node_modules the bundle is built from */
export function esmFacades(root) {
  const requireFrom = createRequire(path.join(root, 'package.json'));
  return {
    name: 'esm-facades',
    setup(build) {
      build.onResolve({ filter: FACADED }, (args) => {
        // The facade's own import of the package, and CommonJS requires, resolve as usual.
        if (args.kind !== 'import-statement' || args.namespace === 'esm-facade') return undefined;
        return { path: args.path, namespace: 'esm-facade' };
      });
      build.onLoad({ filter: /.*/, namespace: 'esm-facade' }, (args) => {
        const names = Object.keys(requireFrom(args.path)).filter((name) => name !== 'default');
        const contents = [
          `import * as mod from '${args.path}';`,
          'const m = mod.default ?? mod;',
          'export default m;',
          `export const { ${names.join(', ')} } = m;`,
          '',
        ].join('\n');
        return { contents, resolveDir: root };
      });
    },
  };
}
