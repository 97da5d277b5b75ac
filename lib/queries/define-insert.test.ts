/**
 * The console's writes are typed by the DDL: every insert definition's columns are declared in
 * sql/schema, with the type the DDL gives them (NUMERIC(p,s) → NUMERIC, ARRAY<T> → [T]), and a
 * column the DDL does not declare is refused when the statement is built.
 */
import { describe, expect, it } from "vitest";

import { PROCESSORS } from "@/lib/completeness/processors";
import { outputColumns } from "@/lib/engine/run-processor";
import { appendAttempts, appendAudit, appendOperatorAttempts, restoreAttempts } from "@/lib/queries/breakers";
import { appendChecks, appendOutcomes } from "@/lib/queries/checks";
import { columnTypes, defineInsert } from "@/lib/queries/define-insert";
import { appendBdlBoxscores, appendPlayerGameSummary, appendSchedule, appendTeamDefenseGameSummary } from "@/lib/queries/upstream";

const INSERTS = {
  appendAttempts,
  appendOperatorAttempts,
  restoreAttempts,
  appendAudit,
  appendChecks,
  appendOutcomes,
  appendSchedule,
  appendPlayerGameSummary,
  appendTeamDefenseGameSummary,
  appendBdlBoxscores,
};

describe("insert definitions", () => {
  it.each(Object.entries(INSERTS))("%s types every column it writes from the DDL", (_name, insert) => {
    const statement = insert.statement([]);
    expect(statement.insert).toBe(insert.table);
    expect(Object.keys(statement.columns)).toEqual(insert.columns);
  });

  it("reads the DDL's types as the warehouse takes them", () => {
    expect(columnTypes("nba_orchestration.reprocess_attempts", ["completeness_pct", "circuit_breaker_tripped", "attempted_at", "analysis_date", "rows_removed"])).toEqual({
      completeness_pct: "FLOAT64",
      circuit_breaker_tripped: "BOOL",
      attempted_at: "TIMESTAMP",
      analysis_date: "DATE",
      rows_removed: "INT64",
    });
    expect(columnTypes("nba_analytics.player_game_summary", ["minutes_played"])).toEqual({ minutes_played: "NUMERIC" });
    for (const def of PROCESSORS) expect(outputColumns(def).data_quality_issues).toEqual(["STRING"]);
  });

  it("writes appended attempt rows without created_at (the table's default), operator rows with actor_role, restored rows whole", () => {
    expect(appendAttempts.columns).not.toContain("created_at");
    expect(appendAttempts.columns).not.toContain("actor_role");
    expect(appendOperatorAttempts.columns).toContain("actor_role");
    expect(restoreAttempts.columns).toEqual(expect.arrayContaining(["created_at", "actor_role", "override_expires_at"]));
  });

  it("refuses a column or table the DDL does not declare", () => {
    expect(() => defineInsert<{ nope: string }>({ table: "nba_raw.nbac_schedule", columns: ["nope"] }).statement([])).toThrow(/not declared/);
    expect(() => columnTypes("nba_raw.nope", ["a"])).toThrow(/not declared/);
  });
});
