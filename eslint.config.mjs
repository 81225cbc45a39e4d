// Lint rules, including the boundary rule of ARCHITECTURE.md §4: the pure domain libraries
// (ledger, anchor, crypto) import no framework and no I/O client, and no app imports another app.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioAndFramework = ['@nestjs/*', 'pg', 'pg-*', 'kafkajs', 'ioredis', 'bullmq', 'fastify', 'node:fs', 'fs', 'node:net', 'net', 'node:http', 'http'];
const apps = ['central-bank', 'commercial-bank', 'regulator', 'cli'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.stack/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { project: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='parseFloat']", message: 'Money is bigint: never parse floats.' }],
    },
  },
  {
    files: ['libs/ledger/**/*.ts', 'libs/anchor/**/*.ts', 'libs/crypto/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ioAndFramework, message: 'Pure domain libraries do no I/O and know no framework (ARCHITECTURE.md §4).' },
          { group: ['@cbdc/platform', '@cbdc/testing', '**/apps/**'], message: 'Pure domain libraries depend only on other pure libraries.' },
        ],
      }],
    },
  },
  {
    // The wallet SDK runs on the holder's side: no server framework and no server-side client.
    files: ['libs/wallet-sdk/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['@nestjs/*', 'pg', 'pg-*', 'kafkajs', 'ioredis', 'bullmq', '@cbdc/platform', '**/apps/**'], message: 'The wallet SDK is holder-side code.' }],
      }],
    },
  },
  ...apps.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: apps.filter((a) => a !== app).flatMap((a) => [`**/${a}/**`, `**/apps/${a}`]), message: 'Apps never import each other: share through libs/.' }],
      }],
    },
  })),
);
