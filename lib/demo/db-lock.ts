import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
    takeOverStale(file);
  }
  throw new Error(`Could not take the lock ${file}`);
}

/**
 * Move a stale lock out of the way, atomically: two processes that both found it stale must not
 * both end up holding the lock (the second deleting the first one's fresh lock). The lock file
 * is renamed to a name of our own — only one rename of a file succeeds — and if what we moved is
 * a live lock after all (another process took over between our check and our rename), it is put
 * back and the caller's next try finds it held.
 */
export function takeOverStale(file: string): void {
  const moved = `${file}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(file, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // another process moved it first
    throw error;
  }
  let pid: number | null = null;
  try {
    pid = Number(JSON.parse(readFileSync(moved, "utf8")).pid);
  } catch {
    pid = null; // unreadable: stale
  }
  if (pid !== null && Number.isInteger(pid) && pid > 0 && alive(pid)) {
    renameSync(moved, file); // a live lock: not ours to remove
    return;
  }
  rmSync(moved, { force: true });
}

/** A copy of the database (and its WAL) beside it before it is replaced; returns its path. */
export function keepCopy(dbPath: string, stamp = new Date().toISOString().replace(/[:.]/g, "-")): string {
  const copy = `${dbPath}.before-rebuild-${stamp}`;
  copyFileSync(dbPath, copy);
  if (existsSync(`${dbPath}.wal`)) copyFileSync(`${dbPath}.wal`, `${copy}.wal`);
  return copy;
}
