import { configDefaults, defineConfig } from 'vitest/config';

// End-to-end suites: whole flows through the built app in host processes (and, as they come, browsers and stress
// runs). `.ci/run` runs them once, on the system Node; the other test files form the "runtime" project, which it
// runs again on every further Node version. `vitest run` runs both projects.
const endToEnd = ['test/integration/**/*.test.ts', 'test/web/**/*.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end files start real hosts, so keep parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'runtime',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...endToEnd],
        },
      },
      { extends: true, test: { name: 'end-to-end', include: endToEnd } },
    ],
  },
});
