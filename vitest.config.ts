import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "packages/*/src/**/*.test.ts",
            "services/*/src/**/*.test.ts",
            "test/http/**/*.test.ts",
            "test/scenarios/**/*.test.ts",
          ],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "compat",
          include: ["test/compat/**/*.test.ts", "test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "stack",
          include: ["test/stack/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        // The SDK compat suite against the distributed services on the local stack. A group of its
        // own (groupOrder), so it never runs beside the `stack` files: their outage tests stop
        // Kafka and ClickHouse, which these need.
        test: {
          name: "stack-compat",
          include: ["test/compat/**/*.test.ts"],
          env: { METERLINE_COMPAT_TARGET: "distributed" },
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
