/**
 * The vitest configuration Stryker runs (`npm run mutation`): the tests of the two folders it
 * mutates, lib/completeness (pure rules, unit tests) and lib/engine (the checks against an
 * embedded DuckDB, integration tests), as one flat project. Kept apart from vitest.config.mts so
 * the mutation run never starts the tests that build and start a console.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The tests a run may use. MUTATION_TESTS=unit: only the pure rules' unit tests, so a run over
 * lib/completeness takes minutes where the engine's tests, each opening a DuckDB (some building a
 * demo season) for every mutant, take hours. MUTATION_TESTS=<file>,<file>: those test files
 * only, for a run over one engine module with its own integration test.
 */
function testFiles(scope: string | undefined): string[] {
  if (scope === "unit") return ["lib/completeness/**/*.test.ts"];
  if (scope) return scope.split(",").map((f) => f.trim());
  return ["lib/completeness/**/*.test.ts", "lib/engine/**/*.test.ts"];
}

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside a React Server Components bundle.
      "server-only": fileURLToPath(new URL("./test/support/server-only.ts", import.meta.url)),
    },
  },
  test: {
    include: testFiles(process.env.MUTATION_TESTS),
    exclude: ["node_modules/**"],
    environment: "node",
    setupFiles: ["test/support/isolated-data.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
