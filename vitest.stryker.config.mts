/**
 * The vitest configuration Stryker runs (`npm run mutation`): the tests of the two folders it
 * mutates, lib/completeness (pure rules, unit tests) and lib/engine (the checks against an
 * embedded DuckDB, integration tests), as one flat project. Kept apart from vitest.config.mts so
 * the mutation run never starts the tests that build and start a console.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

import { mutationTestFiles } from "./test/support/mutation-scope.mjs";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside a React Server Components bundle.
      "server-only": fileURLToPath(new URL("./test/support/server-only.ts", import.meta.url)),
    },
  },
  test: {
    include: mutationTestFiles(),
    exclude: ["node_modules/**"],
    environment: "node",
    setupFiles: ["test/support/isolated-data.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
