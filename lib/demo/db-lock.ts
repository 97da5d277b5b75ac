import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Safety of the embedded database file against the demo builder, which replaces it by renaming a
 * freshly built file over it:
 *
 * - An exclusive lock: `<db>.lock` holds the owner's pid. `npm start` takes it for as long as the
 *   console runs, and the builder takes it (or runs under the `npm start` that holds it). A lock
 *   whose pid is no longer alive is stale and taken over; a live one refuses, naming the pid.
 * - Console writes (counted by lib/demo/console-writes.ts): a file holding rows the console wrote (overrides, resets, tokens — audit
 *   records, api_tokens rows, or reprocess_attempts rows with an actor that is not one of the
 *   demo's own operators) is never replaced without `--force`, and then a copy is kept first.
 */
export class DatabaseLockedError extends Error {
  constructor(
    readonly dbPath: string,
    readonly pid: number,
  ) {
    super(`${dbPath} is in use by another process (pid ${pid}): stop that console first (or wait for it), then try again.`);
    this.name = "DatabaseLockedError";
  }
}

export function lockPath(dbPath: string): string {
  return `${dbPath}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/** The pid holding the lock, if a live process does. */
export function lockHolder(dbPath: string): number | null {
  try {
    const pid = Number(JSON.parse(readFileSync(lockPath(dbPath), "utf8")).pid);
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export interface DatabaseLock {
  release(): void;
}

/**
 * Take the lock for `pid` (this process by default). `allowHolder`: a pid whose lock counts as
 * ours (the `npm start` that runs this builder). Throws DatabaseLockedError while another live
 * process holds it.
 */
export function acquireDatabaseLock(dbPath: string, options: { pid?: number; allowHolder?: number } = {}): DatabaseLock {
  const pid = options.pid ?? process.pid;
  const file = lockPath(dbPath);
  // On a fresh clone the directory does not exist yet: the lock comes before the database.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(file, `${JSON.stringify({ pid, at: new Date().toISOString() })}\n`, { flag: "wx", mode: 0o600 });
      return { release: () => (lockHolder(dbPath) === pid || !existsSync(file) ? rmSync(file, { force: true }) : undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = lockHolder(dbPath);
    if (holder !== null && (holder === options.allowHolder || holder === pid)) return { release: () => {} };
    if (holder !== null) throw new DatabaseLockedError(dbPath, holder);
    rmSync(file, { force: true }); // stale: its owner is gone
  }
  throw new Error(`Could not take the lock ${file}`);
}

/** A copy of the database (and its WAL) beside it before it is replaced; returns its path. */
export function keepCopy(dbPath: string, stamp = new Date().toISOString().replace(/[:.]/g, "-")): string {
  const copy = `${dbPath}.before-rebuild-${stamp}`;
  copyFileSync(dbPath, copy);
  if (existsSync(`${dbPath}.wal`)) copyFileSync(`${dbPath}.wal`, `${copy}.wal`);
  return copy;
}
