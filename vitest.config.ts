import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';

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
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
