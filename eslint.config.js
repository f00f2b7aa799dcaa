// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * `npm run lint` (eslint --max-warnings 0 .): typescript-eslint's strict, type-checked rules
 * and its type-checked stylistic rules over all our TypeScript, with the type information of
 * tsconfig.json (and addin/src/tsconfig.json for the pane's DOM and Office.js types).
 */
export default defineConfig(
  globalIgnores(['**/node_modules/', '**/dist/', 'coverage/', '.tmp/', 'data/']),
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Numbers and booleans in messages read naturally; objects would print [object Object].
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `_name` marks an argument a signature needs but the body does not.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `string[]` for simple element types, `Array<{ … }>` where a bare `[]` would be hard to spot.
      '@typescript-eslint/array-type': ['error', { default: 'array-simple' }],
      // `(m) => console.warn(m)` as a callback is clear; a void value used anywhere else is not.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // An empty setting (BASE_URL=) means the default: `||` on strings is meant.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
      // `() => {}` is the deliberate no-op callback (a silent log, a lock with nothing to release).
      '@typescript-eslint/no-empty-function': ['error', { allow: ['arrowFunctions'] }],
      // `async` marks a function that answers through a promise (the Store interface): a throw in
      // it rejects instead of escaping synchronously, awaited or not.
      '@typescript-eslint/require-await': 'off',
      // Records keyed by id are plain objects because they are stored as JSON; deleting a key is how they shrink.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  {
    // The rooms a reader must be able to walk through: no function longer than a screenful or two.
    files: ['shared/**/*.ts', 'server/**/*.ts', 'addin/src/**/*.ts', 'addin/excel/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Tests: mocha's describe/it take plain functions that return promises, fixtures are
    // asserted into shape (a failed assertion is the test's answer), and a test may check at
    // run time what the types already promise (that is what it tests), so these are relaxed.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Tools over fixed, generated data (benchmark fixtures, the catalog generators): `xs[i]!`
    // after a bound check or on a table they just built is how they say "present by construction".
    files: ['bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Plain-JavaScript tools (scripts/build.js runs before there is any TypeScript tooling).
    files: ['**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
);
