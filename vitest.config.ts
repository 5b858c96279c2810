import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on child processes, an emulator or a database more than they compute: on a 2-core machine, three
    // workers finish the suite in about half the time of the default one.
    maxWorkers: 3,
    minWorkers: 1,
  },
});
