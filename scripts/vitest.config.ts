import { defineConfig } from 'vitest/config';

/** `npm run test:packaging`: packs the build and installs it into scratch apps (after `npm run build`). */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['packaging.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
