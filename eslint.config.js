// Lint: TypeScript rules plus the architecture's boundaries, so a slip fails CI instead of a review.
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'Only src/main and src/preload may import electron.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '**/*.vue', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { caseSensitive: true, group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/web/**', '**/cli/**'], message: 'core stands alone: it imports nothing of main, preload, renderer, web or cli.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ caseSensitive: true, group: ['**/core/**', '**/main/**', '**/renderer/**', '**/web/**', '**/cli/**', 'node:*'], message: 'shared holds pure contracts usable on every side.' }] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ caseSensitive: true, group: ['**/src/core/**', '../core/**', '../../core/**', '**/main/**', '**/web/**', '**/cli/**', 'node:*'], message: 'The renderer reaches the engine only through the API contract in src/shared.' }] },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'src/web/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
);
