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
    // A poll that waits on a server round trip (a 409, the event stream going live) gets 5 s, not vitest's 1 s: on a
    // loaded CI machine one round trip can take longer than a second.
    expect: { poll: { timeout: 5_000 } },
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
