import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests drive Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium; never a
 * downloaded browser: this machine has no internet) against the built app on a port of its own,
 * with an embedded database file of its own so it never fights a running console for the DuckDB
 * lock.
 */
const PORT = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 60_000,
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    // Sign in once per role through the real sign-in page (e2e/auth.setup.ts).
    { name: "setup", testMatch: /auth\.setup\.ts/, use: { ...devices["Desktop Chrome"], channel: undefined } },
    {
      name: "chromium",
      dependencies: ["setup"],
      // Specs read as a viewer unless they ask for another role (test.use({ storageState })).
      use: { ...devices["Desktop Chrome"], channel: undefined, storageState: "e2e/.auth/viewer.json" },
    },
  ],
  webServer: {
    // The demo season is built first (about a minute on 2 cores), then the built app serves it.
    // The write journeys change the database, so every run starts from a pristine copy.
    command: [
      "EMBEDDED_DB_PATH=data/e2e/pristine.duckdb npx tsx --conditions=react-server scripts/demo.mts ensure",
      "rm -f data/e2e/console.duckdb.wal",
      "cp data/e2e/pristine.duckdb data/e2e/console.duckdb",
      "cp data/e2e/pristine.duckdb.demo.json data/e2e/console.duckdb.demo.json",
      `npx next start -p ${PORT} -H 127.0.0.1`,
    ].join(" && "),
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    // No NEXTAUTH_URL, as `npm start` runs it: sign-in returns to the origin the browser used
    // (e2e/origins.spec.ts signs in at 127.0.0.1 and at localhost).
    env: { WAREHOUSE: "embedded", EMBEDDED_DB_PATH: "data/e2e/console.duckdb", NEXTAUTH_URL: "" },
  },
});
