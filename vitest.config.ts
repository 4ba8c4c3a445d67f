import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'rules/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Tests that spawn the built CLI or walk the corpus need more than the 5 s default.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
