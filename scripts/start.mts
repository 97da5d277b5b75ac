/**
 * `npm start`: validate configuration, build when the build is missing or older than the
 * sources, then serve. One command from a fresh clone to a running console. With the embedded
 * database, the demo database is checked (and built, on first start or when stale) beside Next's
 * build, and the server starts as soon as Next's build is done: until the database is ready the
 * console answers with sign-in and a page that shows the build's progress
 * (lib/warehouse/build-status.ts), and its API with 503.
 *
 *   npm start              # port 3000
 *   PORT=4000 npm start    # or: npm start -- 4000 (the argument wins)
 */
import { type ChildProcess, spawnSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import nextEnv from "@next/env";

import { DatabaseLockedError, acquireDatabaseLock } from "../lib/demo/db-lock";
import { ConfigError, getEnv } from "../lib/env";
import { clearBuildStatus, writeBuildStatus } from "../lib/warehouse/build-status";

import { PortError, resolvePort } from "./port";

const root = join(import.meta.dirname, "..");
nextEnv.loadEnvConfig(root);

// Before a build of a minute: a port that cannot work stops here.
let port: number;
try {
  port = resolvePort(process.argv.slice(2), { PORT: process.env.PORT });
} catch (error) {
  if (!(error instanceof PortError)) throw error;
  console.error(`[start] ${error.message}`);
  process.exit(1);
}

let demoProfile: string | undefined;
try {
  const env = getEnv();
  demoProfile = env.DEMO_PROFILE;
  console.log(
    `[start] warehouse: ${env.WAREHOUSE}${env.WAREHOUSE === "embedded" ? ` (${env.EMBEDDED_DB_PATH}, demo profile ${env.DEMO_PROFILE ?? "as built"})` : ""}`,
  );
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`[start] ${error.message}`);
    process.exit(1);
  }
  throw error;
}

// One console per embedded database: this process holds its lock while the server runs
// (lib/demo/db-lock.ts), so a second `npm start` or a rebuild cannot replace the file under it.
const embedded = getEnv().WAREHOUSE === "embedded";
const dbPath = getEnv().EMBEDDED_DB_PATH;
const startedAt = new Date().toISOString();
if (embedded) {
  try {
    const lock = acquireDatabaseLock(dbPath);
    process.on("exit", () => lock.release());
  } catch (error) {
    if (!(error instanceof DatabaseLockedError)) throw error;
    console.error(`[start] ${error.message}`);
    process.exit(1);
  }
  // Before the server starts: it must not open the database until the check below says it may.
  writeBuildStatus(dbPath, { state: "preparing", pid: process.pid, startedAt, updatedAt: startedAt, step: "checking the demo database", nights: null, date: null });
  process.on("exit", () => clearBuildStatus(dbPath));
}

// The embedded database: created with the simulated season on first start, rebuilt when stale or
// when DEMO_PROFILE asks for the other profile (`console`: the console's own tables; `original`:
// the original pipeline's tables, as its Python processors write them). It is built beside Next's
// build and then beside the server, which answers meanwhile; the builder reports each night in
// this terminal and in the status file.
const url = `http://localhost:${port}`;
// The installed binaries themselves: npx would first look them up (seconds on a busy machine).
const bin = (name: string) => join(root, "node_modules", ".bin", name);
let demo: ChildProcess | null = null;
let server: ChildProcess | null = null;
process.on("exit", () => demo?.kill("SIGTERM"));
if (embedded) {
  console.log(`[start] checking the demo database (once the server is up, ${url} shows sign-in and the build's progress until it is ready)`);
  demo = spawn(
    bin("tsx"),
    ["--conditions=react-server", "scripts/demo.mts", "ensure", ...(demoProfile ? ["--profile", demoProfile] : []), "--lock-held-by", String(process.pid)],
    { cwd: root, stdio: "inherit" },
  );
  demo.on("exit", (code, signal) => {
    demo = null;
    if (code === 0) {
      clearBuildStatus(dbPath);
      console.log(`[start] the demo database is ready${server ? `: ${url}` : ""}`);
      return;
    }
    if (signal === "SIGINT" || signal === "SIGTERM") return;
    // The page says so, without the cause (it is public); the cause is above, in this terminal.
    writeBuildStatus(dbPath, { state: "failed", pid: process.pid, startedAt, updatedAt: new Date().toISOString(), step: "the demo database could not be built", nights: null, date: null });
    console.error(`[start] the demo database could not be built (exit ${code ?? signal}): the console keeps showing that until you stop it (Ctrl-C) and fix the cause above.`);
  });
}

const SOURCE_DIRS = ["app", "components", "lib", "sql", "proxy.ts", "instrumentation.ts", "next.config.js", "package-lock.json"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs);
}

const buildId = join(root, ".next", "BUILD_ID");
const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const sourcesAt = Math.max(...SOURCE_DIRS.map((p) => newestMtime(join(root, p))));
if (builtAt < sourcesAt) {
  console.log(builtAt ? "[start] sources changed since the last build: building…" : "[start] no build yet: building…");
  // Without Next's type check (next.config.js): `npm run typecheck` owns it, and it is half the build.
  const build = spawnSync(bin("next"), ["build"], { cwd: root, stdio: "inherit", env: { ...process.env, COMPLETENESS_START_BUILD: "1" } });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// No NEXTAUTH_URL is made up here: without one, sign-in returns to the origin the browser used
// (localhost, 127.0.0.1, this machine's name or address), each checked against the hosts the
// console answers to. Behind a proxy, set NEXTAUTH_URL to the public URL.
console.log(`[start] serving on port ${port}: ${url}${demo ? " (the demo database's build is shown there until it is ready)" : ""}`);
server = spawn(bin("next"), ["start", "-p", String(port)], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    demo?.kill(signal);
    server?.kill(signal);
  });
}
server.on("exit", (code) => process.exit(code ?? 0));
