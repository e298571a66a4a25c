// ESLint: typescript-eslint's type-aware recommended rules, and React's hook rules for the TUI.
// docs/tooling.md says what each tool checks and how long it takes.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'examples/', '.roleplay/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A terminal app: matching escape sequences and control characters is its job (src/text/sanitize.ts).
      'no-control-regex': 'off',
      // A leading underscore marks a value left unused on purpose (a parameter kept for its position, a field
      // taken out of a rest spread), as tsc's noUnusedLocals reads it.
      // Rejecting with an abort signal's reason is `throw signal.reason` in a promise: allowed the same way
      // only-throw-error allows it (the engine aborts with reasons such as 'idle-timeout').
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // The scripts and this file are plain JavaScript, outside tsconfig's program: no type-aware rules there.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Tests read JSON the CLI printed or wrote (JSON.parse gives `any`) and check its shape with expect().
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'test/ui/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
);
