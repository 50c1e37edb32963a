import { defineConfig } from 'vitest/config';

/** The e2e tests that matter, again in Firefox ESR (driven over WebDriver BiDi): one at a time. */
export default defineConfig({
  test: {
    include: ['e2e/firefox/**/*.firefox.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
