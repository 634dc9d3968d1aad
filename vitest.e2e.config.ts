import { defineConfig } from 'vitest/config';

/** End-to-end: real Chromium (Debian's) against the real browser host. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
