// @ts-check
/** Which tests the mutation run (`npm run mutation`, vitest.stryker.config.mts) may use. */

/**
 * The tests a run may use. MUTATION_TESTS=unit: only the pure rules' unit tests, so a run over
 * lib/completeness takes minutes where the engine's tests, each opening a DuckDB (some building a
 * demo season) for every mutant, take hours. MUTATION_TESTS=<file>,<file>: those test files
 * only, for a run over one engine module with its own integration test.
 *
 * @param {string | undefined} scope
 * @returns {string[]}
 */
export function mutationTestFiles(scope = process.env.MUTATION_TESTS) {
  if (scope === "unit") return ["lib/completeness/**/*.test.ts"];
  if (scope) return scope.split(",").map((f) => f.trim());
  return ["lib/completeness/**/*.test.ts", "lib/engine/**/*.test.ts"];
}
