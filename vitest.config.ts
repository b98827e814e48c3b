import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` needs nothing running; `integration` talks to the official Firestore and Pub/Sub emulators,
 * which `npm test` (scripts/test.mjs) starts and announces through FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST.
 * Integration test files run in parallel, each in its own emulator project (test/support/emulators.ts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // Emulator round trips and contention retries are slow on a 2-core machine; these are limits, not timings.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
