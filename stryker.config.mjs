// @ts-check
/**
 * Mutation testing of the domain rules (lib/completeness) and the engine that runs them against
 * the warehouse (lib/engine): `npm run mutation`. Slow (minutes to an hour on two cores), so it
 * is a script of its own and not part of `npm test`. The incremental file under reports/ lets a
 * re-run test only the mutants whose code or tests changed since the last run.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.mts", related: true },
  mutate: [
    "lib/completeness/**/*.ts",
    "lib/engine/**/*.ts",
    "!lib/**/*.test.ts",
  ],
  // Vitest compiles TypeScript itself; a type check per mutant would double the run time.
  checkers: [],
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  // The engine's tests each open an embedded DuckDB; two workers is what a shared
  // two-core machine bears.
  concurrency: 2,
  timeoutMS: 60_000,
  // The first run of every test (the engine's build DuckDB databases) takes minutes on a busy machine.
  dryRunTimeoutMinutes: 30,
  timeoutFactor: 2,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  // The sandbox copy needs the sources, the SQL and the test support; not build output, local
  // databases or earlier reports.
  ignorePatterns: [".next", ".next-*", "data", "reports", "coverage", "test-results", "playwright-report", "bench/results", "e2e/.auth"],
  tempDirName: ".stryker-tmp",
};

export default config;
