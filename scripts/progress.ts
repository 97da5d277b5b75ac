/**
 * The demo build's progress in the terminal: nights done of the total, the time since the build
 * started and an estimate of what is left. On a terminal one line is redrawn in place after
 * every night; in a log (CI, `npm start | tee`, a non-TTY parent) a line is printed every 10% and
 * at least every 15 seconds, so a slow machine never looks stuck. Pure apart from `write`.
 */
import { type BuildStatus, writeBuildStatus } from "../lib/warehouse/build-status";

export interface NightProgress {
  day: number;
  days: number;
  date: string;
}

/** `42 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

export function progressLine(p: NightProgress, elapsedMs: number): string {
  const pct = Math.floor((p.day / p.days) * 100);
  // The nights cost about the same each, so the rate so far predicts the rest.
  const left = p.day > 0 && p.day < p.days ? `, about ${formatDuration((elapsedMs / p.day) * (p.days - p.day))} left` : "";
  return `[demo] night ${p.day}/${p.days} (${p.date}) ${pct}% · ${formatDuration(elapsedMs)} elapsed${left}`;
}

export interface ProgressReporter {
  (p: NightProgress): void;
  /** Ends a redrawn line (a no-op in a log). */
  done(): void;
}

/** A log line at least this often, whatever the percentage did. */
export const LOG_EVERY_MS = 15_000;

export function createProgressReporter(options: { tty: boolean; write: (text: string) => void; startedAt: number; clock?: () => number }): ProgressReporter {
  const clock = options.clock ?? (() => performance.now());
  let lastDecile = -1;
  let lastLogAt = options.startedAt;
  let open = false;
  const report = (p: NightProgress) => {
    const now = clock();
    const line = progressLine(p, now - options.startedAt);
    if (options.tty) {
      options.write(`\r${line}\x1b[K`);
      open = true;
      return;
    }
    const decile = Math.floor((p.day / p.days) * 10);
    if (decile > lastDecile || now - lastLogAt >= LOG_EVERY_MS || p.day === p.days) {
      lastDecile = decile;
      lastLogAt = now;
      options.write(`${line}\n`);
    }
  };
  return Object.assign(report, {
    done() {
      if (open) options.write("\n");
      open = false;
    },
  });
}

/**
 * The same progress in the build's status file (lib/warehouse/build-status.ts), which the
 * console's progress page and /api/health read while `npm start` builds: `step` before the
 * first night, then every night's count; after the last night the build writes the database.
 */
export function createStatusReporter(options: { dbPath: string; owner: number; startedAt: string; clock?: () => Date }) {
  const clock = options.clock ?? (() => new Date());
  const write = (step: string, nights: BuildStatus["nights"], date: string | null) =>
    writeBuildStatus(options.dbPath, { state: "building", pid: options.owner, startedAt: options.startedAt, updatedAt: clock().toISOString(), step, nights, date });
  return {
    step(step: string): void {
      write(step, null, null);
    },
    night(p: NightProgress): void {
      write(p.day >= p.days ? "writing the database" : "simulating the pipeline night by night", { done: p.day, total: p.days }, p.date);
    },
  };
}
