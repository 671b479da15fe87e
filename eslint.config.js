import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import clave from './tools/eslint/bounded-contexts.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'tools/eslint/*.js', 'bin/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { clave },
    rules: {
      'clave/bounded-contexts': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The flow interpreter and wire codecs stay pure: no I/O modules.
    files: ['src/flow/**/*.ts'],
    ignores: ['src/flow/loader.ts', 'src/flow/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'net', 'http', 'pg', '@electric-sql/*'], message: 'The flow interpreter is pure: no I/O.' }] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
