// Lint: typescript-eslint's type-aware rules that catch real bugs in async and exhaustive code.
// Types come from tsconfig.eslint.json (sources and tests, workspace packages mapped to their sources).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { readFileSync } from 'node:fs';

const PURE_PACKAGES = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).airlock.purePackages;

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/test/fixtures/**',
      'test/corpora/**',
      'sandbox-images/**',
      '.airlock/**',
      'packages/static-signals/data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Async code: a promise nobody awaits loses its error; a promise where a callback expected one is never awaited.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      // A new phase, verdict or event kind must be handled everywhere a switch names the others.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Control characters in untrusted names, paths and logs are exactly what several regexes look for.
      'no-control-regex': 'off',
    },
  },
  {
    // Pure packages (see .dependency-cruiser.cjs for their imports) also touch no ambient I/O, clock or randomness:
    // the caller hands in time and random bytes, so the same input always gives the same output.
    files: [`packages/{${PURE_PACKAGES.join(',')}}/src/**/*.ts`],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['process', 'fetch', 'XMLHttpRequest', 'WebSocket', 'setTimeout', 'setInterval', 'setImmediate', 'console', 'require'].map(
          (name) => ({ name, message: 'a pure package does no I/O and reads no ambient state: take it as a parameter' }),
        ),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'a pure package takes the time as a parameter' },
        { object: 'Math', property: 'random', message: 'a pure package takes random bytes from its caller' },
      ],
      'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: 'a pure package loads no code at run time' }],
    },
  },
  {
    // Tests build malformed reports on purpose, and hand async callbacks to polling helpers.
    files: ['**/test/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
