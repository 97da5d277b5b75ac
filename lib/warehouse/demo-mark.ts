import "server-only";

import { existsSync, readFileSync, statSync } from "node:fs";

import type { SeasonCalendar } from "@/lib/completeness/calendar";
import type { IsoDate } from "@/lib/completeness/dates";

/**
 * The demo mark of an embedded database: a JSON file beside the DuckDB file (not a table: it is
 * not part of the pipeline's schema, and BigQuery deployments never have it). Its presence is
 * what marks a database as demo data: a database without it — one built from real tables — is
 * never rebuilt or touched by the demo tooling. The demo tooling (lib/demo/metadata.ts) writes
 * it; the read layer reads from it the calendar, the profile and the last simulated day.
 */
export interface DemoMark {
  format?: number;
  plan: {
    /** Which world the database is shaped like (absent in databases built before profiles: console). */
    profile?: "console" | "original";
    /** Last simulated day. */
    simulateThrough: IsoDate;
    /** The calendar the engine and the console use for this database. */
    calendar: SeasonCalendar;
  };
  builtAt: string;
  /**
   * The last simulated pipeline pass after the build (`npm run demo:advance`, `POST
   * /api/v1/demo/advance`): the database then holds rows up to this moment. Absent: none yet.
   */
  advancedAt?: string;
}

export function metadataPath(dbPath: string): string {
  return `${dbPath}.demo.json`;
}

/**
 * The mark beside `dbPath`, or null. Pages read it on every request (the season calendar,
 * the deployment's readers) and the original profile's ground truth makes it a few hundred KB:
 * it is parsed once per version of the file (its modification time and size), so a rebuild
 * while the server runs is still seen at once.
 */
export function readDemoMark(dbPath: string): DemoMark | null {
  const path = metadataPath(dbPath);
  if (!existsSync(/* turbopackIgnore: true */ path)) return null;
  const { mtimeMs, size } = statSync(/* turbopackIgnore: true */ path);
  const cached = parsed.get(path);
  if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.mark;
  const mark = JSON.parse(readFileSync(/* turbopackIgnore: true */ path, "utf8")) as DemoMark;
  parsed.set(path, { mtimeMs, size, mark });
  return mark;
}

const parsed = new Map<string, { mtimeMs: number; size: number; mark: DemoMark }>();
