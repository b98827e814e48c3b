import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` needs nothing running; `integration` talks to the official Firestore and Pub/Sub emulators,
 * which `npm test` (scripts/test.mjs) starts and announces through FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST.
 * Integration test files run in parallel, each in its own emulator project (test/support/emulators.ts). `e2e` starts the
 * whole local stack (`npm start` on ports of its own, test/e2e/localStack.ts) and runs after the others.
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
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // Building the functions and booting the emulator suite take ~30 s; these are limits, not timings.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Last, on its own: the stack's build and JVMs would otherwise compete with the other tests for two cores.
          sequence: { groupOrder: 1 },
          // One stack at a time, for the same reason: each e2e file starts its own.
          fileParallelism: false,
        },
      },
    ],
  },
});
