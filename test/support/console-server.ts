/**
 * The built console (`next build` output) started as a real server on a database of its own, for
 * the tests and benchmarks that must go through HTTP exactly as users and the CLI do.
 *
 *   const db = await prepareDatabase(async (wh) => { ...insert rows... });
 *   const consoleServer = await startConsole({ dbPath: db.path, env: { API_TOKENS: "..." } });
 *   ...fetch(`${consoleServer.url}/api/health`)...
 *   await consoleServer.stop(); db.remove();
 *
 * `npm test` builds the app before the integration tests; run `npm run build` first when
 * running one of these alone. The database file belongs to the server while it runs (DuckDB
 * lets one process hold it): read it back after `stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";

/** Tests, the CLI tests and the benchmark all run from the repository root. */
const ROOT = process.cwd();
/** A fixed secret for test servers only: sessions minted by test/support/session.ts match it. */
export const TEST_AUTH_SECRET = "test-secret-test-secret-test-secret-0123456789";

export interface TempDatabase {
  path: string;
  dir: string;
  remove(): void;
}

/** A new embedded database file with the schema, filled by `seed`, closed and ready to serve. */
export async function prepareDatabase(seed?: (wh: Warehouse) => Promise<void>): Promise<TempDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), "completeness-console-"));
  const file = path.join(dir, "console.duckdb");
  const wh = createDuckDbWarehouse({ path: file, onOpen: applyEmbeddedSchema });
  try {
    await wh.query("SELECT 1 AS ok");
    if (seed) await seed(wh);
  } finally {
    await wh.close();
  }
  return { path: file, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens `dbPath` (the server must be stopped) for reading back what the server wrote. */
export async function withDatabase<T>(dbPath: string, read: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = createDuckDbWarehouse({ path: dbPath, onOpen: applyEmbeddedSchema });
  try {
    return await read(wh);
  } finally {
    await wh.close();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningConsole {
  url: string;
  port: number;
  /** Everything the server printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  dbPath: string;
  /** Extra environment (API_TOKENS, CACHE_TTL_SECONDS, …); WAREHOUSE is always embedded. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** `healthy` (default): until /api/health answers below 500; `listening`: until it answers at all. */
  waitFor?: "healthy" | "listening";
  /** The address to listen on (default 127.0.0.1); `0.0.0.0` to be reached from another address. */
  listen?: string;
}

/** The build to serve: `.next`, or NEXT_DIST_DIR when a second build directory is in use. */
const DIST_DIR = process.env.NEXT_DIST_DIR || ".next";

export function assertBuilt(): void {
  if (!existsSync(path.join(ROOT, DIST_DIR, "BUILD_ID"))) {
    throw new Error(`The console is not built in ${DIST_DIR}: run \`npm run build\` first (npm test does it before the integration tests)`);
  }
}

export async function startConsole(options: StartOptions): Promise<RunningConsole> {
  assertBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(path.join(ROOT, "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", options.listen ?? "127.0.0.1"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      WAREHOUSE: "embedded",
      EMBEDDED_DB_PATH: options.dbPath,
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: TEST_AUTH_SECRET,
      NEXT_DIST_DIR: DIST_DIR,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: false,
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The console exited during start-up (code ${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status < 500 || options.waitFor === "listening") return { url, port, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await stop();
  throw new Error(`The console did not answer /api/health within the timeout:\n${output}`);
}
