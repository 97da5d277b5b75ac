/**
 * A processor run end to end on a real in-memory DuckDB (lib/engine/run-processor.ts): the
 * decision per entity, the output rows and reprocess_attempts rows it writes (read back from
 * the tables), the circuit breaker over repeated runs, cascade readiness, and the number of
 * warehouse calls a run makes (constant in the number of entities: the original made one breaker query per entity).
 *
 * Dataset (hand-built): season 2024 (opening night 2024-10-22). LAL, BOS, GSW, MIA play every
 * second day, day d = 10-22 + 2d (d0 … d29, so d20 = 12-01, d25 = 12-11), paired by the circle
 * method: LAL meets MIA on d % 3 = 0, BOS on d % 3 = 1, GSW on d % 3 = 2; the other game of the
 * day is BOS–GSW, GSW–MIA, MIA–BOS respectively. Games before the run date D = 2024-12-11 (d25)
 * are final, the rest scheduled. LAL's windows on D:
 *   L10 = d15..d24 (11-21 … 12-09)    L5  = d20..d24 (12-01 … 12-09)
 *   L7d = [12-04, 12-10] = d22, d23, d24 (3 games)   L14d = [11-27, 12-10] = d18..d24 (7 games)
 * On D, LAL plays at BOS (d25 % 3 = 1) and GSW hosts MIA: the cascade's opponents.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { addDays, addDaysToInstant } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT, ORIGINAL_DEPLOYMENT, buildDeployment } from "@/lib/completeness/deployment";
import { type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import { PROCESSING_DECISION_REASONS } from "@/lib/completeness/readiness";
import { evaluateProcessorRun, runProcessor } from "@/lib/engine/run-processor";
import type { Row, Warehouse } from "@/lib/warehouse/types";
import {
  type Fate,
  type RosterPlayer,
  type ScheduleRow,
  type Upstream,
  boxScores,
  clearTables,
  countRows,
  countingWarehouse,
  everyNDays,
  insertPgs,
  insertUpstream,
  memoryWarehouse,
  morningAfter,
  playerRows,
  roundRobin,
  totalCalls,
  BREAKER_TABLES,
  OUTPUT_TABLES,
} from "@/test/support/fixtures";
import { scopedMemoryWarehouse } from "@/test/support/warehouse";

const D = "2024-12-11";
const TEAMS = ["LAL", "BOS", "GSW", "MIA"];
const DAYS = everyNDays("2024-10-22", 30);
const lalId = (d: number) => `00224${String(2 * d + 1).padStart(5, "0")}`;
const at = (date: string, time = "10:00:00.000") => `${date}T${time}Z`;

const SCHEDULE: ScheduleRow[] = roundRobin(TEAMS, DAYS).map((g) => (g.game_date < D ? g : { ...g, game_status: 1 as const }));
const lost = (...days: number[]): Record<string, Fate> => Object.fromEntries(days.map((d) => [lalId(d), { kind: "lost" } as Fate]));

const ROSTER: RosterPlayer[] = [
  { player: "p_full", stints: [{ team: "LAL" }] },
  { player: "p_nine", stints: [{ team: "LAL" }], fates: lost(15) }, // 11-21 lost: 9/10
  { player: "p_eight", stints: [{ team: "LAL" }], fates: lost(15, 16) }, // 11-21, 11-23 lost: 8/10
  { player: "p_eight2", stints: [{ team: "LAL" }], fates: lost(15, 16) }, // the same, fixed later
  { player: "p_multi", stints: [{ team: "LAL" }], fates: lost(15, 22) }, // 11-21 and 12-05 lost
  { player: "p_early", stints: [{ team: "LAL" }], fates: lost(2) }, // 10-26 lost (bootstrap)
  // Cascade players, one per team, complete own data.
  { player: "c_ready", stints: [{ team: "LAL" }] },
  { player: "c_nopsza", stints: [{ team: "LAL" }] },
  { player: "c_ownbad", stints: [{ team: "LAL" }], fates: lost(15, 16) },
  { player: "b_player", stints: [{ team: "BOS" }] },
  { player: "g_player", stints: [{ team: "GSW" }] },
  { player: "m_player", stints: [{ team: "MIA" }] },
];
const UP: Upstream = { schedule: SCHEDULE, ...boxScores(SCHEDULE, ROSTER) };

const wh = scopedMemoryWarehouse({ seed: (db) => insertUpstream(db, UP) });

/** Output rows of a processor written at `now` (one run), keyed by entity. */
async function outputsAt(processor: ProcessorName, now: string): Promise<Map<string, Row>> {
  const def = getProcessor(processor);
  const rows = await wh.query(`SELECT * FROM ${def.table} WHERE processed_at = @now`, { params: { now }, types: { now: "TIMESTAMP" } });
  return new Map(rows.map((r) => [String(r[def.entityColumn]), r]));
}

async function attemptsOf(processor: ProcessorName, entity: string, date = D): Promise<Row[]> {
  return wh.query(
    `SELECT * FROM nba_orchestration.reprocess_attempts
     WHERE processor_name = @p AND entity_id = @e AND analysis_date = @d ORDER BY attempt_number, attempted_at`,
    { params: { p: processor, e: entity, d: date }, types: { p: "STRING", e: "STRING", d: "DATE" } },
  );
}

// ---------------------------------------------------------------------------------------------

describe("decisions and output rows", () => {
  beforeEach(async () => {
    await clearTables(wh, [...OUTPUT_TABLES, ...BREAKER_TABLES]);
  });

  it("PSZA on D: process, 9/10 = 90.0 is ready, 8/10 skips, a rookie has no games expected", async () => {
    const now = at(D);
    const run = await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_shot_zone_analysis", date: D, entities: ["p_full", "p_nine", "p_eight", "rookie"], now, runId: "run-1" });
    expect(run.writes).toBe(1);
    expect(Object.fromEntries(run.outcomes.map((o) => [o.entity, o.decision.action]))).toEqual({
      p_full: "process",
      p_nine: "process",
      p_eight: "skip_incomplete",
      rookie: "process_no_games_expected",
    });

    const out = await outputsAt("player_shot_zone_analysis", now);
    expect(out.size).toBe(4);
    const common = {
      analysis_date: D,
      processed_at: now,
      season_boundary_detected: false, // December
      backfill_bootstrap_mode: false, // day 50 of the season
    };
    // 10/10 of L10 (d15..d24).
    expect(out.get("p_full")).toMatchObject({
      ...common,
      expected_games_count: 10,
      actual_games_count: 10,
      completeness_percentage: 100,
      missing_games_count: 0,
      is_production_ready: true,
      data_quality_issues: [],
      last_reprocess_attempt_at: null,
      reprocess_attempt_count: 0,
      circuit_breaker_active: false,
      circuit_breaker_until: null,
      manual_override_required: false,
      processing_decision_reason: "processed_successfully",
    });
    // 9/10 = 90.0 exactly: ready at the default threshold 90; the gap is still reported.
    expect(out.get("p_nine")).toMatchObject({
      ...common,
      expected_games_count: 10,
      actual_games_count: 9,
      completeness_percentage: 90,
      missing_games_count: 1,
      is_production_ready: true,
      data_quality_issues: ["missing_game_2024-11-21"],
      processing_decision_reason: "processed_successfully",
    });
    // 8/10: skipped, a failed attempt recorded; the row says so.
    expect(out.get("p_eight")).toMatchObject({
      ...common,
      actual_games_count: 8,
      completeness_percentage: 80,
      missing_games_count: 2,
      is_production_ready: false,
      data_quality_issues: ["missing_game_2024-11-21", "missing_game_2024-11-23"],
      last_reprocess_attempt_at: now,
      reprocess_attempt_count: 1,
      circuit_breaker_active: false,
      processing_decision_reason: "skipped_incomplete_upstream_data",
    });
    // No game before D: nothing expected, NULL percentage (not 0%), ready.
    expect(out.get("rookie")).toMatchObject({
      ...common,
      expected_games_count: 0,
      actual_games_count: 0,
      completeness_percentage: null,
      missing_games_count: 0,
      is_production_ready: true,
      processing_decision_reason: "processed_no_games_expected",
    });

    // Only the failed key gets an attempt row: healthy keys write none.
    expect(await countRows(wh, "nba_orchestration.reprocess_attempts")).toBe(1);
    expect(await attemptsOf("player_shot_zone_analysis", "p_eight")).toEqual([
      expect.objectContaining({
        attempt_number: 1,
        attempted_at: now,
        completeness_pct: 80,
        skip_reason: "incomplete_upstream_data",
        circuit_breaker_tripped: false,
        circuit_breaker_until: null,
        manual_override_applied: false,
        event_type: "failure",
        batch_id: "run-1",
      }),
    ]);
  });

  it("bootstrap: the first 30 days (by the real opening night) and explicit backfills process incomplete entities, unflagged as failures", async () => {
    // 2024-11-08 is day 17 after 2024-10-22. p_early lost 10-26: L10 = d0..d8 (9 games) → 8/9.
    const early = "2024-11-08";
    const now1 = at(early);
    const r1 = await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_shot_zone_analysis", date: early, entities: ["p_early"], now: now1 });
    expect(r1.outcomes[0]!.decision.action).toBe("process_bootstrap");
    expect((await outputsAt("player_shot_zone_analysis", now1)).get("p_early")).toMatchObject({
      expected_games_count: 9,
      actual_games_count: 8,
      completeness_percentage: 88.9,
      is_production_ready: false, // bootstrap does not make data ready
      backfill_bootstrap_mode: true,
      season_boundary_detected: true, // November
      processing_decision_reason: "processed_in_bootstrap_mode",
      reprocess_attempt_count: 0,
    });
    // An explicit backfill run on D (day 50): bootstrap too.
    const now2 = at(D, "11:00:00.000");
    const r2 = await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_shot_zone_analysis", date: D, entities: ["p_eight"], now: now2, backfill: true });
    expect(r2.outcomes[0]!.decision.action).toBe("process_bootstrap");
    expect((await outputsAt("player_shot_zone_analysis", now2)).get("p_eight")).toMatchObject({
      completeness_percentage: 80,
      backfill_bootstrap_mode: true,
      processing_decision_reason: "processed_in_bootstrap_mode",
    });
    // Never counted as failures: no attempt rows at all.
    expect(await countRows(wh, "nba_orchestration.reprocess_attempts")).toBe(0);
  });

  it("multi-window (PDC): window columns, all_windows_complete, and the threshold compared unrounded", async () => {
    // p_multi lost 11-21 (d15) and 12-05 (d22). On D:
    //   L5  = d20..d24 → 4/5 = 80       L10 = d15..d24 (holds both) → 8/10 = 80
    //   L7d = d22, d23, d24 → 2/3 = 66.666… → stored 66.7
    //   L14d= d18..d24 → 6/7 = 85.714… → stored 85.7
    // With a threshold of 66.7 the L7d window (66.666…) is NOT complete although its stored
    // value reads 66.7: readiness compares the unrounded percentage. (With small integer counts
    // a value like 89.96 cannot occur: it needs ≥ 200 expected games, and windows hold ≤ 30.)
    const now1 = at(D);
    const r1 = await runProcessor(wh, {
      deployment: CONSOLE_DEPLOYMENT,
      processor: "player_daily_cache",
      date: D,
      entities: ["p_multi", "p_full", "rookie"],
      now: now1,
      thresholds: { player_daily_cache: 66.7 },
    });
    expect(r1.outcomes.map((o) => o.decision.action)).toEqual(["skip_incomplete", "process", "process_no_games_expected"]);
    const out1 = await outputsAt("player_daily_cache", now1);
    expect(out1.get("p_multi")).toMatchObject({
      cache_date: D,
      expected_games_count: 10, // primary window L10
      actual_games_count: 8,
      completeness_percentage: 80,
      missing_games_count: 2,
      l5_completeness_pct: 80,
      l5_is_complete: true,
      l10_completeness_pct: 80,
      l10_is_complete: true,
      l7d_completeness_pct: 66.7,
      l7d_is_complete: false,
      l14d_completeness_pct: 85.7,
      l14d_is_complete: true,
      all_windows_complete: false,
      is_production_ready: false,
      data_quality_issues: ["missing_game_2024-11-21", "missing_game_2024-12-05"],
      processing_decision_reason: "skipped_incomplete_upstream_data",
    });
    // The failed attempt records the blocking window's figure and the multi-window skip reason.
    expect(await attemptsOf("player_daily_cache", "p_multi")).toEqual([
      expect.objectContaining({ completeness_pct: 66.7, skip_reason: "incomplete_upstream_data_multi_window", event_type: "failure" }),
    ]);
    expect(out1.get("p_full")).toMatchObject({
      l5_completeness_pct: 100,
      l10_completeness_pct: 100,
      l7d_completeness_pct: 100,
      l14d_completeness_pct: 100,
      all_windows_complete: true,
      is_production_ready: true,
    });
    // Nothing expected in any window: NULL percentages, complete, ready.
    expect(out1.get("rookie")).toMatchObject({
      l5_completeness_pct: null,
      l5_is_complete: true,
      l7d_completeness_pct: null,
      l7d_is_complete: true,
      all_windows_complete: true,
      processing_decision_reason: "processed_no_games_expected",
    });

    // A threshold of 66.6: every window passes → processed, and since the key had one failure
    // a `success` row closes the streak.
    const now2 = at(D, "12:00:00.000");
    const r2 = await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_daily_cache", date: D, entities: ["p_multi"], now: now2, thresholds: { player_daily_cache: 66.6 } });
    expect(r2.outcomes[0]!.decision).toMatchObject({ action: "process", reason: "processed_successfully" });
    expect((await outputsAt("player_daily_cache", now2)).get("p_multi")).toMatchObject({
      l7d_completeness_pct: 66.7,
      l7d_is_complete: true,
      all_windows_complete: true,
      is_production_ready: true,
    });
    expect((await attemptsOf("player_daily_cache", "p_multi")).map((r) => r.event_type)).toEqual(["failure", "success"]);
  });

  it("every processing_decision_reason written comes from the fixed set", async () => {
    await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_shot_zone_analysis", date: D, entities: ["p_full", "p_eight", "rookie", "p_multi"], now: at(D) });
    await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_daily_cache", date: D, entities: ["p_full", "p_multi", "rookie"], now: at(D) });
    await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "team_defense_zone_analysis", date: D, entities: TEAMS, now: at(D) });
    await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "upcoming_team_game_context", date: D, entities: TEAMS.map((t) => `${t}_${D}`), now: at(D) });
    for (const table of OUTPUT_TABLES) {
      const rows = await wh.query<{ r: string | null }>(`SELECT DISTINCT processing_decision_reason AS r FROM ${table}`);
      for (const { r } of rows) expect(PROCESSING_DECISION_REASONS).toContain(r);
    }
    // Team processors: the 15 games of L15 (home and away), all team defense rows present.
    const tdza = await outputsAt("team_defense_zone_analysis", at(D));
    for (const t of TEAMS) expect(tdza.get(t)).toMatchObject({ expected_games_count: 15, actual_games_count: 15, completeness_percentage: 100 });
    const utgc = await outputsAt("upcoming_team_game_context", at(D));
    expect(utgc.get("LAL")).toMatchObject({ game_date: D, l7d_completeness_pct: 100, l14d_completeness_pct: 100, all_windows_complete: true });
  });
});

// ---------------------------------------------------------------------------------------------

describe("the deployment: the pipeline's name and threshold", () => {
  beforeEach(async () => {
    await clearTables(wh, [...OUTPUT_TABLES, ...BREAKER_TABLES]);
  });

  it("the threshold comes from the deployment: 8/10 = 80% is ready at a pipeline threshold of 70, not at 90", async () => {
    const at70 = buildDeployment({ readers: "console", thresholds: { player_shot_zone_analysis: 70 } });
    const now = at(D);
    const r70 = await runProcessor(wh, { deployment: at70, processor: "player_shot_zone_analysis", date: D, entities: ["p_eight"], now });
    expect(r70.outcomes[0]!.own).toMatchObject({ ready: true, threshold: 70 });
    expect(r70.outcomes[0]!.decision).toMatchObject({ action: "process", reason: "processed_successfully" });
    expect((await outputsAt("player_shot_zone_analysis", now)).get("p_eight")).toMatchObject({ completeness_percentage: 80, is_production_ready: true });
    expect(await attemptsOf("player_shot_zone_analysis", "p_eight")).toEqual([]);

    const r90 = await evaluateProcessorRun(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_shot_zone_analysis", date: D, entities: ["p_eight"], now });
    expect(r90.outcomes[0]!.decision).toMatchObject({ action: "skip_incomplete" });
    // A what-if threshold still takes precedence over the deployment's.
    const whatIf = await evaluateProcessorRun(wh, { deployment: at70, processor: "player_shot_zone_analysis", date: D, entities: ["p_eight"], now, thresholds: { player_shot_zone_analysis: 85 } });
    expect(whatIf.outcomes[0]!.own).toMatchObject({ ready: false, threshold: 85 });
  });

  it("attempt rows carry the name the deployment's pipeline reads; the key's rows are read under any alias", async () => {
    const run = (now: string) =>
      runProcessor(wh, { deployment: ORIGINAL_DEPLOYMENT, processor: "ml_feature_store", date: D, entities: ["p_eight"], now });
    // An older failure under the canonical name (written before the deployment named the pipeline's).
    await wh.insert(
      "nba_orchestration.reprocess_attempts",
      { processor_name: "STRING", entity_id: "STRING", analysis_date: "DATE", attempt_number: "INT64", attempted_at: "TIMESTAMP", skip_reason: "STRING", circuit_breaker_tripped: "BOOL" },
      [{ processor_name: "ml_feature_store", entity_id: "p_eight", analysis_date: D, attempt_number: 1, attempted_at: at(addDays(D, -1)), skip_reason: "incomplete_upstream_data", circuit_breaker_tripped: false }],
    );
    const second = await run(at(D));
    expect(second.outcomes[0]!.decision).toMatchObject({ action: "skip_incomplete" });
    expect(second.outcomes[0]!.attempt).toMatchObject({ processor_name: "ml_feature_store_v2", attempt_number: 2, event_type: "failure" });
    const third = await run(at(addDays(D, 1)));
    expect(third.outcomes[0]!.attempt).toMatchObject({ processor_name: "ml_feature_store_v2", attempt_number: 3, event_type: "trip" });
    expect((await attemptsOf("ml_feature_store_v2" as ProcessorName, "p_eight")).map((r) => r.attempt_number)).toEqual([2, 3]);
  });

  it("a key skipped because its breaker is active is written not production ready, even when its data is complete", async () => {
    // p_full's data is complete; its breaker tripped yesterday (under the pipeline's name).
    const tripAt = at(addDays(D, -1));
    const base = { processor_name: "player_shot_zone_analysis", entity_id: "p_full", analysis_date: D, completeness_pct: 50, skip_reason: "incomplete_upstream_data", manual_override_applied: false };
    await wh.insert(
      "nba_orchestration.reprocess_attempts",
      { processor_name: "STRING", entity_id: "STRING", analysis_date: "DATE", attempt_number: "INT64", attempted_at: "TIMESTAMP", completeness_pct: "FLOAT64", skip_reason: "STRING", circuit_breaker_tripped: "BOOL", circuit_breaker_until: "TIMESTAMP", manual_override_applied: "BOOL" },
      [1, 2, 3].map((n) => ({
        ...base,
        attempt_number: n,
        attempted_at: addDaysToInstant(tripAt, n - 3),
        circuit_breaker_tripped: n === 3,
        circuit_breaker_until: n === 3 ? addDaysToInstant(tripAt, 7) : null,
      })),
    );
    const now = at(D);
    const r = await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_shot_zone_analysis", date: D, entities: ["p_full"], now });
    // The data is ready (what a live recheck reports) ...
    expect(r.outcomes[0]!.decision).toMatchObject({ action: "skip_breaker_active", productionReady: true, processes: false });
    // ... but the processor did not process the key: the row says not ready.
    expect((await outputsAt("player_shot_zone_analysis", now)).get("p_full")).toMatchObject({
      processing_decision_reason: "skipped_circuit_breaker_active",
      completeness_percentage: 100,
      is_production_ready: false,
      circuit_breaker_active: true,
    });
  });
});

describe("circuit breaker over repeated runs", () => {
  beforeAll(async () => {
    await clearTables(wh, [...OUTPUT_TABLES, ...BREAKER_TABLES]);
  });

  const run = (now: string) =>
    runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_shot_zone_analysis", date: D, entities: ["p_full", "p_eight", "p_eight2"], now, runId: `run@${now}` });
  const T1 = at(D);
  const T2 = at(addDays(D, 1));
  const T3 = at(addDays(D, 2));
  const UNTIL = at(addDays(D, 9)); // T3 + 7 days
  const decisionOf = (r: Awaited<ReturnType<typeof run>>, e: string) => r.outcomes.find((o) => o.entity === e)!.decision;

  it("three consecutive failed runs trip the key until the 3rd attempt + 7 days", async () => {
    for (const now of [T1, T2]) {
      const r = await run(now);
      expect(decisionOf(r, "p_eight").action).toBe("skip_incomplete");
    }
    const r3 = await run(T3);
    expect(decisionOf(r3, "p_eight").action).toBe("skip_incomplete");
    const rows = await attemptsOf("player_shot_zone_analysis", "p_eight");
    expect(rows.map((r) => [r.attempt_number, r.event_type, r.circuit_breaker_tripped, r.circuit_breaker_until])).toEqual([
      [1, "failure", false, null],
      [2, "failure", false, null],
      [3, "trip", true, UNTIL],
    ]);
    expect(rows[2]).toMatchObject({ attempted_at: T3, skip_reason: "incomplete_upstream_data", completeness_pct: 80 });
    // The run's output row already shows the trip it caused.
    expect((await outputsAt("player_shot_zone_analysis", T3)).get("p_eight")).toMatchObject({
      circuit_breaker_active: true,
      circuit_breaker_until: UNTIL,
      manual_override_required: true,
      reprocess_attempt_count: 3,
      last_reprocess_attempt_at: T3,
    });
    // The healthy key never got a row.
    expect(await attemptsOf("player_shot_zone_analysis", "p_full")).toEqual([]);
  });

  it("inside the cooldown (up to 1 s before until) the key is skipped and no attempt is written", async () => {
    for (const now of [at(addDays(D, 3)), at(addDays(D, 9), "09:59:59.000")]) {
      const before = await countRows(wh, "nba_orchestration.reprocess_attempts");
      const r = await run(now);
      expect(decisionOf(r, "p_eight")).toMatchObject({ action: "skip_breaker_active", reason: "skipped_circuit_breaker_active" });
      expect(await countRows(wh, "nba_orchestration.reprocess_attempts")).toBe(before);
      expect((await outputsAt("player_shot_zone_analysis", now)).get("p_eight")).toMatchObject({
        processing_decision_reason: "skipped_circuit_breaker_active",
        circuit_breaker_active: true,
        circuit_breaker_until: UNTIL,
        reprocess_attempt_count: 3,
      });
    }
  });

  it("at exactly until the key is half-open: failing re-trips for 7 days, succeeding writes a recovery row", async () => {
    // p_eight2's two missing rows arrive while it is tripped; p_eight's never do.
    const fix = SCHEDULE.filter((g) => g.game_id === lalId(15) || g.game_id === lalId(16)).flatMap(
      (g) => playerRows(g, "LAL", "p_eight2", { kind: "played", processedAt: at(addDays(D, 5)) }).pgs,
    );
    await insertPgs(wh, fix);
    const r = await run(UNTIL);
    expect(r.outcomes.find((o) => o.entity === "p_eight")!.breaker.status).toBe("half_open");
    expect(decisionOf(r, "p_eight")).toMatchObject({ action: "skip_incomplete" });
    expect(decisionOf(r, "p_eight2")).toMatchObject({ action: "process", reason: "processed_recovery_attempt" });

    const failed = await attemptsOf("player_shot_zone_analysis", "p_eight");
    expect(failed.at(-1)).toMatchObject({
      attempt_number: 4,
      attempted_at: UNTIL,
      event_type: "trip",
      circuit_breaker_tripped: true,
      circuit_breaker_until: at(addDays(D, 16)),
    });
    const recovered = await attemptsOf("player_shot_zone_analysis", "p_eight2");
    expect(recovered.map((x) => x.event_type)).toEqual(["failure", "failure", "trip", "recovery"]);
    expect(recovered.at(-1)).toMatchObject({ attempt_number: 4, attempted_at: UNTIL, skip_reason: null, circuit_breaker_tripped: false, completeness_pct: 100 });
    const out = await outputsAt("player_shot_zone_analysis", UNTIL);
    expect(out.get("p_eight2")).toMatchObject({
      is_production_ready: true,
      completeness_percentage: 100,
      circuit_breaker_active: false,
      circuit_breaker_until: null,
      manual_override_required: false,
      processing_decision_reason: "processed_recovery_attempt",
    });
    expect(out.get("p_eight")).toMatchObject({ circuit_breaker_active: true, circuit_breaker_until: at(addDays(D, 16)) });
    // A run a day later: p_eight2 is closed and healthy → no new row; p_eight still active.
    const later = await run(at(addDays(D, 10)));
    expect(decisionOf(later, "p_eight2").reason).toBe("processed_successfully");
    expect(decisionOf(later, "p_eight").action).toBe("skip_breaker_active");
    expect(await attemptsOf("player_shot_zone_analysis", "p_eight2")).toHaveLength(4);
  });
});

// ---------------------------------------------------------------------------------------------

const PSZA_T = { analysis_date: "DATE", player_lookup: "STRING", processed_at: "TIMESTAMP", is_production_ready: "BOOL" } as const;
const UPGC_T = { game_date: "DATE", player_lookup: "STRING", processed_at: "TIMESTAMP", is_production_ready: "BOOL" } as const;
const TDZA_T = { analysis_date: "DATE", team_abbr: "STRING", processed_at: "TIMESTAMP", is_production_ready: "BOOL" } as const;
const UTGC_T = { game_date: "DATE", team_abbr: "STRING", processed_at: "TIMESTAMP", is_production_ready: "BOOL" } as const;

/** Upstream processor rows for D (what the other processors wrote that morning). */
async function insertCascadeUpstreams(w: Warehouse): Promise<void> {
  const t = at(D, "08:00:00.000");
  const players = ["c_ready", "c_ownbad", "b_player", "g_player", "m_player"]; // not c_nopsza
  await w.insert("nba_precompute.player_shot_zone_analysis", PSZA_T, players.map((p) => ({ analysis_date: D, player_lookup: p, processed_at: t, is_production_ready: true })));
  await w.insert(
    "nba_analytics.upcoming_player_game_context",
    UPGC_T,
    [...players, "c_nopsza"].map((p) => ({ game_date: D, player_lookup: p, processed_at: t, is_production_ready: true })),
  );
  // Team defense: BOS ready by its LATEST row (an older not-ready row exists), LAL and MIA not
  // ready, GSW ready.
  await w.insert("nba_precompute.team_defense_zone_analysis", TDZA_T, [
    { analysis_date: D, team_abbr: "BOS", processed_at: at(D, "07:00:00.000"), is_production_ready: false },
    { analysis_date: D, team_abbr: "BOS", processed_at: t, is_production_ready: true },
    { analysis_date: D, team_abbr: "LAL", processed_at: t, is_production_ready: false },
    { analysis_date: D, team_abbr: "MIA", processed_at: t, is_production_ready: false },
    { analysis_date: D, team_abbr: "GSW", processed_at: t, is_production_ready: true },
  ]);
  // Team context (keyed LAL_2024-12-11): BOS and MIA ready, LAL not ready, GSW missing.
  await w.insert("nba_analytics.upcoming_team_game_context", UTGC_T, [
    { game_date: D, team_abbr: "BOS", processed_at: t, is_production_ready: true },
    { game_date: D, team_abbr: "MIA", processed_at: t, is_production_ready: true },
    { game_date: D, team_abbr: "LAL", processed_at: t, is_production_ready: false },
  ]);
}

describe("cascade (player_composite_factors)", () => {
  beforeAll(async () => {
    await clearTables(wh, [...OUTPUT_TABLES, ...BREAKER_TABLES]);
    await insertCascadeUpstreams(wh);
  });

  it("is ready only when every upstream row (player's, and the opponent's for team-level ones) is", async () => {
    // On D: LAL @ BOS, MIA @ GSW. So LAL players' team-level upstreams are BOS's rows, BOS's are
    // LAL's, GSW's are MIA's, MIA's are GSW's.
    const now = at(D);
    const r = await runProcessor(wh, {
      deployment: CONSOLE_DEPLOYMENT,
      processor: "player_composite_factors",
      date: D,
      entities: ["c_ready", "c_nopsza", "c_ownbad", "b_player", "g_player", "m_player"],
      now,
    });
    const byEntity = Object.fromEntries(r.outcomes.map((o) => [o.entity, o]));
    // c_ready: own 10/10; PSZA and UPGC ready; BOS's TDZA ready by its latest row; BOS_D ready.
    // (LAL's own TDZA/UTGC rows are not ready: keyed by the opponent, they do not matter.)
    expect(byEntity.c_ready!.decision).toMatchObject({ action: "process", reason: "processed_successfully" });
    expect(byEntity.c_nopsza!.decision).toMatchObject({ action: "skip_upstream_not_ready", reason: "skipped_incomplete_upstream_dependencies" });
    // Own data not ready comes first, even with upstreams ready.
    expect(byEntity.c_ownbad!.decision.action).toBe("skip_incomplete");
    expect(byEntity.b_player!.decision.action).toBe("skip_upstream_not_ready");
    expect(byEntity.g_player!.decision.action).toBe("skip_upstream_not_ready");
    expect(byEntity.m_player!.decision.action).toBe("skip_upstream_not_ready");

    const out = await outputsAt("player_composite_factors", now);
    expect(out.get("c_ready")).toMatchObject({ game_date: D, analysis_date: D, is_production_ready: true, data_quality_issues: [] });
    expect(out.get("c_nopsza")).toMatchObject({
      is_production_ready: false,
      completeness_percentage: 100,
      data_quality_issues: ["upstream_player_shot_zone_incomplete"],
      processing_decision_reason: "skipped_incomplete_upstream_dependencies",
    });
    expect(out.get("b_player")!.data_quality_issues).toEqual(["upstream_team_defense_zone_incomplete", "upstream_team_context_incomplete"]);
    expect(out.get("g_player")!.data_quality_issues).toEqual(["upstream_team_defense_zone_incomplete"]);
    expect(out.get("m_player")!.data_quality_issues).toEqual(["upstream_team_context_incomplete"]);
    expect(out.get("c_ownbad")).toMatchObject({
      data_quality_issues: ["missing_game_2024-11-21", "missing_game_2024-11-23"],
      processing_decision_reason: "skipped_incomplete_upstream_data",
    });
    // The cascade failure is a failed attempt with its own skip reason.
    expect(await attemptsOf("player_composite_factors", "c_nopsza")).toEqual([
      expect.objectContaining({ event_type: "failure", skip_reason: "incomplete_upstream_dependencies", completeness_pct: 100 }),
    ]);
    expect(await attemptsOf("player_composite_factors", "c_ready")).toEqual([]);
  });

  // A rookie on his debut day has no game before the date, so no team from his history: the
  // team and opponent come from his upcoming_player_game_context row (once a bug: he was
  // skipped as "upstream not ready" with issues naming rows that exist and are ready).
  it("a debut: no game before the date, every upstream row ready → processed", async () => {
    const t = at(D, "08:00:00.000");
    await wh.insert("nba_precompute.player_shot_zone_analysis", PSZA_T, [{ analysis_date: D, player_lookup: "debut", processed_at: t, is_production_ready: true }]);
    await wh.insert(
      "nba_analytics.upcoming_player_game_context",
      { ...UPGC_T, team_abbr: "STRING", opponent_team_abbr: "STRING" },
      [{ game_date: D, player_lookup: "debut", team_abbr: "LAL", opponent_team_abbr: "BOS", processed_at: t, is_production_ready: true }],
    );
    // LAL plays at BOS on D; BOS's TDZA and BOS_2024-12-11 UTGC rows are ready (see above).
    const r = await evaluateProcessorRun(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_composite_factors", date: D, entities: ["debut"], now: at(D, "11:00:00.000") });
    expect(r.outcomes[0]!.cascade).toMatchObject({ ready: true, notReady: [] });
    expect(r.outcomes[0]!.decision.action).toBe("process_no_games_expected");
  });

  it("the latest upstream row wins: a newer not-ready row makes the dependent not ready", async () => {
    await wh.insert("nba_precompute.player_shot_zone_analysis", PSZA_T, [
      { analysis_date: D, player_lookup: "c_ready", processed_at: at(D, "09:00:00.000"), is_production_ready: false },
    ]);
    const r = await evaluateProcessorRun(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_composite_factors", date: D, entities: ["c_ready"], now: at(D, "11:00:00.000") });
    expect(r.outcomes[0]!.decision.action).toBe("skip_upstream_not_ready");
    expect(r.outcomes[0]!.cascade.notReady).toEqual(["player_shot_zone_analysis"]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("warehouse calls per run are constant in the number of entities", () => {
  // 30 teams × 15 players = 450 players, 12 game days before the run date.
  const TEAMS30 = Array.from({ length: 30 }, (_, i) => `T${String.fromCharCode(65 + Math.floor(i / 10))}${String.fromCharCode(65 + (i % 10))}`);
  const RUN_DATE = "2024-12-20";
  const days = everyNDays("2024-11-26", 12, 2); // 11-26 … 12-18
  const schedule = [
    ...roundRobin(TEAMS30, days, "00224", 1),
    ...roundRobin(TEAMS30, [RUN_DATE], "00224", 900).map((g) => ({ ...g, game_status: 1 as const })),
  ];
  const players = TEAMS30.flatMap((t) => Array.from({ length: 15 }, (_, i) => `${t.toLowerCase()}_p${i}`));
  const roster: RosterPlayer[] = players.map((p) => ({ player: p, stints: [{ team: p.slice(0, 3).toUpperCase() }] }));
  let big: Warehouse;

  beforeAll(async () => {
    big = memoryWarehouse();
    await insertUpstream(big, { schedule, ...boxScores(schedule, roster) });
    // Some history to read: failures for a few keys, and upstream rows for the cascade.
    const t = `${RUN_DATE}T05:00:00.000Z`;
    await big.insert("nba_precompute.player_shot_zone_analysis", PSZA_T, players.map((p) => ({ analysis_date: RUN_DATE, player_lookup: p, processed_at: t, is_production_ready: true })));
    await big.insert("nba_precompute.team_defense_zone_analysis", TDZA_T, TEAMS30.map((x) => ({ analysis_date: RUN_DATE, team_abbr: x, processed_at: t, is_production_ready: true })));
    await runProcessor(big, { deployment: CONSOLE_DEPLOYMENT, processor: "player_shot_zone_analysis", date: RUN_DATE, entities: players.slice(0, 20), now: morningAfter(RUN_DATE), thresholds: { player_shot_zone_analysis: 101 } });
  });

  afterAll(async () => {
    await big.close();
  });

  it.each([
    ["player_shot_zone_analysis", 2], // window games + breaker state
    ["player_daily_cache", 2], // one window query for all four windows
    ["player_composite_factors", 5], // + games on the date + the players' recorded teams + upstream readiness
    ["upcoming_player_game_context", 3], // + games on the date (it records each player's opponent)
  ] as const)("%s: the same %i reads for 10 and for 450 players, and one write", async (processor, reads) => {
    const counted = countingWarehouse(big);
    const few = await evaluateProcessorRun(counted.wh, { deployment: CONSOLE_DEPLOYMENT, processor, date: RUN_DATE, entities: players.slice(0, 10), now: at(RUN_DATE) });
    const fewCalls = { ...counted.counts };
    counted.reset();
    const many = await evaluateProcessorRun(counted.wh, { deployment: CONSOLE_DEPLOYMENT, processor, date: RUN_DATE, entities: players, now: at(RUN_DATE) });
    const manyCalls = { ...counted.counts };
    expect(many.outcomes).toHaveLength(450);
    expect(manyCalls).toEqual(fewCalls);
    expect(manyCalls).toEqual({ query: reads, execute: 0, transaction: 0, insert: 0 });
    expect(many.reads).toBe(reads);
    // The data is real: every player has his 12 games (L10 full), so the count is not constant
    // just because nothing was found.
    expect(many.outcomes.every((o) => o.windows.find((w) => w.id === "l10")?.expected === 10)).toBe(true);

    counted.reset();
    const written = await runProcessor(counted.wh, { deployment: CONSOLE_DEPLOYMENT, processor, date: RUN_DATE, entities: players, now: at(RUN_DATE, "11:00:00.000") });
    expect(written.writes).toBe(1);
    expect(counted.counts).toEqual({ query: reads, execute: 0, transaction: 1, insert: 0 });
    expect(totalCalls(counted.counts)).toBe(reads + 1);
    expect(few.outcomes).toHaveLength(10);
  });
});
