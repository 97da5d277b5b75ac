import "server-only";

import { writeFileSync } from "node:fs";

import { type IsoDate, addDays, daysBetween } from "@/lib/completeness/dates";
import { type DemoMark, metadataPath, readDemoMark } from "@/lib/warehouse/demo-mark";

import type { DemoPlan, DemoProfile } from "./plan";

/**
 * The layout of the demo database. Bumped whenever a database built by an earlier version would
 * no longer match what the console expects (2: output tables carry created_at, the feature
 * store has updated_at and no processed_at, and the `original` profile exists); `ensure`
 * rebuilds a database of another format. Absent in files built before it existed: format 1.
 */
export const DEMO_FORMAT = 2;

/**
 * The demo database's metadata: the demo mark beside the DuckDB file (lib/warehouse/demo-mark.ts
 * owns its place and its read), with everything the demo tooling records in it.
 */
export interface DemoMetadata extends DemoMark {
  plan: DemoPlan;
  buildSeconds: number;
  summary: Record<string, unknown>;
}

/** The metadata beside `dbPath` (as the demo tooling wrote it), or null. */
export function readDemoMetadata(dbPath: string): DemoMetadata | null {
  return readDemoMark(dbPath) as DemoMetadata | null;
}

/**
 * Indented JSON, with each breaker key (`{ processor, entity_id, analysis_date }`, thousands of
 * them in a ground truth) on one line: the file stays readable and small enough to read on
 * every request.
 */
export function writeDemoMetadata(dbPath: string, metadata: DemoMetadata): void {
  const text = JSON.stringify(metadata, null, 2).replace(
    /\{\n\s+("processor": "[^"\n]*"),\n\s+("entity_id": "[^"\n]*"),\n\s+("analysis_date": "[^"\n]*")\n\s+\}/g,
    "{ $1, $2, $3 }",
  );
  writeFileSync(/* turbopackIgnore: true */ metadataPath(dbPath), `${text}\n`);
}

/** A demo database whose last simulated day is older than this is rebuilt by `ensure`. */
export const STALE_AFTER_DAYS = 3;

/**
 * Why `ensure` must (re)build the demo database, or null to keep it. A file without metadata
 * (`meta` null while the file exists) was not built by the demo tooling and is never touched.
 */
export function rebuildReason(input: {
  mode: "ensure" | "rebuild";
  exists: boolean;
  meta: DemoMetadata | null;
  /** The profile asked for (`--profile`, DEMO_PROFILE), or null: whatever the file holds. */
  profile: DemoProfile | null;
  today: IsoDate;
  dbPath: string;
}): string | null {
  if (input.mode === "rebuild") return "rebuild requested";
  if (!input.exists) return `no database at ${input.dbPath}`;
  const meta = input.meta;
  if (!meta) return null;
  const built = meta.plan.profile ?? "console";
  if (input.profile && built !== input.profile) return `it holds the ${built} profile and ${input.profile} was asked for`;
  if ((meta.format ?? 1) !== DEMO_FORMAT) return `it was built in format ${meta.format ?? 1}, this version builds format ${DEMO_FORMAT}`;
  const age = daysBetween(meta.plan.simulateThrough, addDays(input.today, -1));
  return age > STALE_AFTER_DAYS ? `its last simulated day (${meta.plan.simulateThrough}) is ${age} days old` : null;
}
