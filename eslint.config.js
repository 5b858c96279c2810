// Lint configuration: the recommended TypeScript rules plus a few that guard
// habits this project cares about (no stray console output in product code,
// no floating promises).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // The scripts that wrote the real lockfiles' references run beside the package managers, as they were written (see their README).
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'tmp-scratch/**', 'test/fixtures/lockfiles/real/_tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['bin/*', '**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly' } },
  },
  {
    // The dashboard's page script runs in the browser.
    files: ['assets/web/public/*.js'],
    languageOptions: { sourceType: 'script', globals: { document: 'readonly', window: 'readonly', EventSource: 'readonly' } },
  },
);
