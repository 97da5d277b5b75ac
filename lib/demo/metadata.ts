import "server-only";

import { existsSync, readFileSync, writeFileSync } from "node:fs";

import type { DemoPlan } from "./plan";

/**
 * The demo database's metadata lives in a JSON file beside the DuckDB file (not in a table:
 * it is not part of the pipeline's schema, and BigQuery deployments never have it). Its
 * presence is what marks a database as demo data: a database without it — one built from real
 * tables — is never rebuilt or touched by the demo tooling.
 */
export interface DemoMetadata {
  plan: DemoPlan;
  builtAt: string;
  buildSeconds: number;
  summary: Record<string, unknown>;
}

export function metadataPath(dbPath: string): string {
  return `${dbPath}.demo.json`;
}

export function readDemoMetadata(dbPath: string): DemoMetadata | null {
  const path = metadataPath(dbPath);
  if (!existsSync(/* turbopackIgnore: true */ path)) return null;
  return JSON.parse(readFileSync(/* turbopackIgnore: true */ path, "utf8")) as DemoMetadata;
}

export function writeDemoMetadata(dbPath: string, metadata: DemoMetadata): void {
  writeFileSync(/* turbopackIgnore: true */ metadataPath(dbPath), `${JSON.stringify(metadata, null, 2)}\n`);
}
