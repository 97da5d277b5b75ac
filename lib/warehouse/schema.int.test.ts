/**
 * The embedded schema, built from sql/schema/ on a real in-memory DuckDB.
 *
 * The expected tables and columns are written out here from the original pipeline's tables and
 * the console's additions, not derived from the DDL files, so a column dropped or renamed in a file fails this test. Only the 14 standard
 * columns come from the registry (lib/completeness/processors.ts), the single place the
 * rest of the code reads them from.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { STANDARD_COMPLETENESS_COLUMNS } from "@/lib/completeness/processors";

import { SCALAR_TYPES } from "./ddl";
import { applyEmbeddedSchema } from "./schema";

type Col = [name: string, bigQueryType: string];

/** How each BigQuery type used by the schema must appear in DuckDB's information_schema. */
const DUCK_TYPE: Record<string, string> = {
  ...SCALAR_TYPES,
  TIMESTAMP: "TIMESTAMP WITH TIME ZONE", // TIMESTAMPTZ as DuckDB names it: an instant on both backends
  "NUMERIC(5,1)": "DECIMAL(5,1)",
  "ARRAY<STRING>": "VARCHAR[]",
};

// The original's 12 columns, in order, then the console's nullable additions.
const REPROCESS_ATTEMPTS: Col[] = [
  ["processor_name", "STRING"],
  ["entity_id", "STRING"],
  ["analysis_date", "DATE"],
  ["attempt_number", "INT64"],
  ["attempted_at", "TIMESTAMP"],
  ["completeness_pct", "FLOAT64"],
  ["skip_reason", "STRING"],
  ["circuit_breaker_tripped", "BOOLEAN"],
  ["circuit_breaker_until", "TIMESTAMP"],
  ["manual_override_applied", "BOOLEAN"],
  ["notes", "STRING"],
  ["created_at", "TIMESTAMP"],
  ["event_type", "STRING"],
  ["actor", "STRING"],
  ["actor_role", "STRING"],
  ["reason_code", "STRING"],
  ["request_id", "STRING"],
  ["override_expires_at", "TIMESTAMP"],
  ["rows_removed", "INT64"],
  ["batch_id", "STRING"],
];
const REPROCESS_NOT_NULL = [
  "processor_name",
  "entity_id",
  "analysis_date",
  "attempt_number",
  "attempted_at",
  "circuit_breaker_tripped",
];

const AUDIT_LOG: Col[] = [
  ["audit_id", "STRING"],
  ["action", "STRING"],
  ["actor", "STRING"],
  ["actor_role", "STRING"],
  ["request_id", "STRING"],
  ["reason_code", "STRING"],
  ["reason", "STRING"],
  ["key_count", "INT64"],
  ["keys_json", "STRING"],
  ["created_at", "TIMESTAMP"],
  ["request_fingerprint", "STRING"],
  ["removed_rows_json", "STRING"],
  ["restores_audit_id", "STRING"],
];

const API_TOKENS: Col[] = [
  ["token_name", "STRING"],
  ["role", "STRING"],
  ["token_sha256", "STRING"],
  ["created_by", "STRING"],
  ["created_at", "TIMESTAMP"],
  ["revoked_by", "STRING"],
  ["revoked_at", "TIMESTAMP"],
  ["processor", "STRING"],
];

const COMPLETENESS_CHECKS: Col[] = [
  ["run_id", "STRING"],
  ["processor", "STRING"],
  ["analysis_date", "DATE"],
  ["entity_id", "STRING"],
  ["checked_at", "TIMESTAMP"],
  ["actor", "STRING"],
  ["request_fingerprint", "STRING"],
  ["action", "STRING"],
  ["skip_reason", "STRING"],
  ["completeness_pct", "FLOAT64"],
  ["counts_as_failure", "BOOL"],
  ["result_json", "STRING"],
];

const CHECK_OUTCOMES: Col[] = [
  ["run_id", "STRING"],
  ["processor", "STRING"],
  ["analysis_date", "DATE"],
  ["entity_id", "STRING"],
  ["outcome", "STRING"],
  ["reason", "STRING"],
  ["reported_at", "TIMESTAMP"],
  ["actor", "STRING"],
  ["event_type", "STRING"],
  ["attempt_number", "INT64"],
  ["circuit_breaker_until", "TIMESTAMP"],
];

const REVOKED_SESSIONS: Col[] = [
  ["session_id", "STRING"],
  ["user_name", "STRING"],
  ["revoked_at", "TIMESTAMP"],
  ["expires_at", "TIMESTAMP"],
];

const CONSOLE_WRITE_LOCK: Col[] = [
  ["lock_name", "STRING"],
  ["taken_at", "TIMESTAMP"],
  ["taken_by", "STRING"],
];

const STANDARD: Col[] = STANDARD_COMPLETENESS_COLUMNS.map((c) => [c.name, c.type]);

// player_daily_cache's window columns, exact names.
const PDC_WINDOWS: Col[] = [
  ["l5_completeness_pct", "FLOAT64"],
  ["l5_is_complete", "BOOL"],
  ["l10_completeness_pct", "FLOAT64"],
  ["l10_is_complete", "BOOL"],
  ["l7d_completeness_pct", "FLOAT64"],
  ["l7d_is_complete", "BOOL"],
  ["l14d_completeness_pct", "FLOAT64"],
  ["l14d_is_complete", "BOOL"],
  ["all_windows_complete", "BOOL"],
];
const UPGC_WINDOWS: Col[] = [...PDC_WINDOWS.slice(0, 8), ["l30d_completeness_pct", "FLOAT64"], ["l30d_is_complete", "BOOL"], ["all_windows_complete", "BOOL"]];
const UTGC_WINDOWS: Col[] = [
  ["l7d_completeness_pct", "FLOAT64"],
  ["l7d_is_complete", "BOOL"],
  ["l14d_completeness_pct", "FLOAT64"],
  ["l14d_is_complete", "BOOL"],
  ["all_windows_complete", "BOOL"],
];

/** When the row was written: processed_at and created_at; the feature store has only created_at/updated_at (as the original table). */
const WRITTEN_AT: Col[] = [["processed_at", "TIMESTAMP"], ["created_at", "TIMESTAMP"]];
const output = (ids: Col[], windows: Col[] = [], writtenAt: Col[] = WRITTEN_AT): Col[] => [...ids, ...writtenAt, ...STANDARD, ...windows];

// Each output table: its key columns, when a row was written, the standard columns, its windows.
const EXPECTED: Record<string, Col[]> = {
  "nba_precompute.team_defense_zone_analysis": output([
    ["team_abbr", "STRING"],
    ["analysis_date", "DATE"],
  ]),
  "nba_precompute.player_shot_zone_analysis": output([
    ["player_lookup", "STRING"],
    ["universal_player_id", "STRING"],
    ["analysis_date", "DATE"],
  ]),
  "nba_precompute.player_daily_cache": output(
    [
      ["player_lookup", "STRING"],
      ["universal_player_id", "STRING"],
      ["cache_date", "DATE"],
    ],
    PDC_WINDOWS,
  ),
  "nba_precompute.player_composite_factors": output([
    ["player_lookup", "STRING"],
    ["universal_player_id", "STRING"],
    ["game_date", "DATE"],
    ["game_id", "STRING"],
    ["analysis_date", "DATE"],
  ]),
  "nba_predictions.ml_feature_store_v2": output([
    ["player_lookup", "STRING"],
    ["universal_player_id", "STRING"],
    ["game_date", "DATE"],
    ["game_id", "STRING"],
    ["feature_version", "STRING"],
  ], [], [["created_at", "TIMESTAMP"], ["updated_at", "TIMESTAMP"]]),
  "nba_analytics.upcoming_player_game_context": output(
    [
      ["player_lookup", "STRING"],
      ["universal_player_id", "STRING"],
      ["game_id", "STRING"],
      ["game_date", "DATE"],
      ["team_abbr", "STRING"],
      ["opponent_team_abbr", "STRING"],
    ],
    UPGC_WINDOWS,
  ),
  "nba_analytics.upcoming_team_game_context": output(
    [
      ["team_abbr", "STRING"],
      ["game_id", "STRING"],
      ["game_date", "DATE"],
      ["season_year", "INT64"],
      ["opponent_team_abbr", "STRING"],
      ["home_game", "BOOL"],
    ],
    UTGC_WINDOWS,
  ),
  "nba_raw.nbac_schedule": [
    ["game_id", "STRING"],
    ["game_date", "DATE"],
    ["season_year", "INT64"],
    ["game_status", "INT64"],
    ["home_team_tricode", "STRING"],
    ["away_team_tricode", "STRING"],
  ],
  "nba_analytics.player_game_summary": [
    ["game_id", "STRING"],
    ["game_date", "DATE"],
    ["season_year", "INT64"],
    ["player_lookup", "STRING"],
    ["universal_player_id", "STRING"],
    ["team_abbr", "STRING"],
    ["opponent_team_abbr", "STRING"],
    ["minutes_played", "NUMERIC(5,1)"],
    ["processed_at", "TIMESTAMP"],
  ],
  "nba_analytics.team_defense_game_summary": [
    ["game_id", "STRING"],
    ["game_date", "DATE"],
    ["season_year", "INT64"],
    ["defending_team_abbr", "STRING"],
    ["opponent_team_abbr", "STRING"],
    ["processed_at", "TIMESTAMP"],
  ],
  "nba_raw.bdl_player_boxscores": [
    ["game_id", "STRING"],
    ["game_date", "DATE"],
    ["season_year", "INT64"],
    ["player_lookup", "STRING"],
    ["team_abbr", "STRING"],
    ["minutes", "STRING"],
    ["processed_at", "TIMESTAMP"],
  ],
  "nba_orchestration.reprocess_attempts": REPROCESS_ATTEMPTS,
  "nba_orchestration.api_tokens": API_TOKENS,
  "nba_orchestration.completeness_checks": COMPLETENESS_CHECKS,
  "nba_orchestration.check_outcomes": CHECK_OUTCOMES,
  "nba_orchestration.console_write_lock": CONSOLE_WRITE_LOCK,
  "nba_orchestration.revoked_sessions": REVOKED_SESSIONS,
  "nba_orchestration.breaker_audit_log": AUDIT_LOG,
};

interface ColumnRow {
  table: string;
  column_name: string;
  data_type: string;
  is_nullable: string;
  column_default: string | null;
}

let instance: DuckDBInstance;
let connection: DuckDBConnection;
const run = (sql: string) => connection.run(sql);
const rows = async <T>(sql: string) => (await connection.runAndReadAll(sql)).getRowObjects() as unknown as T[];

async function columns(): Promise<ColumnRow[]> {
  const reader = await connection.runAndReadAll(`
    SELECT table_schema || '.' || table_name AS "table", column_name, data_type, is_nullable, column_default
    FROM information_schema.columns
    WHERE table_schema NOT IN ('information_schema', 'pg_catalog', 'main')
    ORDER BY table_schema, table_name, ordinal_position`);
  return reader.getRowObjectsJson() as unknown as ColumnRow[];
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
  // Like the adapter: TIMESTAMPTZ values are read and written as UTC instants.
  await run("SET TimeZone = 'UTC'");
  await applyEmbeddedSchema(run);
  // Twice: every statement is IF NOT EXISTS, so a second open of an existing file is a no-op.
  await applyEmbeddedSchema(run);
});

afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
});

describe("embedded schema from sql/schema", () => {
  it("creates exactly the expected tables", async () => {
    const tables = [...new Set((await columns()).map((c) => c.table))].sort();
    expect(tables).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))("%s has every column, in order, with the DuckDB type of its BigQuery type", async (table) => {
    const actual = (await columns()).filter((c) => c.table === table).map((c) => [c.column_name, c.data_type]);
    const expected = EXPECTED[table]!.map(([name, type]) => [name, DUCK_TYPE[type] ?? `unmapped ${type}`]);
    expect(actual).toEqual(expected);
  });

  it("keeps reprocess_attempts' NOT NULL columns and the created_at default; the additions are nullable", async () => {
    const cols = (await columns()).filter((c) => c.table === "nba_orchestration.reprocess_attempts");
    expect(cols.filter((c) => c.is_nullable === "NO").map((c) => c.column_name)).toEqual(REPROCESS_NOT_NULL);
    expect(cols.find((c) => c.column_name === "created_at")?.column_default).toBe("current_timestamp");
  });

  it("requires every audit column except reason_code, request_fingerprint (NULL on older rows) and the reset/restore columns", async () => {
    const cols = (await columns()).filter((c) => c.table === "nba_orchestration.breaker_audit_log");
    expect(cols.filter((c) => c.is_nullable === "YES").map((c) => c.column_name)).toEqual(["reason_code", "request_fingerprint", "removed_rows_json", "restores_audit_id"]);
  });

  it("fills created_at when an insert leaves it out", async () => {
    await run(`INSERT INTO nba_orchestration.reprocess_attempts
      (processor_name, entity_id, analysis_date, attempt_number, attempted_at, circuit_breaker_tripped)
      VALUES ('player_daily_cache', 'lebronjames', DATE '2025-01-20', 1, TIMESTAMPTZ '2025-01-20 08:00:00Z', FALSE)`);
    const [row] = await rows<{ fresh: boolean }>(
      `SELECT created_at IS NOT NULL AND created_at > TIMESTAMPTZ '2020-01-01 00:00:00Z' AS fresh
       FROM nba_orchestration.reprocess_attempts WHERE entity_id = 'lebronjames'`,
    );
    expect(row?.fresh).toBe(true);
  });

  it("keeps existing rows when the schema is applied again", async () => {
    await run(`INSERT INTO nba_raw.nbac_schedule VALUES ('0022400123', DATE '2024-12-15', 2024, 3, 'LAL', 'BOS')`);
    await applyEmbeddedSchema(run);
    const [row] = await rows<{ n: bigint }>(`SELECT count(*) AS n FROM nba_raw.nbac_schedule`);
    expect(row?.n).toBe(1n);
  });

  it("round-trips every column type: DATE, TIMESTAMPTZ, BIGINT, DOUBLE, DECIMAL(5,1), BOOLEAN, VARCHAR[], VARCHAR, NULL", async () => {
    await run(`INSERT INTO nba_analytics.player_game_summary VALUES
      ('20250120_BKN_MIL', DATE '2025-01-20', 2024, 'lebronjames', 'lebronjames_001', 'LAL', 'BOS', 34.5,
       TIMESTAMPTZ '2025-01-19 22:04:05.123456-05'),
      ('20240229_LAL_BOS', DATE '2024-02-29', 9007199254740993, 'josealvarado', NULL, NULL, NULL, NULL, NULL)`);
    const pgs = await rows<Record<string, unknown>>(`
      SELECT game_date, CAST(game_date AS VARCHAR) AS game_date_text, season_year, universal_player_id,
             minutes_played, CAST(minutes_played AS VARCHAR) AS minutes_text, processed_at
      FROM nba_analytics.player_game_summary ORDER BY game_id DESC`);
    expect(pgs.map((r) => String(r.game_date_text))).toEqual(["2025-01-20", "2024-02-29"]);
    // DATE is a day count, no time zone involved: days since 1970-01-01, computed independently.
    expect((pgs[0]!.game_date as { days: number }).days).toBe(Date.UTC(2025, 0, 20) / 86_400_000);
    // BIGINT keeps integers beyond 2^53 exactly (as bigint).
    expect(pgs.map((r) => r.season_year)).toEqual([2024n, 9007199254740993n]);
    expect(pgs.map((r) => r.minutes_text)).toEqual(["34.5", null]);
    expect(pgs[0]!.minutes_played).toMatchObject({ width: 5, scale: 1, value: 345n });
    // The same instant whatever offset it was written with: 2025-01-20T03:04:05.123456Z.
    const micros = BigInt(Date.UTC(2025, 0, 20, 3, 4, 5, 123)) * 1000n + 456n;
    expect((pgs[0]!.processed_at as { micros: bigint }).micros).toBe(micros);
    expect(pgs[1]).toMatchObject({ universal_player_id: null, minutes_played: null, processed_at: null });

    // DECIMAL(5,1) holds at most 9999.9, as in BigQuery NUMERIC(5,1).
    await expect(
      run(`INSERT INTO nba_analytics.player_game_summary (game_id, game_date, player_lookup, minutes_played)
           VALUES ('x', DATE '2025-01-01', 'x', 10000.0)`),
    ).rejects.toThrow();

    await run(`INSERT INTO nba_precompute.player_daily_cache
      (player_lookup, universal_player_id, cache_date, completeness_percentage, is_production_ready,
       data_quality_issues, circuit_breaker_until, processing_decision_reason, l5_completeness_pct, all_windows_complete)
      VALUES
      ('lebronjames', 'lebronjames_001', DATE '2025-01-20', 87.5, FALSE,
       ['missing_game_2024-11-05', 'a,b', ''], TIMESTAMPTZ '2025-01-27 08:00:00Z', 'incomplete_upstream_data', 0.1, TRUE),
      ('josealvarado', NULL, DATE '2025-01-20', NULL, NULL, [], NULL, NULL, NULL, NULL)`);
    const pdc = await rows<Record<string, unknown>>(`
      SELECT completeness_percentage, is_production_ready, data_quality_issues, circuit_breaker_until,
             processing_decision_reason, l5_completeness_pct, all_windows_complete, expected_games_count
      FROM nba_precompute.player_daily_cache ORDER BY player_lookup DESC`);
    expect(pdc[0]).toMatchObject({
      completeness_percentage: 87.5,
      is_production_ready: false,
      processing_decision_reason: "incomplete_upstream_data",
      l5_completeness_pct: 0.1,
      all_windows_complete: true,
      expected_games_count: null,
    });
    expect((pdc[0]!.data_quality_issues as { items: unknown[] }).items).toEqual(["missing_game_2024-11-05", "a,b", ""]);
    expect((pdc[0]!.circuit_breaker_until as { micros: bigint }).micros).toBe(BigInt(Date.UTC(2025, 0, 27, 8)) * 1000n);
    expect((pdc[1]!.data_quality_issues as { items: unknown[] }).items).toEqual([]);
    expect(pdc[1]).toMatchObject({
      completeness_percentage: null,
      is_production_ready: null,
      circuit_breaker_until: null,
      processing_decision_reason: null,
      all_windows_complete: null,
    });
  });

  it("enforces NOT NULL where BigQuery does", async () => {
    await expect(
      run(`INSERT INTO nba_orchestration.breaker_audit_log (audit_id, action, actor, actor_role, request_id, reason, key_count, created_at)
           VALUES ('a', 'override', 'ops@example.com', 'operator', 'r', 'why', 1, TIMESTAMPTZ '2025-01-20 00:00:00Z')`),
    ).rejects.toThrow(/keys_json/);
  });
});
