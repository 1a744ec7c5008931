import { defineConfig } from "vitest/config";
import path from "node:path";

/** End-to-end tests: the production build served by `next start`, driven over HTTP and in Chromium. */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["tests/e2e/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One app server per file and one browser; the machine has two cores.
    fileParallelism: false,
  },
});
