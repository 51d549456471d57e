// ESLint holds the house rules a reviewer should not have to police (docs/architecture.md):
// nothing in packages/ imports @actions/*, no import cycles, no reaching into another package's
// src/ (import it by name, `@potions/x`, or `@potions/x/testing` in tests), plus the recommended
// JavaScript and TypeScript rules. `pnpm lint` runs it; `pnpm test` runs it first.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Imports that reach into another package's files instead of its public surface. */
const DEEP_IMPORTS = [
  { group: ['@potions/*/src', '@potions/*/src/*'], message: 'import the package by name (@potions/x), or @potions/x/testing in tests' },
  { regex: '^(\\.\\./){2,}[a-z-]+/src/', message: 'import the package by name (@potions/x), not a path into another package' },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/testdata/**', 'coverage/**', '**/.dist-build/**', 'actions/sbom-scan/res/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Teaches import-x to read TypeScript (without it, no-cycle silently sees no imports at all).
  importX.flatConfigs.typescript,
  {
    languageOptions: { globals: { ...globals.node } },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-imports': ['error', { patterns: DEEP_IMPORTS }],
      // Matching control characters is how paths, terminal output and summaries refuse or escape them.
      'no-control-regex': 'off',
    },
  },
  {
    // Library code knows nothing about GitHub: the actions adapt it (actions/common).
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...DEEP_IMPORTS,
            { group: ['@actions/*'], message: 'packages/ never import @actions/*: the actions adapt the packages to GitHub (docs/architecture.md)' },
          ],
        },
      ],
    },
  },
  {
    // GitHub's own workflow schema parser and expression evaluator: offline parsers with no Actions
    // runtime in them, used to check and run workflows without GitHub (docs/workflow-check.md).
    files: ['packages/workflow-check/src/**/*.ts', 'packages/workflow-run/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: DEEP_IMPORTS }] },
  },
  {
    // Repository tooling (benchmarks, generators) uses the packages' public entry points by path.
    files: ['bench/**', 'scripts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./packages/[a-z-]+/src/(?!index$|testing$)', message: 'use the package entry point (src/index or src/testing), not one of its files' }] },
      ],
    },
  },
);
