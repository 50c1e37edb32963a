import { defineConfig } from 'vitest/config';

/**
 * The e2e tests that matter, again in Firefox ESR (driven over WebDriver BiDi): one file at a
 * time, each test with its own server and browser, waits sized for a busy machine.
 */
export default defineConfig({
  test: {
    include: ['e2e/firefox/**/*.firefox.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    expect: { poll: { timeout: 20_000, interval: 100 } },
  },
});
