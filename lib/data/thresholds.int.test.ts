/**
 * The threshold what-if (sql/completeness/threshold_pass_counts.sql through
 * lib/data/thresholds.ts) on a small hand-built dataset in an in-memory DuckDB. Every expected
 * count is worked out by hand in the comments next to the fixture rows.
 *
 * Covered: completeness NULL (no games expected: passes everywhere, counted apart), values
 * exactly at and just under a threshold (90.0 vs 89.99, 85.0 vs 84.99, 80.0), a re-run of the
 * same key where the latest processed_at wins (both directions: a lower older value and a
 * higher older value), a processor with no rows at all (ml_feature_store), one whose only row
 * is on another date (upcoming_player_game_context), a multi-window processor whose primary
 * window passes while another window does not, the team-game key, the role check and the
 * default date.
 */
import { describe, expect, it } from "vitest";

import { PROCESSORS, type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import type { Actor } from "@/lib/auth/session";
import { outputColumns } from "@/lib/engine/run-processor";
import { thresholdPassCounts } from "@/lib/queries/thresholds";

import { type ProcessorThresholdPass, getThresholdPassCounts } from "./thresholds";
import { seededWarehouseForFile } from "@/test/support/console-warehouse";

const AS_OF = "2025-01-15";
const LATER = "2025-01-16";
const VIEWER: Actor = { name: "viewer", role: "viewer", via: "session" };

interface Out {
  processor: ProcessorName;
  /** The entity column's value (a tricode for the team-game processor). */
  entity: string;
  date?: string;
  pct: number | null;
  /** is_production_ready as stored; default: no games expected, or completeness ≥ 90. */
  ready?: boolean;
  /** Hour of the run on the next day: a later hour is a later processed_at. */
  hour?: string;
  /** Multi-window processors: window id → completeness (the stored figure is the primary one). */
  windows?: Record<string, number | null>;
}

const OUTPUTS: Out[] = [
  // team_defense_zone_analysis on AS_OF — 6 entities, 1 with no games expected, 3 ready (NYK MIA PHX):
  { processor: "team_defense_zone_analysis", entity: "BOS", pct: 100, ready: false }, // passes 80 85 90 95 (skipped by a breaker: not ready)
  { processor: "team_defense_zone_analysis", entity: "LAL", pct: 89.99 }, // passes 80 85, NOT 90 (unrounded; shown as 90.0)
  { processor: "team_defense_zone_analysis", entity: "NYK", pct: 90.0 }, //  passes 80 85 90 exactly, not 95
  { processor: "team_defense_zone_analysis", entity: "MIA", pct: null }, //  no games expected: passes all four
  { processor: "team_defense_zone_analysis", entity: "PHX", pct: 70, hour: "04:00" }, // older row, superseded
  { processor: "team_defense_zone_analysis", entity: "PHX", pct: 96, hour: "09:00" }, // latest: passes 80 85 90 95
  { processor: "team_defense_zone_analysis", entity: "DEN", pct: 100, hour: "04:00" }, // older row, superseded (was ready)
  { processor: "team_defense_zone_analysis", entity: "DEN", pct: 80, hour: "09:00" }, //  latest: passes 80 only (exactly)
  //   → at 80: 6 (all) · 85: 5 (not DEN) · 90: 4 (BOS NYK MIA PHX) · 95: 3 (BOS MIA PHX); configured 90: 4
  { processor: "team_defense_zone_analysis", entity: "BOS", date: "2025-01-14", pct: 10 }, // another date: not read
  { processor: "team_defense_zone_analysis", entity: "BOS", date: LATER, pct: 50 }, //        the latest date with output

  // player_shot_zone_analysis on AS_OF — 4 entities, 1 with no games expected, 2 ready (carl dana):
  { processor: "player_shot_zone_analysis", entity: "aaron", pct: 84.99 }, // passes 80 only
  { processor: "player_shot_zone_analysis", entity: "bella", pct: 85.0 }, //  passes 80 85
  { processor: "player_shot_zone_analysis", entity: "carl", pct: 95.0 }, //   passes all four (95 exactly)
  { processor: "player_shot_zone_analysis", entity: "dana", pct: null }, //   passes all four
  //   → 80: 4 · 85: 3 · 90: 2 · 95: 2

  // player_daily_cache (multi-window; primary l10 is the stored figure) — 2 entities, none ready:
  { processor: "player_daily_cache", entity: "aaron", pct: 100, ready: false, windows: { l5: 60, l10: 100, l7d: 100, l14d: 100 } }, // l5 at 60 does not count here: passes all (not ready)
  { processor: "player_daily_cache", entity: "bella", pct: 79.5, windows: { l5: 100, l10: 79.5, l7d: 100, l14d: 100 } }, // passes none
  //   → 1 at every threshold

  // player_composite_factors — 1 entity, no games expected (ready): 1 at every threshold (100 %)
  { processor: "player_composite_factors", entity: "erin", pct: null },

  // ml_feature_store — NO rows at all: 0 everywhere, pass_pct null

  // upcoming_player_game_context — its only row is on another date: 0 on AS_OF
  { processor: "upcoming_player_game_context", entity: "aaron", date: "2025-01-14", pct: 100 },

  // upcoming_team_game_context (team-game keys LAL_2025-01-15, BOS_2025-01-15) — 2 entities, 1 ready (LAL):
  { processor: "upcoming_team_game_context", entity: "LAL", pct: 92, windows: { l7d: 100, l14d: 92 } }, // passes 80 85 90
  { processor: "upcoming_team_game_context", entity: "BOS", pct: 88, windows: { l7d: 100, l14d: 88 } }, // passes 80 85
  //   → 80: 2 · 85: 2 · 90: 1 · 95: 0
];

/** Expected on AS_OF: [total, ready, no games expected, pass at 80, 85, 90, 95]. */
const EXPECTED: Record<ProcessorName, [number, number, number, number, number, number, number]> = {
  team_defense_zone_analysis: [6, 3, 1, 6, 5, 4, 3],
  player_shot_zone_analysis: [4, 2, 1, 4, 3, 2, 2],
  player_daily_cache: [2, 0, 0, 1, 1, 1, 1],
  player_composite_factors: [1, 1, 1, 1, 1, 1, 1],
  ml_feature_store: [0, 0, 0, 0, 0, 0, 0],
  upcoming_player_game_context: [0, 0, 0, 0, 0, 0, 0],
  upcoming_team_game_context: [2, 1, 0, 2, 2, 1, 0],
};

function tableRow(o: Out): Record<string, unknown> {
  const def = getProcessor(o.processor);
  const date = o.date ?? AS_OF;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  const row: Record<string, unknown> = {
    [def.entityColumn]: o.entity,
    [def.dateColumn]: date,
    processed_at: `${next}T${o.hour ?? "04:00"}:00.000Z`,
    completeness_percentage: o.pct,
    expected_games_count: o.pct === null ? 0 : 10,
    is_production_ready: o.ready ?? (o.pct === null || o.pct >= def.threshold),
    data_quality_issues: [],
    backfill_bootstrap_mode: false,
    processing_decision_reason: o.pct === null ? "processed_no_games_expected" : "processed_successfully",
  };
  if (def.name === "player_composite_factors") row.analysis_date = date;
  if (def.multiWindow) {
    for (const w of def.windows) {
      const value = o.windows?.[w.id] ?? o.pct;
      row[`${w.id}_completeness_pct`] = value;
      row[`${w.id}_is_complete`] = value === null || value >= def.threshold;
    }
    row.all_windows_complete = def.windows.every((w) => row[`${w.id}_is_complete`] === true);
  }
  return row;
}

const { wh } = seededWarehouseForFile(async (wh) => {
  for (const def of PROCESSORS) {
    const rows = OUTPUTS.filter((o) => o.processor === def.name).map(tableRow);
    if (rows.length > 0) await wh.insert(def.table, outputColumns(def), rows);
  }
});

describe("threshold_pass_counts.sql", () => {
  it("answers one row per processor and threshold, every processor even without rows, registry order", async () => {
    const rows = await thresholdPassCounts.run(wh, { date_from: AS_OF, date_to: AS_OF, thresholds: [95, 80, 90, 85, 90] });
    // Duplicated thresholds count once; thresholds ascending within a processor.
    expect(rows.map((r) => [r.processor, r.threshold])).toEqual(PROCESSORS.flatMap((p) => [80, 85, 90, 95].map((t) => [p.name, t])));
    for (const r of rows) {
      const [total, ready, none, ...passes] = EXPECTED[r.processor as ProcessorName];
      const got = { total: r.total_records, ready: r.ready_count, none: r.no_games_expected, pass: r.pass_count };
      expect({ processor: r.processor, threshold: r.threshold, ...got }).toEqual({
        processor: r.processor,
        threshold: r.threshold,
        total,
        ready,
        none,
        pass: passes[[80, 85, 90, 95].indexOf(r.threshold)],
      });
    }
  });

  it("compares the unrounded value: 89.99 is under 90, 90.0 and 89.99 both pass at 89.99", async () => {
    const rows = await thresholdPassCounts.run(wh, { date_from: AS_OF, date_to: AS_OF, thresholds: [89.99, 90, 90.01] });
    const tdza = rows.filter((r) => r.processor === "team_defense_zone_analysis").map((r) => [r.threshold, r.pass_count]);
    // ≥ 89.99: BOS LAL NYK MIA PHX = 5 · ≥ 90: BOS NYK MIA PHX = 4 · ≥ 90.01: BOS MIA PHX = 3
    expect(tdza).toEqual([
      [89.99, 5],
      [90, 4],
      [90.01, 3],
    ]);
  });

  it("filters every output table and reprocess_attempts on its partition column", () => {
    const sql = thresholdPassCounts.sql();
    for (const def of PROCESSORS) {
      expect(sql).toMatch(new RegExp(`FROM ${def.table.replace(".", "\\.")}\\s+WHERE ${def.dateColumn} BETWEEN @date_from AND @date_to`));
    }
    expect(sql).toMatch(/FROM nba_orchestration\.reprocess_attempts\s+WHERE analysis_date BETWEEN @date_from AND @date_to/);
  });
});

describe("getThresholdPassCounts", () => {
  const byName = (list: ProcessorThresholdPass[]) => new Map(list.map((p) => [p.processor, p]));

  it("shapes the counts per processor with percentages and the configured threshold", async () => {
    const result = await getThresholdPassCounts({ as_of: AS_OF }, VIEWER);
    expect(result.as_of).toBe(AS_OF);
    expect(result.thresholds).toEqual([80, 85, 90, 95]);
    expect(result.processors.map((p) => p.processor)).toEqual(PROCESSORS.map((p) => p.name));
    const p = byName(result.processors);

    expect(p.get("team_defense_zone_analysis")).toEqual({
      processor: "team_defense_zone_analysis",
      configured_threshold: 90,
      total_records: 6,
      ready_count: 3,
      no_games_expected: 1,
      at: [
        { threshold: 80, pass: 6, below: 0, pass_pct: 100 },
        { threshold: 85, pass: 5, below: 1, pass_pct: 83.33 }, // 5 / 6
        { threshold: 90, pass: 4, below: 2, pass_pct: 66.67 }, // 4 / 6
        { threshold: 95, pass: 3, below: 3, pass_pct: 50 },
      ],
      configured: { threshold: 90, pass: 4, below: 2, pass_pct: 66.67 },
    });
    expect(p.get("ml_feature_store")).toEqual({
      processor: "ml_feature_store",
      configured_threshold: 90,
      total_records: 0,
      ready_count: 0,
      no_games_expected: 0,
      at: [80, 85, 90, 95].map((threshold) => ({ threshold, pass: 0, below: 0, pass_pct: null })),
      configured: { threshold: 90, pass: 0, below: 0, pass_pct: null },
    });
    expect(p.get("player_shot_zone_analysis")!.at.map((a) => a.pass_pct)).toEqual([100, 75, 50, 50]);
    expect(p.get("player_composite_factors")!.at.map((a) => [a.pass, a.pass_pct])).toEqual([[1, 100], [1, 100], [1, 100], [1, 100]]);
    expect(p.get("upcoming_team_game_context")!.configured).toEqual({ threshold: 90, pass: 1, below: 1, pass_pct: 50 });
    for (const proc of result.processors) {
      expect([proc.total_records, proc.ready_count, proc.no_games_expected, ...proc.at.map((a) => a.pass)]).toEqual(EXPECTED[proc.processor]);
    }
  });

  it("defaults to the latest date with output (LATER: TDZA's one row at 50 % passes nowhere)", async () => {
    const result = await getThresholdPassCounts({}, VIEWER);
    expect(result.as_of).toBe(LATER);
    const tdza = byName(result.processors).get("team_defense_zone_analysis")!;
    expect([tdza.total_records, ...tdza.at.map((a) => a.pass)]).toEqual([1, 0, 0, 0, 0]);
    expect(result.processors.filter((p) => p.total_records > 0).map((p) => p.processor)).toEqual(["team_defense_zone_analysis"]);
  });

  it("refuses a bad date naming as_of, and anyone without a session", async () => {
    await expect(getThresholdPassCounts({ as_of: "2025-02-30" }, VIEWER)).rejects.toMatchObject({ name: "MonitoringParamError", field: "as_of" });
    await expect(getThresholdPassCounts({ as_of: AS_OF }, null)).rejects.toMatchObject({ name: "AuthError", status: 401 });
  });
});
