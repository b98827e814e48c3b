// ESLint flat config. Type-aware rules where the production code lives (functions/src, cli), the recommended rules
// elsewhere, and the purity rules of the domain: no SDK, no I/O, no clock (DESIGN.md, rules of the house 1 and 8).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const impureModules = 'The domain is pure: only functions/src/adapters and functions/src/engine do I/O.';

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    'functions/lib/',
    '.runway/',
    'hosting/dist/',
    'coverage/',
    'test-results/',
    'bench/reports/',
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.{ts,mts,cts,tsx}'],
    extends: [tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The dashboard runs in the browser (its own tsconfig, hosting/tsconfig.json; vite.config.ts runs in Node).
    files: ['hosting/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['functions/src/**/*.ts', 'cli/**/*.ts', 'sandbox/**/*.ts', 'hosting/src/**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Our own unions end in `default: return assertNever(x)`, which the compiler checks; a `default` over a foreign
      // union (zod issue codes, errno strings) is a deliberate catch-all.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['functions/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...['firebase-admin', 'firebase-functions', 'google-auth-library', 'nodemailer'].map((name) => ({
              name,
              message: impureModules,
            })),
            ...builtinModules.map((name) => ({ name, message: impureModules })),
          ],
          patterns: [
            {
              group: [
                'firebase-admin/*',
                'firebase-functions/*',
                '@google-cloud/*',
                'google-auth-library/*',
                '@slack/*',
                'nodemailer/*',
                'node:*',
              ],
              message: impureModules,
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The domain never reads the clock: decide() receives `now`.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The domain never reads the clock: decide() receives `now`; use new Date(now).',
        },
        {
          selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']",
          message: 'The domain never reads the clock: decide() receives `now`.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'The domain is deterministic: ids and choices derive from the state and the event.',
        },
      ],
    },
  },
]);
