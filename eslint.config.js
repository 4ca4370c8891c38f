import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', '.gpuhost/**', '.gpurun/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.js'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Only the CLI entry point may end the process (DESIGN.md §5).
    files: ['src/**/*.ts', 'probes/**/*.ts'],
    ignores: ['src/cli/main.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Only src/cli/main.ts exits.' }],
    },
  },
);
