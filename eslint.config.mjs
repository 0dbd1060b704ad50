// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'test/**/fixtures/**',
      'web/vendor/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // devhost is generic: it never imports the app.
    files: ['devhost/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src/**'], message: 'devhost never imports the app.' }] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/devhost/**'], message: 'The app never imports devhost.' }] },
      ],
    },
  },
  {
    // Above the stores, the database is reached through them only (tasks/, bundles/, analysis/ own their tables).
    // Repeats the devhost fence: a later flat-config entry replaces the rule.
    files: ['src/functions/**/*.ts', 'src/http/**/*.ts', 'src/pipeline/**/*.ts', 'src/auth/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/devhost/**'], message: 'The app never imports devhost.' },
            {
              group: ['**/db/**', 'better-sqlite3'],
              message: 'Use the stores (tasks/, bundles/, analysis/); no raw database handle above them.',
            },
          ],
        },
      ],
    },
  },
  {
    // The orchestrator replays: no I/O, clocks or randomness may reach it. After the src/ block: flat config's
    // later entries replace a rule, so this one repeats the devhost fence.
    files: ['src/pipeline/*Orchestrator.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(node:|(fs|path|http|https|net|crypto|child_process|os|timers|worker_threads)(/|$))',
              message: 'The orchestrator is deterministic: no Node I/O modules.',
            },
            { group: ['**/devhost/**'], message: 'The app never imports devhost.' },
            {
              group: ['**/db/**', '**/tasks/**', '**/stages/**', '**/analysis/**', 'better-sqlite3'],
              message: 'The orchestrator calls activities; it never touches the database or the stages itself.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use context.df.currentUtcDateTime.' },
        { object: 'Math', property: 'random', message: 'The orchestrator must be deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use context.df.currentUtcDateTime.',
        },
      ],
    },
  },
  {
    // The dashboard runs in the browser. Markup sinks are banned: everything from the API is text.
    files: ['web/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Build DOM with dom.ts (text only).' },
        { property: 'outerHTML', message: 'Build DOM with dom.ts (text only).' },
        { property: 'insertAdjacentHTML', message: 'Build DOM with dom.ts (text only).' },
        { object: 'document', property: 'write', message: 'Build DOM with dom.ts (text only).' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
