import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'labs/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Generous: a test's timeout catches a hang, never slowness. Grading and real processes on a
    // 2-core machine with the other core busy take several times their quiet time.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A poll ends as soon as its condition holds; a page on a busy machine may take seconds to get there.
    expect: { poll: { timeout: 15_000 } },
    // Integration tests spawn real processes; two cores do not like many of them at once.
    maxWorkers: 2,
  },
});
