import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';

/** The browsers of the device lab (scripts/device-lab/): Debian's chromium and firefox-esr. */
const BROWSERS = ['chromium', 'firefox'] as const;

export default defineConfig({
  test: {
    projects: [
      {
        // Worker tests run inside workerd with real KV and Durable Objects.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './worker/wrangler.jsonc' },
            miniflare: { bindings: { JWT_SECRET: 'test-only-jwt-secret-0123456789abcdef0123456789abcdef' } },
          }),
        ],
        test: {
          name: 'workerd',
          include: ['worker/test/*.test.ts'],
          // Longer fuzzing runs locally: FUZZ_RUNS=2000 npx vitest run --project workerd worker/test/fuzz.test.ts
          env: { FUZZ_RUNS: process.env.FUZZ_RUNS ?? '' },
          // Generous: the whole suite shares two cores with Chromium and wrangler; no test asserts on time.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'worker/test/e2e/**/*.test.ts',
            'components/**/*.test.ts',
            'app/**/*.test.ts',
            'infra/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/*.browser.test.ts'],
          // Fresh local Workers started ahead for the files that talk to one (scripts/scratch-worker-pool.ts).
          globalSetup: ['./scripts/scratch-worker-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      ...BROWSERS.map((browser) => ({
        test: {
          // Every browser test runs once per browser of the device lab, which reads the browser from the environment
          // (scripts/device-lab/lab.ts). Real WebRTC against a local Worker: one file at a time, so that timings and
          // ICE on a two-core machine are not at the mercy of the other files.
          name: browser,
          environment: 'node',
          env: { DEVICE_LAB_BROWSER: browser },
          include: [
            'worker/test/e2e/**/*.browser.test.ts',
            'components/**/*.browser.test.ts',
            'app/**/*.browser.test.ts',
            'scripts/**/*.browser.test.ts',
          ],
          exclude: ['**/node_modules/**'],
          // The lab's pages, browser and Workers, set up once for the project's files (scripts/device-lab/lab.ts).
          globalSetup: ['./scripts/device-lab/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      })),
    ],
  },
});
