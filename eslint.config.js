import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.abtest/',
      'coverage/',
      'terraform/',
      'datasets/',
      'bench/.cache/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/cli/**', 'scripts/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['shared/**'],
    ignores: ['shared/adapters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@google-cloud/storage', '@google-cloud/pubsub', 'pg', '@electric-sql/*'],
              message: 'Only shared/adapters may import cloud clients or database drivers.',
            },
            { group: ['**/functions/**'], message: 'shared/ never imports from functions/.' },
          ],
        },
      ],
    },
  },
);
