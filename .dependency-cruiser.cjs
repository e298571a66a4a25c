/**
 * The layers of src/ and what each may import: `npm run depcruise`. docs/tooling.md explains the rules.
 * Type-only imports count: a type from another layer ties the two as much as a value does.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'ui-libraries-only-in-ui',
      comment: 'Ink and React (and ink-* packages) belong to src/ui: the CLI loads the TUI lazily, everything else runs without them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/ui/' },
      to: { path: '(^|/)node_modules/(ink|ink-[^/]+|react|@types/react)/' },
    },
    {
      name: 'config-not-engine',
      comment: 'src/config describes a run; the engine reads the config, not the other way round.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/engine/' },
    },
    {
      name: 'core-not-ui-or-cli',
      comment: 'The layers under the TUI and the CLI import nothing from them. (src/views: what every view shows of a run.)',
      severity: 'error',
      from: { path: '^src/(engine|providers|session|text|config|views|eval)/' },
      to: { path: '^src/(ui|cli)/' },
    },
    {
      name: 'providers-not-engine-or-session',
      comment: 'A provider talks to a model and knows nothing of the run that uses it.',
      severity: 'error',
      from: { path: '^src/providers/' },
      to: { path: '^src/(engine|session)/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles in src/, type-only ones included.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
