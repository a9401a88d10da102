// Lint rules: typescript-eslint's recommended set, type-unaware (fast on 2 cores).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'runs/', 'datastore/', 'bench/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // Plain JavaScript runs on Node (the build script, the bin entry).
  { files: ['**/*.js'], languageOptions: { globals: globals.node } },
);
