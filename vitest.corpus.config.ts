import { defineConfig } from 'vitest/config';

/** The shared corpus of real email (../shared/corpus): its own, clearly named run. */
export default defineConfig({
  test: {
    include: ['src-main/mail/**/*.corpus.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
  },
});
