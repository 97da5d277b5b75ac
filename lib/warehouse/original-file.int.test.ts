/**
 * An embedded file shaped exactly like the original pipeline's tables (sql/original/), opened
 * by the console: the console's start-up schema changes must leave a file that opens again
 * after any stop, and the health check must name what the console needs and the file lacks.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { createDuckDbWarehouse } from "./duckdb";
import { declaredColumns, loadSchemaFiles, missingSchema, applyEmbeddedSchema } from "./schema";
import { CONSOLE_TABLES } from "./schema-bigquery";

const dir = mkdtempSync(path.join(tmpdir(), "original-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORIGINAL = "sql/original";

async function originalFile(name: string): Promise<string> {
  const file = path.join(dir, name);
  const wh = createDuckDbWarehouse({ path: file, onOpen: (run) => applyEmbeddedSchema(run, ORIGINAL) });
  // One row as a Python processor writes it: the 12 columns, created_at by its default.
  await wh.execute(
    `INSERT INTO nba_orchestration.reprocess_attempts
       (processor_name, entity_id, analysis_date, attempt_number, attempted_at, completeness_pct, skip_reason, circuit_breaker_tripped, circuit_breaker_until, manual_override_applied, notes)
     VALUES ('ml_feature_store_v2', 'lebronjames', DATE '2026-01-05', 3, TIMESTAMPTZ '2026-01-06 04:20:01.123456+00', 70.0, 'incomplete_upstream_data', TRUE, TIMESTAMPTZ '2026-01-13 04:20:01.120001+00', FALSE, 'Attempt 3: 70.0% complete')`,
  );
  await wh.execute("CHECKPOINT");
  await wh.close();
  return file;
}

function openInProcess(file: string, ...flags: string[]): { attempts: number } {
  const out = execFileSync(path.join("node_modules", ".bin", "tsx"), ["--conditions=react-server", "test/support/open-database.mts", file, ...flags], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as { attempts: number };
}

describe("an original-shaped embedded file", () => {
  it("opens again after the console altered it on open and then stopped without closing", async () => {
    const file = await originalFile("unclean.duckdb");
    expect(openInProcess(file, "--console", "--exit")).toEqual({ attempts: 1 });
    expect(existsSync(`${file}.wal`)).toBe(false);
    expect(openInProcess(file)).toEqual({ attempts: 1 });
    expect(openInProcess(file, "--console")).toEqual({ attempts: 1 });
  }, 60_000);

  it("lacks only what the console adds itself, and nothing once the console opened it", async () => {
    const file = await originalFile("schema.duckdb");
    const bare = createDuckDbWarehouse({ path: file });
    const before = await missingSchema(bare);
    await bare.close();
    // The pipeline's tables hold every column the console reads; what is missing is the
    // console's own: its tables and its columns on reprocess_attempts.
    expect(before.tables.sort()).toEqual([...CONSOLE_TABLES].sort());
    expect(before.columns.every((c) => c.startsWith("nba_orchestration.reprocess_attempts."))).toBe(true);
    expect(before.columns).toContain("nba_orchestration.reprocess_attempts.event_type");

    const opened = createDuckDbWarehouse({ path: file, onOpen: applyEmbeddedSchema });
    expect(await missingSchema(opened)).toEqual({ tables: [], columns: [] });
    await opened.execute("ALTER TABLE nba_raw.nbac_schedule DROP COLUMN away_team_tricode");
    await opened.execute("DROP TABLE nba_analytics.team_defense_game_summary");
    expect(await missingSchema(opened)).toEqual({
      tables: ["nba_analytics.team_defense_game_summary"],
      columns: ["nba_raw.nbac_schedule.away_team_tricode"],
    });
    await opened.close();
  }, 60_000);

  it("declares, for every pipeline table, only columns the original table has", () => {
    const console = declaredColumns(loadSchemaFiles());
    const original = declaredColumns(loadSchemaFiles(ORIGINAL));
    const missing = [...original.keys()].flatMap((table) => (console.get(table) ?? []).filter((c) => !original.get(table)!.includes(c)).map((c) => `${table}.${c}`));
    // reprocess_attempts is the one shared table: the console adds its own nullable columns to it.
    expect(missing.filter((c) => !c.startsWith("nba_orchestration.reprocess_attempts."))).toEqual([]);
    expect([...original.keys()].sort()).toEqual([...console.keys()].filter((t) => original.has(t)).sort());
  });
});
