/**
 * `npm start`: validate configuration, build when the build is missing or older than the
 * sources, then serve. One command from a fresh clone to a running console.
 *
 *   npm start              # port 3000
 *   PORT=4000 npm start    # or: npm start -- 4000 (the argument wins)
 */
import { spawnSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import nextEnv from "@next/env";

import { DatabaseLockedError, acquireDatabaseLock } from "../lib/demo/db-lock";
import { ConfigError, getEnv } from "../lib/env";

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
  const build = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// One console per embedded database: this process holds its lock while the server runs
// (lib/demo/db-lock.ts), so a second `npm start` or a rebuild cannot replace the file under it.
const embedded = getEnv().WAREHOUSE === "embedded";
if (embedded) {
  try {
    const lock = acquireDatabaseLock(getEnv().EMBEDDED_DB_PATH);
    process.on("exit", () => lock.release());
  } catch (error) {
    if (!(error instanceof DatabaseLockedError)) throw error;
    console.error(`[start] ${error.message}`);
    process.exit(1);
  }
}

// The embedded database: created with the simulated season on first start, rebuilt when stale or
// when DEMO_PROFILE asks for the other profile (`console`: the console's own tables; `original`:
// the original pipeline's tables, as its Python processors write them).
const demo = spawnSync(
  "npx",
  ["tsx", "--conditions=react-server", "scripts/demo.mts", "ensure", ...(demoProfile ? ["--profile", demoProfile] : []), "--lock-held-by", String(process.pid)],
  { cwd: root, stdio: "inherit" },
);
if (demo.status !== 0) process.exit(demo.status ?? 1);

// No NEXTAUTH_URL is made up here: without one, sign-in returns to the origin the browser used
// (localhost, 127.0.0.1, this machine's name or address), each checked against the hosts the
// console answers to. Behind a proxy, set NEXTAUTH_URL to the public URL.
console.log(`[start] serving on port ${port}: http://localhost:${port}`);
const server = spawn("npx", ["next", "start", "-p", String(port)], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
