import { defineConfig } from 'vitest/config';

// One runner for the whole repo. `pnpm test` runs the unit and integration projects, which need nothing but Node.
// The browser suite (`e2e`, `pnpm test:e2e`) needs Chromium; the scale-out suite (`pnpm test:scale-out`) a Redis server.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.{ts,tsx}', 'apps/*/src/**/*.test.{ts,tsx}'],
        },
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
      },
      {
        test: {
          name: 'integration',
          include: ['apps/server/test/**/*.test.ts'],
          exclude: ['apps/server/test/scale-out/**'],
          // Each file starts its own servers and mocks (msw) and stops them, and none mocks modules or the environment:
          // the files of a worker share the server's modules instead of importing them again for each (about 7 s of
          // CPU a file).
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'scale-out',
          include: ['apps/server/test/scale-out/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
