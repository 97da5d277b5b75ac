import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

/**
 * The demo database's build, as the builder reports it: a small JSON file beside the DuckDB file
 * (`<db>.build.json`) that `npm start` and the builder (scripts/demo.mts) rewrite after every
 * night, and remove once the finished database has been renamed into place. While it says the
 * build is not over, the server serves a progress page instead of the console, answers its API
 * with 503, and never opens the database file (DuckDB would create an empty file where the build
 * is about to rename its own, or keep the replaced one open). The proxy reads it on every request,
 * so it holds only what anyone may see: counts, times and a step in words — no path, no error text.
 *
 * A status whose owner (the `npm start` process, or a builder run by hand) is no longer alive is
 * no status: a build killed with its parent never leaves a console stuck on the progress page.
 */
export type BuildState = "preparing" | "building" | "failed";

export interface BuildStatus {
  state: BuildState;
  /** The process that owns the build; the status stands only while it runs. */
  pid: number;
  /** When the build (or `npm start`'s check of the database) began, ISO 8601 UTC. */
  startedAt: string;
  /** When this status was written. */
  updatedAt: string;
  /** What the builder is doing, in words (a step, never an error's text or a path). */
  step: string;
  /** Nights simulated of the season's total (null before the simulation starts). */
  nights: { done: number; total: number } | null;
  /** The simulated date of the last night done. */
  date: string | null;
}

export function buildStatusPath(dbPath: string): string {
  return `${dbPath}.build.json`;
}

/** Written to a temporary file and renamed over the last one: a reader never sees half a status. */
export function writeBuildStatus(dbPath: string, status: BuildStatus): void {
  const path = buildStatusPath(dbPath);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(/* turbopackIgnore: true */ tmp, JSON.stringify(status), { mode: 0o600 });
  renameSync(/* turbopackIgnore: true */ tmp, /* turbopackIgnore: true */ path);
}

export function clearBuildStatus(dbPath: string): void {
  rmSync(/* turbopackIgnore: true */ buildStatusPath(dbPath), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const STATES: readonly string[] = ["preparing", "building", "failed"];

function isStatus(value: unknown): value is BuildStatus {
  const s = value as Partial<BuildStatus> | null;
  return (
    typeof s === "object" &&
    s !== null &&
    STATES.includes(s.state as string) &&
    Number.isInteger(s.pid) &&
    typeof s.startedAt === "string" &&
    typeof s.step === "string" &&
    (s.nights === null || (typeof s.nights === "object" && Number.isInteger(s.nights?.done) && Number.isInteger(s.nights?.total)))
  );
}

/**
 * The build in progress (or failed) for the database at `dbPath`, or null: no status file (no
 * build, or it finished), one that is not a status, or one whose owner has exited.
 */
export function readBuildStatus(dbPath: string): BuildStatus | null {
  const path = buildStatusPath(dbPath);
  if (!existsSync(/* turbopackIgnore: true */ path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(/* turbopackIgnore: true */ path, "utf8"));
  } catch {
    return null; // removed between the check and the read, or not JSON
  }
  return isStatus(parsed) && alive(parsed.pid) ? parsed : null;
}

/** True while the database at `dbPath` must not be opened: a build is preparing, running or failed. */
export function databaseBuilding(dbPath: string): boolean {
  return readBuildStatus(dbPath) !== null;
}

/** What the progress page, /api/health and the terminal show of a build. */
export interface BuildProgressView {
  state: BuildState;
  step: string;
  nightsDone: number | null;
  nightsTotal: number | null;
  /** Whole percent of nights done (as the terminal prints it), null before the first night. */
  percent: number | null;
  date: string | null;
  elapsedSeconds: number;
}

export function buildProgressView(status: BuildStatus, now: number = Date.now()): BuildProgressView {
  const nights = status.nights;
  const started = Date.parse(status.startedAt);
  return {
    state: status.state,
    step: status.step,
    nightsDone: nights?.done ?? null,
    nightsTotal: nights?.total ?? null,
    percent: nights && nights.total > 0 ? Math.floor((nights.done / nights.total) * 100) : null,
    date: status.date,
    elapsedSeconds: Number.isNaN(started) ? 0 : Math.max(0, Math.round((now - started) / 1000)),
  };
}
