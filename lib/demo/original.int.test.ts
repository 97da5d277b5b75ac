/**
 * The `original` demo profile, held to the original pipeline's shapes and habits with SQL of its
 * own (never the console's queries): exactly the columns of `sql/original`, the id formats, the
 * processor names, the Python processors' attempt rows, the helper scripts' overrides and reset,
 * nothing after build time, and a ground truth that agrees with the tables.
 *
 * Built once for today's full plan at 01:00 UTC (before that night's 04:00 runs), and once for
 * a short plan in the middle of a nightly run.
 */
import { readFileSync, readdirSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getProcessor } from "@/lib/completeness/processors";
import { type GroundTruthKey, ORIGINAL_SCHEMA_DIR, type OriginalBuildSummary, buildOriginalDemoDatabase, recordGroundTruth } from "@/lib/demo/original";
import { type DemoPlan, planDemoSeason, shortDemoPlan } from "@/lib/demo/plan";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";

const BUILT_AT = "2026-12-07T01:00:00.000Z";
const plan: DemoPlan = { ...planDemoSeason(BUILT_AT.slice(0, 10)), profile: "original" };
const wh = createDuckDbWarehouse({ path: ":memory:", onOpen: (run) => applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR) });
let summary: OriginalBuildSummary;

const SHORT_AT = "2026-12-07T04:20:00.000Z";
const shortPlan = shortDemoPlan(SHORT_AT);
const shortWh = createDuckDbWarehouse({ path: ":memory:", onOpen: (run) => applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR) });
let shortSummary: OriginalBuildSummary;
let shortSeconds = 0;

beforeAll(async () => {
  summary = await buildOriginalDemoDatabase(wh, plan, { now: BUILT_AT });
  const started = performance.now();
  shortSummary = await buildOriginalDemoDatabase(shortWh, shortPlan, { now: SHORT_AT });
  shortSeconds = (performance.now() - started) / 1000;
}, 240_000);
afterAll(async () => {
  await wh.close();
  await shortWh.close();
});

const q = <T = Record<string, unknown>>(w: Warehouse, sql: string) => w.query(sql) as Promise<T[]>;
const one = async <T = Record<string, unknown>>(w: Warehouse, sql: string) => (await q<T>(w, sql))[0]!;

/** Column names of each `sql/original` table, read from the DDL text itself. */
function originalColumns(): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const file of readdirSync("sql/original").filter((f) => f.endsWith(".sql"))) {
    const text = readFileSync(`sql/original/${file}`, "utf8");
    const body = /CREATE TABLE IF NOT EXISTS (\S+) \(\n([\s\S]*?)\n\)/.exec(text)!;
    tables.set(body[1]!, body[2]!.split("\n").map((line) => line.trim().split(/\s+/)[0]!));
  }
  return tables;
}

describe("the original profile's tables", () => {
  it("have exactly the columns of sql/original, in order, and no other table", async () => {
    const expected = originalColumns();
    expect(expected.size).toBe(12);
    const rows = await q<{ t: string; c: string }>(
      wh,
      "SELECT table_schema || '.' || table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema LIKE 'nba_%' ORDER BY table_schema, table_name, ordinal_position",
    );
    const actual = new Map<string, string[]>();
    for (const r of rows) actual.set(r.t, [...(actual.get(r.t) ?? []), r.c]);
    expect(new Map([...actual].sort())).toEqual(new Map([...expected].sort()));
    for (const cols of actual.values()) for (const console of ["event_type", "actor", "batch_id", "reason_code"]) expect(cols).not.toContain(console);
  });

  it("use NBA.com ids in the schedule and YYYYMMDD_AWAY_HOME in the box scores and player outputs", async () => {
    const schedule = await one<{ bad: number; n: number }>(wh, `SELECT COUNTIF(NOT regexp_full_match(game_id, '002${String(plan.seasonYear % 100).padStart(2, "0")}[0-9]{5}')) AS bad, COUNT(*) AS n FROM nba_raw.nbac_schedule WHERE game_date >= DATE '2000-01-01'`);
    expect(schedule.n).toBeGreaterThan(1230);
    expect(schedule.bad).toBe(0);
    for (const [table, teams] of [
      ["nba_analytics.player_game_summary", "CASE WHEN starter_flag IS NOT NULL THEN team_abbr END"],
      ["nba_analytics.team_defense_game_summary", "defending_team_abbr"],
      ["nba_raw.bdl_player_boxscores", "team_abbr"],
      ["nba_analytics.upcoming_player_game_context", "team_abbr"],
      ["nba_precompute.player_composite_factors", "player_lookup"],
      ["nba_predictions.ml_feature_store_v2", "player_lookup"],
    ] as const) {
      const r = await one<{ bad: number; n: number; wrong_date: number }>(
        wh,
        `SELECT COUNTIF(NOT regexp_full_match(game_id, '[0-9]{8}_[A-Z]{3}_[A-Z]{3}')) AS bad, COUNT(*) AS n,
                COUNTIF(substr(game_id, 1, 8) <> strftime(game_date, '%Y%m%d')) AS wrong_date
         FROM ${table} WHERE game_date >= DATE '2000-01-01' AND ${teams} IS NOT NULL`,
      );
      expect(r.n, table).toBeGreaterThan(0);
      expect(r.bad, table).toBe(0);
      expect(r.wrong_date, table).toBe(0);
    }
    // Box-score teams are the game id's teams.
    const bdl = await one<{ bad: number }>(wh, "SELECT COUNTIF(game_id <> strftime(game_date, '%Y%m%d') || '_' || away_team_abbr || '_' || home_team_abbr OR team_abbr NOT IN (home_team_abbr, away_team_abbr)) AS bad FROM nba_raw.bdl_player_boxscores WHERE game_date >= DATE '2000-01-01'");
    expect(bdl.bad).toBe(0);
    const utgc = await one<{ bad: number; n: number }>(wh, "SELECT COUNTIF(NOT regexp_full_match(game_id, '002[0-9]{7}')) AS bad, COUNT(*) AS n FROM nba_analytics.upcoming_team_game_context WHERE game_date >= DATE '2000-01-01'");
    expect(utgc.n).toBeGreaterThan(0);
    expect(utgc.bad).toBe(0);
  });

  it("hold the schedule as its processor appended it: integer statuses, stale scheduled rows beside finals, PPD rows", async () => {
    const r = await one<{ statuses: number[]; stale: number; ppd: number; untexted: number }>(
      wh,
      `SELECT list_sort(list_distinct(list(game_status))) AS statuses,
              (SELECT COUNT(*) FROM (SELECT game_id FROM nba_raw.nbac_schedule WHERE game_date >= DATE '2000-01-01' GROUP BY game_id HAVING COUNTIF(game_status = 1) > 0 AND COUNTIF(game_status = 3) > 0)) AS stale,
              COUNTIF(game_status_text = 'PPD') AS ppd,
              COUNTIF(season IS NULL OR season_nba_format IS NULL OR game_code IS NULL OR home_team_id IS NULL OR source_file_path IS NULL) AS untexted
       FROM nba_raw.nbac_schedule WHERE game_date >= DATE '2000-01-01'`,
    );
    expect(r.statuses).toEqual([1, 3]);
    expect(r.stale).toBeGreaterThan(100);
    expect(r.untexted).toBe(0);
    const postponedSoFar = (await q<{ d: string }>(wh, "SELECT 1 AS d FROM nba_raw.nbac_schedule WHERE game_date >= DATE '2000-01-01' AND game_status_text = 'PPD'")).length;
    expect(r.ppd).toBe(postponedSoFar);
  });

  it("record attempts under the Python processors' table names; the team context never records one", async () => {
    const names = (await q<{ p: string }>(wh, "SELECT DISTINCT processor_name AS p FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01' ORDER BY 1")).map((r) => r.p);
    const allowed = ["team_defense_zone_analysis", "player_shot_zone_analysis", "player_daily_cache", "player_composite_factors", "ml_feature_store_v2", "nba_analytics.upcoming_player_game_context"];
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(allowed).toContain(n);
    expect(names).toContain("ml_feature_store_v2");
    expect(names).toContain("nba_analytics.upcoming_player_game_context");
    expect(names).not.toContain("upcoming_team_game_context");
    expect(names).not.toContain("ml_feature_store");
  });

  it("never write a success row, and write every attempt the way _increment_reprocess_count does", async () => {
    const r = await one<{ n: number; no_reason: number; wrong_trip: number; no_until: number; bad_notes: number; bad_created: number; reasons: string[] }>(
      wh,
      `SELECT COUNT(*) AS n,
              COUNTIF(skip_reason IS NULL) AS no_reason,
              COUNTIF(skip_reason <> 'RESET' AND circuit_breaker_tripped <> (attempt_number >= 3)) AS wrong_trip,
              COUNTIF(circuit_breaker_tripped <> (circuit_breaker_until IS NOT NULL)) AS no_until,
              COUNTIF(NOT manual_override_applied AND notes <> 'Attempt ' || attempt_number || ': ' || printf('%.1f', completeness_pct) || '% complete') AS bad_notes,
              COUNTIF(created_at <> attempted_at) AS bad_created,
              list_sort(list_distinct(list(skip_reason))) AS reasons
       FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01'`,
    );
    expect(r.n).toBeGreaterThan(1000);
    expect(r).toMatchObject({ no_reason: 0, wrong_trip: 0, no_until: 0, bad_notes: 0, bad_created: 0 });
    expect(r.reasons).toEqual(
      expect.arrayContaining(["incomplete_upstream_data_multi_window", "incomplete_multi_window_data", "incomplete_upstream_dependencies", "RESET"]),
    );
    for (const reason of r.reasons) {
      expect(["incomplete_upstream_data", "incomplete_upstream_data_multi_window", "incomplete_multi_window_data", "incomplete_upstream_dependencies", "RESET"]).toContain(reason);
    }
    // The attempt number goes up by one per key (the latest + 1), from 1.
    const gaps = await one<{ n: number }>(
      wh,
      `SELECT COUNT(*) AS n FROM (
         SELECT attempt_number - LAG(attempt_number) OVER (PARTITION BY processor_name, entity_id, analysis_date ORDER BY attempted_at) AS step, attempt_number, skip_reason,
                ROW_NUMBER() OVER (PARTITION BY processor_name, entity_id, analysis_date ORDER BY attempted_at) AS k
         FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01')
       WHERE skip_reason <> 'RESET' AND ((k = 1 AND attempt_number <> 1) OR (k > 1 AND step <> 1))`,
    );
    expect(gaps.n).toBe(0);
  });

  it("trip for 7 days from a moment just before the attempt, and keep microseconds", async () => {
    const r = await one<{ trips: number; late: number; early: number; micro: number; out_micro: number }>(
      wh,
      `SELECT COUNTIF(circuit_breaker_tripped) AS trips,
              COUNTIF(circuit_breaker_until >= attempted_at + INTERVAL 7 DAY) AS late,
              COUNTIF(circuit_breaker_until < attempted_at + INTERVAL 7 DAY - INTERVAL 1 SECOND) AS early,
              COUNTIF(epoch_us(attempted_at) % 1000 <> 0) AS micro,
              (SELECT COUNTIF(epoch_us(processed_at) % 1000 <> 0) FROM nba_precompute.player_daily_cache WHERE cache_date >= DATE '2000-01-01') AS out_micro
       FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01'`,
    );
    expect(r.trips).toBeGreaterThan(100);
    // Retried when the cooldown ended and still incomplete: attempt 4 re-trips at once.
    const retrips = await one<{ n: number; untripped: number }>(
      wh,
      "SELECT COUNTIF(attempt_number >= 4) AS n, COUNTIF(attempt_number >= 4 AND NOT circuit_breaker_tripped) AS untripped FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01'",
    );
    expect(retrips.n).toBeGreaterThan(0);
    expect(retrips.untripped).toBe(0);
    expect(r.late).toBe(0);
    expect(r.early).toBe(0);
    expect(r.micro).toBeGreaterThan(r.trips);
    expect(r.out_micro).toBeGreaterThan(1000);
  });

  it("write completeness as the original computed it: above 100% (≈200% for teams), in outputs and attempts", async () => {
    const tdza = await one<{ avg: number; n: number }>(
      wh,
      `SELECT AVG(completeness_percentage) AS avg, COUNT(*) AS n FROM nba_precompute.team_defense_zone_analysis WHERE analysis_date >= DATE '${plan.seasonStart}' + INTERVAL 40 DAY`,
    );
    expect(tdza.n).toBeGreaterThan(100);
    expect(tdza.avg).toBeGreaterThan(170);
    expect(tdza.avg).toBeLessThan(230);
    const over = await one<{ n: number }>(wh, "SELECT COUNT(*) AS n FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01' AND completeness_pct > 100");
    expect(over.n).toBeGreaterThan(0);
    const psza = await one<{ n: number }>(wh, "SELECT COUNT(*) AS n FROM nba_precompute.player_shot_zone_analysis WHERE analysis_date >= DATE '2000-01-01' AND completeness_percentage > 100");
    expect(psza.n).toBeGreaterThan(1000);
  });

  it("write processed entities only, with the standard columns and every NOT NULL payload column", async () => {
    for (const name of ["team_defense_zone_analysis", "player_shot_zone_analysis", "player_daily_cache", "upcoming_player_game_context", "upcoming_team_game_context", "player_composite_factors", "ml_feature_store"] as const) {
      const def = getProcessor(name);
      const r = await one<{ n: number; reasons: string[]; boot: number; active: number }>(
        wh,
        `SELECT COUNT(*) AS n, list_distinct(list(processing_decision_reason)) AS reasons,
                COUNTIF(backfill_bootstrap_mode) AS boot, COUNTIF(circuit_breaker_active) AS active
         FROM ${def.table} WHERE ${def.dateColumn} >= DATE '2000-01-01'`,
      );
      expect(r.n, name).toBeGreaterThan(0);
      expect(r.reasons, name).toEqual(["processed_successfully"]);
      expect(r.boot, name).toBeGreaterThan(0);
      expect(r.active, name).toBe(0);
      if (name === "upcoming_team_game_context") continue;
      // No entity was written before its last skip: a skipped key has no row, or a row from a later, successful retry.
      const written = def.writtenAt[0];
      const skippedThenWritten = await one<{ n: number }>(
        wh,
        `WITH last_skip AS (
           SELECT entity_id, analysis_date, MAX(attempted_at) AS at FROM nba_orchestration.reprocess_attempts
           WHERE analysis_date >= DATE '2000-01-01' AND processor_name = '${def.pipelineName}' AND skip_reason <> 'RESET'
           GROUP BY entity_id, analysis_date)
         SELECT COUNT(*) AS n FROM ${def.table} o JOIN last_skip s ON o.${def.entityColumn} = s.entity_id AND o.${def.dateColumn} = s.analysis_date
         WHERE o.${def.dateColumn} >= DATE '2000-01-01' AND o.${written} <= s.at`,
      );
      expect(skippedThenWritten.n, name).toBe(0);
    }
    const mlfs = await one<{ bad: number }>(
      wh,
      "SELECT COUNTIF(feature_count IS NULL OR feature_version IS NULL OR data_source IS NULL OR game_id IS NULL OR created_at IS NULL OR updated_at IS NULL) AS bad FROM nba_predictions.ml_feature_store_v2 WHERE game_date >= DATE '2000-01-01'",
    );
    expect(mlfs.bad).toBe(0);
  });

  it("holds flag-only overrides that changed nothing the processors read, and one RESET", async () => {
    const single = await q<{ processor_name: string; entity_id: string; analysis_date: string; until: string; at: string }>(
      wh,
      `SELECT processor_name, entity_id, analysis_date, MAX(circuit_breaker_until) AS until,
              MIN(strptime(regexp_extract(notes, 'on ([0-9-]+ [0-9:]+) UTC', 1), '%Y-%m-%d %H:%M:%S')::TIMESTAMPTZ) AS at
       FROM nba_orchestration.reprocess_attempts
       WHERE analysis_date >= DATE '2000-01-01' AND manual_override_applied AND notes LIKE 'Manual override applied by jordan.oncall on % UTC. Reason: %'
       GROUP BY ALL`,
    );
    expect(single.length).toBeGreaterThan(0);
    const bulk = await one<{ n: number; untripped: number }>(
      wh,
      "SELECT COUNT(*) AS n, COUNTIF(NOT circuit_breaker_tripped) AS untripped FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01' AND notes LIKE 'Bulk override applied by maria.ops on % UTC. Reason: %'",
    );
    expect(bulk.n).toBeGreaterThan(10);
    expect(bulk.untripped).toBe(0);
    // The override changed no breaker: every overridden key was skipped silently until its cooldown ended.
    for (const k of single) {
      const during = await one<{ n: number }>(
        wh,
        `SELECT COUNT(*) AS n FROM nba_orchestration.reprocess_attempts WHERE analysis_date = DATE '${k.analysis_date}' AND processor_name = '${k.processor_name}' AND entity_id = '${k.entity_id}' AND attempted_at > TIMESTAMPTZ '${k.at}' AND attempted_at < TIMESTAMPTZ '${k.until}'`,
      );
      expect(during.n).toBe(0);
    }
    const resets = await q<{ processor_name: string; entity_id: string; analysis_date: string; attempted_at: string; notes: string; before: number }>(
      wh,
      `SELECT r.processor_name, r.entity_id, r.analysis_date, r.attempted_at, r.notes,
              (SELECT COUNT(*) FROM nba_orchestration.reprocess_attempts o WHERE o.analysis_date = r.analysis_date AND o.processor_name = r.processor_name AND o.entity_id = r.entity_id AND o.attempted_at < r.attempted_at) AS before
       FROM nba_orchestration.reprocess_attempts r
       WHERE r.analysis_date >= DATE '2000-01-01' AND r.skip_reason = 'RESET'`,
    );
    expect(resets).toHaveLength(1);
    expect(resets[0]!.notes).toMatch(/^RESET: All previous attempts deleted by dana\.admin on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\. Reason: .+\. Previous attempts: [1-9]\d*$/);
    expect(resets[0]!.before).toBe(0);
    const resetRow = await one<{ attempt_number: number; completeness_pct: number; circuit_breaker_tripped: boolean; manual_override_applied: boolean }>(
      wh,
      `SELECT attempt_number, completeness_pct, circuit_breaker_tripped, manual_override_applied FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01' AND skip_reason = 'RESET'`,
    );
    expect(resetRow).toEqual({ attempt_number: 0, completeness_pct: 0, circuit_breaker_tripped: false, manual_override_applied: true });
    expect(summary.operatorActions.map((a) => a.split(" ")[0])).toEqual(expect.arrayContaining(["bulk", "override", "reset"]));
  });
});

/** Every TIMESTAMP column of every table that records an event (deadlines and tip-off times are not events). */
async function latestEvent(w: Warehouse): Promise<{ column: string; max: string | null }[]> {
  const columns = await q<{ s: string; t: string; c: string }>(
    w,
    "SELECT table_schema AS s, table_name AS t, column_name AS c FROM information_schema.columns WHERE data_type LIKE 'TIMESTAMP%' AND table_schema LIKE 'nba_%'",
  );
  const out: { column: string; max: string | null }[] = [];
  for (const { s, t, c } of columns) {
    if (/until|expires|game_date_est/.test(c)) continue;
    const r = await one<{ max: string | null }>(w, `SELECT strftime(MAX(${c}), '%Y-%m-%dT%H:%M:%S.%fZ') AS max FROM ${s}.${t}`);
    out.push({ column: `${s}.${t}.${c}`, max: r.max });
  }
  return out;
}

describe("one notion of now", () => {
  it("a database built at 01:00 UTC holds no event after 01:00 (that night's 04:00 runs have not happened)", async () => {
    const events = await latestEvent(wh);
    expect(events.length).toBeGreaterThan(20);
    for (const e of events) if (e.max !== null) expect(`${e.column} ${e.max}`).toBe(`${e.column} ${e.max <= "2026-12-07T01:00:00.000000Z" ? e.max : "after build time"}`);
    const lastNight = await one<{ n: number }>(wh, `SELECT COUNT(*) AS n FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01' AND attempted_at >= TIMESTAMPTZ '${plan.simulateThrough} 00:00:00+00' + INTERVAL 1 DAY`);
    expect(lastNight.n).toBe(0);
    expect(summary.builtAt).toBe(BUILT_AT);
  });

  it("a database built during a nightly run holds only the runs that were over", async () => {
    const events = await latestEvent(shortWh);
    for (const e of events) if (e.max !== null) expect(e.max <= "2026-12-07T04:20:00.000000Z", `${e.column} ${e.max}`).toBe(true);
    // The runs starting at 04:00 (team defense) and 04:04 (shot zones) were over; the ones at 04:24 had not started.
    const tonight = await q<{ p: string }>(
      shortWh,
      `SELECT DISTINCT processor_name AS p FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01' AND attempted_at >= TIMESTAMPTZ '2026-12-07 04:00:00+00'`,
    );
    expect(tonight.map((r) => r.p)).not.toContain("ml_feature_store_v2");
    const outputs = await one<{ n: number }>(shortWh, `SELECT COUNT(*) AS n FROM nba_precompute.player_shot_zone_analysis WHERE analysis_date = DATE '${shortPlan.simulateThrough}'`);
    expect(outputs.n).toBeGreaterThan(0);
    const mlfs = await one<{ n: number }>(shortWh, `SELECT COUNT(*) AS n FROM nba_predictions.ml_feature_store_v2 WHERE game_date = DATE '${shortPlan.simulateThrough}'`);
    expect(mlfs.n).toBe(0);
  });

  it("builds a short plan in seconds", () => {
    expect(shortSummary.nights).toBe(61);
    console.log(`[original demo] short plan (${shortPlan.seasonStart}..${shortPlan.simulateThrough}) built in ${shortSeconds.toFixed(1)} s`);
    expect(shortSeconds).toBeLessThan(60);
  });
});

describe("the ground truth", () => {
  const activeSql = (at: string) => `
    SELECT processor_name, entity_id, analysis_date FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY processor_name, entity_id, analysis_date ORDER BY attempt_number DESC) AS k
      FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01')
    WHERE k = 1 AND circuit_breaker_tripped AND circuit_breaker_until > TIMESTAMPTZ '${at}'`;

  it("lists exactly the breakers the Python read finds active at build time", async () => {
    const active = (await q<{ processor_name: string; entity_id: string; analysis_date: string }>(wh, activeSql(BUILT_AT)))
      .map((r) => `${r.processor_name}/${r.entity_id}/${r.analysis_date}`)
      .sort();
    const truth = summary.groundTruth;
    const listed = [...truth.recovered, ...truth.stillMissing, ...truth.nothingMissing].map((k) => `${k.processor_name}/${k.entity_id}/${k.analysis_date}`).sort();
    expect(listed).toEqual(active);
    expect(summary.activeBreakers).toBe(active.length);
  });

  it("gives on-call both kinds of work, for the feature store and the player context too", () => {
    const { recovered, stillMissing } = summary.groundTruth;
    for (const list of [recovered, stillMissing]) {
      expect(list.some((k) => k.processor === "ml_feature_store")).toBe(true);
      expect(list.some((k) => k.processor === "upcoming_player_game_context")).toBe(true);
      expect(list.some((k) => k.processor === "player_daily_cache")).toBe(true);
    }
    const recorded = recordGroundTruth(summary.groundTruth);
    expect(recorded.recovered).toHaveLength(recovered.length);
    expect(Object.keys(recorded.stillMissing[0]!)).toEqual(["processor", "entity_id", "analysis_date"]);
  });

  /** The key's own upstream: player_game_summary, or the raw box score for the player context. */
  const ownRow = (k: GroundTruthKey, d: string) =>
    k.processor === "upcoming_player_game_context"
      ? `SELECT 1 FROM nba_raw.bdl_player_boxscores WHERE game_date = DATE '${d}' AND team_abbr = '${k.team}' AND player_lookup = '${k.entity_id}'`
      : `SELECT 1 FROM nba_analytics.player_game_summary WHERE game_date = DATE '${d}' AND team_abbr = '${k.team}' AND player_lookup = '${k.entity_id}'`;

  it("agrees with the tables, joined by team and game date: a recovered key's late games are there now and arrived after its trip", async () => {
    const sample = sampleKeys(summary.groundTruth.recovered);
    for (const k of sample) {
      expect(k.missing).toEqual([]);
      expect(k.arrivedAfterTrip.length).toBeGreaterThan(0);
      for (const g of k.arrivedAfterTrip) {
        const r = await one<{ team_box: number; own: number; dnp: number; landed: string; trip: string }>(
          wh,
          `SELECT (SELECT COUNT(*) FROM nba_raw.bdl_player_boxscores WHERE game_date = DATE '${g.game_date}' AND team_abbr = '${k.team}') AS team_box,
                  (SELECT COUNT(*) FROM (${ownRow(k, g.game_date)})) AS own,
                  (SELECT COUNT(*) FROM nba_raw.bdl_player_boxscores WHERE game_date = DATE '${g.game_date}' AND team_abbr = '${k.team}' AND player_lookup = '${k.entity_id}' AND minutes = '0:00') AS dnp,
                  (SELECT strftime(MIN(processed_at), '%Y-%m-%dT%H:%M:%S.%f') FROM nba_raw.bdl_player_boxscores WHERE game_date = DATE '${g.game_date}' AND team_abbr = '${k.team}') AS landed,
                  (SELECT strftime(MAX(attempted_at), '%Y-%m-%dT%H:%M:%S.%f') FROM nba_orchestration.reprocess_attempts WHERE analysis_date = DATE '${k.analysis_date}' AND processor_name = '${k.processor_name}' AND entity_id = '${k.entity_id}') AS trip`,
        );
        expect(r.team_box, `${k.processor}/${k.entity_id}/${k.analysis_date} ${g.game_date}`).toBeGreaterThan(0);
        expect(r.own + r.dnp).toBeGreaterThan(0);
        expect(r.landed > r.trip).toBe(true);
      }
    }
  });

  it("agrees with the tables: a still-missing key's missing games are absent", async () => {
    const sample = sampleKeys(summary.groundTruth.stillMissing);
    for (const k of sample) {
      expect(k.missing.length).toBeGreaterThan(0);
      for (const g of k.missing) {
        // The game is in the schedule (final) for the team, and the key's upstream has no row for the player.
        const r = await one<{ scheduled: number; own: number }>(
          wh,
          `SELECT (SELECT COUNT(*) FROM nba_raw.nbac_schedule WHERE game_date = DATE '${g.game_date}' AND game_status = 3 AND '${k.team}' IN (home_team_tricode, away_team_tricode)) AS scheduled,
                  (SELECT COUNT(*) FROM (${ownRow(k, g.game_date)})) AS own`,
        );
        expect(r.scheduled, `${k.processor}/${k.entity_id}/${k.analysis_date} ${g.game_date}`).toBe(1);
        expect(r.own).toBe(0);
      }
    }
  });
});

/** Up to 40 keys spread over the list (every processor, every date), to keep the checks quick. */
function sampleKeys(list: GroundTruthKey[]): GroundTruthKey[] {
  const step = Math.max(1, Math.floor(list.length / 40));
  return list.filter((_, i) => i % step === 0);
}
