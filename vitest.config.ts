import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,src,sw,server,demo}/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
