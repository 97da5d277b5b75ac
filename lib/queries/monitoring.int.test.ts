/**
 * The nine monitoring queries (sql/monitoring/*.sql) on a small hand-built dataset in an
 * in-memory DuckDB, each checked against an answer computed ANOTHER way:
 * - by hand, as literals with the arithmetic in comments (health of one processor, the
 *   below-threshold list, multi-window, bootstrap, readiness bands, the set of active keys);
 * - by a separate TypeScript calculation over the same fixture arrays (latest row per key,
 *   aggregates, breaker state through deriveBreakerState / eventOf — the pure rules the SQL
 *   must agree with).
 *
 * The dataset covers: a processor with no output rows (ml_feature_store), re-runs (latest row
 * wins), skipped entities, bootstrap rows, a row after as_of and a preseason row, legacy alias
 * processor names, and breaker keys tripped, overridden (console and legacy marker), reset,
 * re-tripped after the cooldown, recovered, half-open, a legacy trip carrying the original's
 * manual_override_applied flag, a cooldown ending exactly at now (and one second after), a
 * row written after now, a key whose analysis date is months before as_of (active at now all the
 * same), skip attempts with no output row (the entities the Python processors skip) and an
 * unknown processor name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type BreakerRowInput, deriveBreakerState, eventOf } from "@/lib/completeness/breaker";
import { DEFAULT_SEASON_CALENDAR, type SeasonCalendar } from "@/lib/completeness/calendar";
import { addDays, addDaysToInstant, instantMs } from "@/lib/completeness/dates";
import { PROCESSORS, type ProcessorName, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { parseTeamGameKey } from "@/lib/completeness/windows";
import { outputColumns } from "@/lib/engine/run-processor";
import { MONITORING_QUERY_NAMES, type MonitoringQueryName, type MonitoringRow, monitoringRows } from "@/lib/monitoring/schemas";
import type { Warehouse } from "@/lib/warehouse/types";
import { attemptRow, countingWarehouse, insertAttempts, memoryWarehouse } from "@/test/support/fixtures";

import { attemptWindowParams, latestOutputDate, runMonitoringQuery, seasonRange } from "./monitoring";

const AS_OF = "2025-01-15";
const NOW = "2025-01-16T12:00:00.000Z";
const CALENDAR: SeasonCalendar = { ...DEFAULT_SEASON_CALENDAR, 2024: "2024-10-22" };
const CTX = { as_of: AS_OF, now: NOW, calendar: CALENDAR };

// ---------------------------------------------------------------------------------------------
// Output rows

interface Out {
  processor: ProcessorName;
  entity: string;
  date: string;
  processed_at: string;
  pct: number | null;
  ready: boolean;
  bootstrap?: boolean;
  reason?: string;
  expected?: number | null;
  actual?: number | null;
  missing?: number | null;
  /** window id → [pct, is_complete]; all_windows_complete is derived from them. */
  windows?: Record<string, [number | null, boolean]>;
}

const run = (date: string, hour = "04:00") => `${addDays(date, 1)}T${hour}:00.000Z`;
const complete = (ids: string[]): Record<string, [number | null, boolean]> => Object.fromEntries(ids.map((id) => [id, [100, true]]));
const PDC_W = ["l5", "l10", "l7d", "l14d"];
const UPGC_W = ["l5", "l10", "l7d", "l14d", "l30d"];
const UTGC_W = ["l7d", "l14d"];
const TEAMS = ["ATL", "BKN", "CHA", "CHI", "CLE", "DAL", "DEN", "DET", "GSW", "HOU", "IND", "LAC", "MEM", "MIA", "MIL", "MIN", "NOP", "OKC", "BOS"];

const ok = (processor: ProcessorName, entity: string, date: string, extra: Partial<Out> = {}): Out => ({
  processor,
  entity,
  date,
  processed_at: run(date),
  pct: 100,
  ready: true,
  reason: "processed_successfully",
  expected: 10,
  actual: 10,
  missing: 0,
  ...extra,
});

const OUTPUTS: Out[] = [
  // team_defense_zone_analysis
  ok("team_defense_zone_analysis", "BOS", AS_OF, { expected: 15, actual: 15 }),
  { ...ok("team_defense_zone_analysis", "LAL", AS_OF), pct: 80, ready: false, reason: "skipped_incomplete_upstream_data", expected: 15, actual: 12, missing: 3 },
  { ...ok("team_defense_zone_analysis", "NYK", AS_OF), pct: 60, ready: false, reason: "skipped_circuit_breaker_active" },
  // re-run after an override: the newer row wins
  { ...ok("team_defense_zone_analysis", "NYK", AS_OF), processed_at: run(AS_OF, "09:00"), pct: 93.4, reason: "processed_after_override" },
  ok("team_defense_zone_analysis", "BOS", "2025-01-10", { pct: 90 }),
  { ...ok("team_defense_zone_analysis", "LAL", "2025-01-08"), pct: 70, ready: false, reason: "skipped_incomplete_upstream_data" },
  { ...ok("team_defense_zone_analysis", "BOS", "2025-01-16"), pct: 50, ready: false }, // after as_of
  { ...ok("team_defense_zone_analysis", "BOS", "2024-11-01"), pct: 40, ready: false, bootstrap: true, reason: "processed_in_bootstrap_mode" },
  { ...ok("team_defense_zone_analysis", "LAL", "2024-11-01"), pct: 40, ready: false, bootstrap: true, reason: "processed_in_bootstrap_mode" },
  { ...ok("team_defense_zone_analysis", "LAL", "2024-11-01"), processed_at: "2024-11-05T04:00:00.000Z", pct: 100 }, // re-run, not bootstrap
  { ...ok("team_defense_zone_analysis", "BOS", "2024-10-10"), pct: null, ready: false, bootstrap: true, reason: "processed_in_bootstrap_mode" }, // preseason
  // player_shot_zone_analysis
  ok("player_shot_zone_analysis", "aaron", AS_OF),
  { ...ok("player_shot_zone_analysis", "bella", AS_OF), pct: 70, ready: false, reason: "skipped_circuit_breaker_active", actual: 7, missing: 3 },
  { ...ok("player_shot_zone_analysis", "carl", AS_OF), pct: 50, ready: false, bootstrap: true, reason: "processed_in_bootstrap_mode", actual: 5, missing: 5 },
  { ...ok("player_shot_zone_analysis", "dana", AS_OF), pct: null, reason: "processed_no_games_expected", expected: 0, actual: 0 },
  ok("player_shot_zone_analysis", "aaron", "2025-01-12", { pct: 90 }),
  { ...ok("player_shot_zone_analysis", "aaron", "2024-11-01"), bootstrap: true, pct: 60, ready: false, reason: "processed_in_bootstrap_mode" },
  // player_daily_cache (multi-window)
  ok("player_daily_cache", "aaron", AS_OF, { windows: complete(PDC_W) }),
  {
    ...ok("player_daily_cache", "bella", AS_OF),
    pct: 80,
    ready: false,
    reason: "skipped_incomplete_upstream_data",
    actual: 8,
    missing: 2,
    windows: { l5: [60, false], l10: [80, false], l7d: [100, true], l14d: [null, true] },
  },
  { ...ok("player_daily_cache", "carl", AS_OF), pct: 80, ready: false, windows: { ...complete(PDC_W), l10: [80, false] } },
  ok("player_daily_cache", "carl", AS_OF, { processed_at: run(AS_OF, "09:00"), windows: complete(PDC_W) }),
  // player_composite_factors: 20 rows on as_of, 18 ready → 90% (good, on the boundary)
  { ...ok("player_composite_factors", "aaron", AS_OF), ready: false, reason: "skipped_incomplete_upstream_dependencies" },
  { ...ok("player_composite_factors", "fred", AS_OF), pct: null, ready: false, reason: "skipped_incomplete_upstream_dependencies", expected: 0, actual: 0 },
  ...Array.from({ length: 18 }, (_, i) => ok("player_composite_factors", `filler${String(i).padStart(2, "0")}`, AS_OF)),
  ok("player_composite_factors", "bella", "2025-01-14", { pct: 95 }),
  // ml_feature_store: NO output rows at all
  // upcoming_player_game_context (multi-window): 5 rows on as_of, 4 ready → 80% (warning, boundary)
  { ...ok("upcoming_player_game_context", "aaron", AS_OF), ready: false, windows: { ...complete(UPGC_W), l30d: [80, false] } },
  ok("upcoming_player_game_context", "aaron", AS_OF, { processed_at: run(AS_OF, "09:00"), windows: complete(UPGC_W) }),
  {
    ...ok("upcoming_player_game_context", "bella", AS_OF),
    pct: 88.9,
    ready: false,
    reason: "skipped_incomplete_upstream_data",
    expected: 9,
    actual: 8,
    missing: 1,
    windows: { l5: [100, true], l10: [90, true], l7d: [100, true], l14d: [85.7, false], l30d: [88.9, false] },
  },
  ...["carl", "dana", "erin"].map((p) => ok("upcoming_player_game_context", p, AS_OF, { windows: complete(UPGC_W) })),
  // upcoming_team_game_context (multi-window): 20 team-games on as_of, 19 ready → 95% (excellent, boundary)
  {
    ...ok("upcoming_team_game_context", `LAL_${AS_OF}`, AS_OF),
    pct: 75,
    ready: false,
    reason: "skipped_incomplete_upstream_data",
    expected: 8,
    actual: 6,
    missing: 2,
    windows: { l7d: [50, false], l14d: [75, false] },
  },
  ...TEAMS.map((t) => ok("upcoming_team_game_context", `${t}_${AS_OF}`, AS_OF, { windows: complete(UTGC_W) })),
];

function tableRow(o: Out): Record<string, unknown> {
  const def = getProcessor(o.processor);
  const keys: Record<string, unknown> =
    def.entityKind === "team_game" ? { team_abbr: parseTeamGameKey(o.entity)!.team } : { [def.entityColumn]: o.entity };
  if (def.name === "player_composite_factors") keys.analysis_date = o.date;
  const row: Record<string, unknown> = {
    ...keys,
    [def.dateColumn]: o.date,
    processed_at: o.processed_at,
    expected_games_count: o.expected ?? null,
    actual_games_count: o.actual ?? null,
    completeness_percentage: o.pct,
    missing_games_count: o.missing ?? null,
    is_production_ready: o.ready,
    data_quality_issues: [],
    backfill_bootstrap_mode: o.bootstrap ?? false,
    processing_decision_reason: o.reason ?? null,
  };
  if (def.multiWindow) {
    const windows = o.windows ?? complete(def.windows.map((w) => w.id));
    for (const w of def.windows) {
      row[`${w.id}_completeness_pct`] = windows[w.id]![0];
      row[`${w.id}_is_complete`] = windows[w.id]![1];
    }
    row.all_windows_complete = def.windows.every((w) => windows[w.id]![1]);
  }
  return row;
}

// ---------------------------------------------------------------------------------------------
// Breaker rows (K1…K18: the keys described in the file comment)

const T = (date: string, time = "04:00:00") => `${date}T${time}.000Z`;
type A = ReturnType<typeof attemptRow>;
const key = (processor_name: string, entity_id: string, analysis_date: string) => ({ processor_name, entity_id, analysis_date });
const fail = (k: ReturnType<typeof key>, n: number, at: string, extra: Partial<A> = {}): A =>
  attemptRow({ ...k, attempt_number: n, attempted_at: at, event_type: "failure", completeness_pct: 60 + n, notes: `Attempt ${n}`, ...extra });
const trip = (k: ReturnType<typeof key>, n: number, at: string, extra: Partial<A> = {}): A =>
  fail(k, n, at, {
    event_type: "trip",
    circuit_breaker_tripped: true,
    circuit_breaker_until: addDaysToInstant(at, 7),
    notes: `Attempt ${n}: tripped`,
    ...extra,
  });
const threeStrikes = (k: ReturnType<typeof key>, tripAt: string, extra: Partial<A> = {}): A[] => [
  fail(k, 1, addDaysToInstant(tripAt, -2)),
  fail(k, 2, addDaysToInstant(tripAt, -1)),
  trip(k, 3, tripAt, extra),
];
const legacy = { event_type: null } as const;

const K = {
  activeSimple: key("team_defense_zone_analysis", "LAL", "2025-01-10"),
  overridden: key("player_shot_zone_analysis", "bella", "2025-01-09"),
  reset: key("player_shot_zone_analysis", "dana", "2025-01-08"),
  retripped: key("player_daily_cache", "bella", "2025-01-02"),
  recovered: key("player_daily_cache", "aaron", "2025-01-01"),
  legacyFlagOnTrip: key("upcoming_player_game_context", "bella", "2025-01-11"),
  endsAtNow: key("upcoming_team_game_context", "LAL_2025-01-09", "2025-01-09"),
  endsAfterNow: key("team_defense_zone_analysis", "BOS", "2025-01-09"),
  aliases: key("ml_feature_store", "aaron", "2025-01-12"),
  legacyOverride: key("team_defense_zone_analysis", "NYK", "2025-01-11"),
  outsideBound: key("team_defense_zone_analysis", "LAL", "2024-11-01"),
  failureAfterTrip: key("player_shot_zone_analysis", "erin", "2025-01-13"),
  overrideAfterNow: key("team_defense_zone_analysis", "BOS", "2025-01-14"),
  unknownProcessor: key("legacy_box_score_processor", "X", "2025-01-12"),
  halfOpen: key("player_composite_factors", "aaron", "2025-01-02"),
  oldFailure: key("player_composite_factors", "bella", "2024-12-01"),
  legacyResetBeforeAliasRows: key("upcoming_player_game_context", "aaron", "2025-01-05"),
  legacySuccess: key("player_shot_zone_analysis", "aaron", "2025-01-10"),
};

const ATTEMPTS: A[] = [
  ...threeStrikes(K.activeSimple, T("2025-01-13")), // until 01-20T04:00 > now → active
  ...threeStrikes(K.overridden, T("2025-01-12")),
  attemptRow({
    ...K.overridden,
    attempt_number: 4,
    attempted_at: T("2025-01-14", "15:00:00"),
    event_type: "override",
    skip_reason: "MANUAL_OVERRIDE",
    manual_override_applied: true,
    actor: "jordan.oncall",
    completeness_pct: 63,
    notes: "Manual override applied by jordan.oncall",
  }),
  attemptRow({
    ...K.reset,
    attempt_number: 0,
    attempted_at: T("2025-01-15", "10:00:00"),
    event_type: "reset",
    skip_reason: "RESET",
    manual_override_applied: true,
    actor: "dana.admin",
    rows_removed: 3,
    completeness_pct: null,
    notes: "RESET: All previous attempts deleted by dana.admin",
  }),
  ...threeStrikes(K.retripped, T("2025-01-05")), // until 01-12T04:00, then one attempt allowed:
  trip(K.retripped, 4, T("2025-01-12", "05:00:00")), // failing it re-trips until 01-19T05:00 → active
  ...threeStrikes(K.recovered, T("2025-01-03")),
  attemptRow({ ...K.recovered, attempt_number: 4, attempted_at: T("2025-01-10", "05:00:00"), event_type: "recovery", skip_reason: null, completeness_pct: 100 }),
  // legacy rows (event_type NULL): failure, failure, trip carrying manual_override_applied = TRUE
  fail(K.legacyFlagOnTrip, 1, T("2025-01-12"), legacy),
  fail(K.legacyFlagOnTrip, 2, T("2025-01-13"), legacy),
  trip(K.legacyFlagOnTrip, 3, T("2025-01-14"), { ...legacy, manual_override_applied: true, notes: "MANUAL OVERRIDE applied by ops" }),
  ...threeStrikes(K.endsAtNow, T("2025-01-09", "12:00:00")), // until == NOW exactly → half-open, not active
  ...threeStrikes(K.endsAfterNow, T("2025-01-09", "12:00:01")), // until = NOW + 1 s → active
  // one key written under two legacy aliases of ml_feature_store
  fail({ ...K.aliases, processor_name: "ml_feature_store_v2" }, 1, T("2025-01-13"), legacy),
  fail({ ...K.aliases, processor_name: "nba_predictions.ml_feature_store_v2" }, 2, T("2025-01-14"), legacy),
  trip({ ...K.aliases, processor_name: "ml_feature_store_v2" }, 3, T("2025-01-15"), { ...legacy, circuit_breaker_until: null }), // until = +7 days
  ...threeStrikes(K.legacyOverride, T("2025-01-12")),
  attemptRow({ ...K.legacyOverride, attempt_number: 4, attempted_at: T("2025-01-13"), skip_reason: "MANUAL_OVERRIDE", manual_override_applied: true }),
  ...threeStrikes(K.outsideBound, T("2025-01-14")),
  trip(K.failureAfterTrip, 3, T("2025-01-14")),
  fail(K.failureAfterTrip, 4, T("2025-01-15")), // does not clear the trip in the TypeScript rules
  ...threeStrikes(K.overrideAfterNow, T("2025-01-16")),
  attemptRow({ ...K.overrideAfterNow, attempt_number: 4, attempted_at: T("2025-01-17", "09:00:00"), event_type: "override", skip_reason: "MANUAL_OVERRIDE", manual_override_applied: true, actor: "maria.ops" }),
  ...threeStrikes(K.unknownProcessor, T("2025-01-13")),
  ...threeStrikes(K.halfOpen, T("2025-01-03")),
  fail(K.oldFailure, 1, T("2024-12-02")),
  // a reset row (attempt 0) that left rows under a dataset-prefixed alias behind: in attempt
  // order the RESET comes first, so the trip after it stands (deriveBreakerState says active)
  ...threeStrikes({ ...K.legacyResetBeforeAliasRows, processor_name: "nba_analytics.upcoming_player_game_context" }, T("2025-01-10")),
  attemptRow({ ...K.legacyResetBeforeAliasRows, attempt_number: 0, attempted_at: T("2025-01-11"), skip_reason: "RESET", manual_override_applied: true }),
  fail(K.legacySuccess, 1, T("2025-01-11"), legacy),
  fail(K.legacySuccess, 2, T("2025-01-12"), legacy),
  attemptRow({ ...K.legacySuccess, attempt_number: 3, attempted_at: T("2025-01-13"), skip_reason: null, completeness_pct: 95 }), // legacy success
  fail(K.legacySuccess, 4, T("2025-01-14")),
];

// ---------------------------------------------------------------------------------------------
// The reference calculation (TypeScript over the same arrays)

const r2 = (x: number) => Math.round(x * 100) / 100;
const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const ms = instantMs;

function latest(rows: Out[]): Out[] {
  const best = new Map<string, Out>();
  for (const o of rows) {
    const k = `${o.processor}|${o.entity}|${o.date}`;
    const cur = best.get(k);
    if (!cur || ms(o.processed_at) > ms(cur.processed_at)) best.set(k, o);
  }
  return [...best.values()];
}
const between = (from: string, to: string) => (o: Out) => o.date >= from && o.date <= to;

/**
 * The entities evaluated in [from, to]: the latest output row per key, and every skip attempt
 * (failure or trip, by eventOf) of a registry processor as a not-ready entity with the attempt's
 * completeness; per (processor, entity, date) the later event wins, a tie going to the output row.
 */
function evaluated(from: string, to: string): Out[] {
  const best = new Map<string, Out>();
  const offer = (o: Out, isOutput: boolean) => {
    const k = `${o.processor}|${o.entity}|${o.date}`;
    const cur = best.get(k);
    if (!cur || ms(o.processed_at) > ms(cur.processed_at) || (isOutput && ms(o.processed_at) === ms(cur.processed_at))) best.set(k, o);
  };
  for (const a of ATTEMPTS) {
    const processor = resolveProcessorName(a.processor_name);
    if (!processor || a.analysis_date < from || a.analysis_date > to) continue;
    if (!["failure", "trip"].includes(eventOf(a as BreakerRowInput))) continue;
    offer(
      {
        processor,
        entity: a.entity_id,
        date: a.analysis_date,
        processed_at: a.attempted_at,
        pct: a.completeness_pct,
        ready: false,
        bootstrap: false,
        reason: a.skip_reason === null ? undefined : `skipped_${a.skip_reason}`,
      },
      false,
    );
  }
  for (const o of latest(OUTPUTS).filter(between(from, to))) offer(o, true);
  return [...best.values()];
}

const canonical = (name: string) => resolveProcessorName(name) ?? name;

/** Keys (canonical) → rows, for rows attempted at or before now with analysis dates in [from, to]. */
function keysOf(rows: readonly A[], now: string, from: string, to: string): Map<string, A[]> {
  const out = new Map<string, A[]>();
  for (const r of rows) {
    if (ms(r.attempted_at) > ms(now) || r.analysis_date < from || r.analysis_date > to) continue;
    const k = `${canonical(r.processor_name)}|${r.entity_id}|${r.analysis_date}`;
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

/** Every key active at now, whatever its analysis date (bounded at now's date − 400 … + 7). */
function referenceActive(now = NOW): MonitoringRow<"active-breakers">[] {
  const rows: MonitoringRow<"active-breakers">[] = [];
  const today = now.slice(0, 10);
  for (const [k, keyRows] of keysOf(ATTEMPTS, now, addDays(today, -400), addDays(today, 7))) {
    const [processor, entity_id, analysis_date] = k.split("|") as [string, string, string];
    if (!resolveProcessorName(processor)) continue;
    const state = deriveBreakerState(keyRows as BreakerRowInput[], now);
    if (state.status !== "active") continue;
    const tripRow = keyRows.find((r) => eventOf(r) === "trip" && ms(r.attempted_at) === ms(state.trippedAt!))!;
    rows.push({
      processor,
      entity_id,
      analysis_date,
      attempt_number: tripRow.attempt_number,
      completeness_pct: tripRow.completeness_pct,
      skip_reason: tripRow.skip_reason,
      tripped_at: state.trippedAt!,
      breaker_until: state.until!,
      hours_remaining: Math.round(state.msUntilRetry / 360_000) / 10,
      notes: tripRow.notes,
    });
  }
  return rows.sort(
    (a, b) =>
      ms(a.breaker_until) - ms(b.breaker_until) ||
      a.processor.localeCompare(b.processor) ||
      a.entity_id.localeCompare(b.entity_id) ||
      a.analysis_date.localeCompare(b.analysis_date),
  );
}

function referenceHealth(): MonitoringRow<"health">[] {
  const window = evaluated(addDays(AS_OF, -6), AS_OF);
  const active = referenceActive();
  return PROCESSORS.map((p) => {
    const rows = window.filter((o) => o.processor === p.name);
    const pcts = rows.flatMap((o) => (o.pct === null ? [] : [o.pct]));
    const ready = rows.filter((o) => o.ready).length;
    return {
      processor: p.name,
      unique_entities: new Set(rows.map((o) => o.entity)).size,
      total_records: rows.length,
      avg_completeness_pct: pcts.length ? r2(avg(pcts)!) : null,
      min_completeness_pct: pcts.length ? Math.min(...pcts) : null,
      max_completeness_pct: pcts.length ? Math.max(...pcts) : null,
      production_ready_count: ready,
      production_ready_pct: rows.length ? r2((100 * ready) / rows.length) : null,
      active_breakers: active.filter((a) => a.processor === p.name).length,
      bootstrap_records: rows.filter((o) => o.bootstrap).length,
    };
  });
}

function referenceTrends(): MonitoringRow<"trends">[] {
  const window = evaluated(addDays(AS_OF, -29), AS_OF);
  const groups = new Map<string, Out[]>();
  for (const o of window) groups.set(`${o.date}|${o.processor}`, [...(groups.get(`${o.date}|${o.processor}`) ?? []), o]);
  return [...groups]
    .map(([k, rows]) => {
      const [date, processor] = k.split("|") as [string, string];
      const pcts = rows.flatMap((o) => (o.pct === null ? [] : [o.pct]));
      return {
        date,
        processor,
        avg_completeness_pct: pcts.length ? r2(avg(pcts)!) : null,
        production_ready_pct: r2((100 * rows.filter((o) => o.ready).length) / rows.length),
        records: rows.length,
      };
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.processor.localeCompare(b.processor));
}

function historyRows(days: number): A[] {
  const w = attemptWindowParams(NOW, days);
  return ATTEMPTS.filter(
    (r) => ms(r.attempted_at) >= ms(w.since) && ms(r.attempted_at) <= ms(NOW) && r.analysis_date >= w.date_from && r.analysis_date <= w.date_to,
  );
}

function referenceHistory(): MonitoringRow<"breaker-history">[] {
  return historyRows(30)
    .map((r) => ({
      attempted_at: r.attempted_at,
      processor: canonical(r.processor_name),
      entity_id: r.entity_id,
      analysis_date: r.analysis_date,
      attempt_number: r.attempt_number,
      event: eventOf(r),
      completeness_pct: r.completeness_pct === null ? null : r2(r.completeness_pct),
      skip_reason: r.skip_reason,
      actor: r.actor ?? null,
      notes: r.notes,
    }))
    .sort(
      (a, b) =>
        ms(b.attempted_at) - ms(a.attempted_at) ||
        a.processor.localeCompare(b.processor) ||
        a.entity_id.localeCompare(b.entity_id) ||
        a.analysis_date.localeCompare(b.analysis_date) ||
        b.attempt_number - a.attempt_number,
    );
}

function referencePatterns(): MonitoringRow<"patterns">[] {
  const attempts = historyRows(7).filter((r) => ["failure", "trip", "success", "recovery"].includes(eventOf(r)));
  const groups = new Map<string, A[]>();
  for (const r of attempts) {
    const k = JSON.stringify([canonical(r.processor_name), r.skip_reason]);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups]
    .map(([k, rows]) => {
      const [processor, skip_reason] = JSON.parse(k) as [string, string | null];
      const entities = new Set(rows.map((r) => r.entity_id)).size;
      const pcts = rows.flatMap((r) => (r.completeness_pct === null ? [] : [r.completeness_pct]));
      return {
        processor,
        skip_reason,
        affected_entities: entities,
        total_attempts: rows.length,
        avg_attempts_per_entity: r2(rows.length / entities),
        avg_completeness_pct: pcts.length ? r2(avg(pcts)!) : null,
        trips: rows.filter((r) => eventOf(r) === "trip").length,
      };
    })
    .sort(
      (a, b) =>
        b.affected_entities - a.affected_entities ||
        a.processor.localeCompare(b.processor) ||
        (a.skip_reason === b.skip_reason ? 0 : a.skip_reason === null ? 1 : b.skip_reason === null ? -1 : a.skip_reason.localeCompare(b.skip_reason)),
    );
}

// ---------------------------------------------------------------------------------------------

let wh: Warehouse;

beforeAll(async () => {
  wh = memoryWarehouse();
  for (const def of PROCESSORS) {
    const rows = OUTPUTS.filter((o) => o.processor === def.name).map(tableRow);
    if (rows.length) await wh.insert(def.table, outputColumns(def), rows);
  }
  await insertAttempts(wh, ATTEMPTS);
});

afterAll(async () => {
  await wh.close();
});

const q = <N extends MonitoringQueryName>(name: N, ctx = CTX) => runMonitoringQuery(wh, name, ctx);

describe("every monitoring query", () => {
  it.each(MONITORING_QUERY_NAMES)("%s returns rows with exactly the contract's fields, in one warehouse query", async (name) => {
    const counting = countingWarehouse(wh);
    const rows = await runMonitoringQuery(counting.wh, name, CTX);
    expect(counting.counts.query).toBe(1);
    expect(rows.length).toBeGreaterThan(0);
    const fields = Object.keys(monitoringRows[name].shape).sort();
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(fields);
      expect(monitoringRows[name].safeParse(row).success).toBe(true);
    }
  });
});

describe("health", () => {
  it("matches the reference calculation for all seven processors, in registry order", async () => {
    expect(await q("health")).toEqual(referenceHealth());
  });

  it("by hand: team_defense_zone_analysis over 2025-01-09…15 and ml_feature_store with no rows", async () => {
    const rows = await q("health");
    expect(rows.map((r) => r.processor)).toEqual(PROCESSORS.map((p) => p.name));
    expect(rows.find((r) => r.processor === "team_defense_zone_analysis")).toEqual({
      processor: "team_defense_zone_analysis",
      // output rows: BOS 01-15 (100, ready), LAL 01-15 (80), NYK 01-15 re-run (93.4, ready; the
      // older 60 is replaced), BOS 01-10 (90, ready). LAL 01-08 is before the window, BOS 01-16 after.
      // skip attempts with no output row (the latest is a trip at 63): LAL 01-10, BOS 01-09,
      // NYK 01-11 (its later override is not an evaluation), BOS 01-14.
      unique_entities: 3,
      total_records: 8,
      avg_completeness_pct: 76.93, // (100 + 80 + 93.4 + 90 + 4 × 63) / 8 = 615.4 / 8 = 76.925
      min_completeness_pct: 63,
      max_completeness_pct: 100,
      production_ready_count: 3,
      production_ready_pct: 37.5, // 3 / 8
      // LAL 01-10 (trip until 01-20), BOS 01-09 (until now + 1 s), BOS 01-14 (its override is
      // after now), LAL 2024-11-01 (dated long before as_of, tripped 01-14: active all the same);
      // not NYK 01-11 (legacy override marker)
      active_breakers: 4,
      bootstrap_records: 0,
    });
    expect(rows.find((r) => r.processor === "ml_feature_store")).toEqual({
      processor: "ml_feature_store",
      // no output row; one entity skipped (aaron 01-12, written under its aliases: trip at 63)
      unique_entities: 1,
      total_records: 1,
      avg_completeness_pct: 63,
      min_completeness_pct: 63,
      max_completeness_pct: 63,
      production_ready_count: 0,
      production_ready_pct: 0,
      active_breakers: 1, // its key written under ml_feature_store_v2 / nba_predictions.ml_feature_store_v2
      bootstrap_records: 0,
    });
  });

  it("counts exactly the keys active-breakers lists (the alert's number = the list's length)", async () => {
    const [health, active] = await Promise.all([q("health"), q("active-breakers")]);
    for (const h of health) expect(h.active_breakers).toBe(active.filter((a) => a.processor === h.processor).length);
  });
});

describe("active-breakers", () => {
  it("lists exactly the keys deriveBreakerState calls active, with the trip in force", async () => {
    expect(await q("active-breakers")).toEqual(referenceActive());
  });

  it("by hand: which tricky keys are active at now", async () => {
    const rows = await q("active-breakers");
    const keys = rows.map((r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`).sort();
    const k = (x: { processor_name: string; entity_id: string; analysis_date: string }) => `${canonical(x.processor_name)}|${x.entity_id}|${x.analysis_date}`;
    expect(keys).toEqual(
      [
        K.activeSimple,
        K.retripped, // half-open key that failed its one attempt: re-tripped
        K.legacyFlagOnTrip, // the original's flag on a trip row never unblocked anything
        K.endsAfterNow,
        K.aliases, // as ml_feature_store
        K.failureAfterTrip,
        K.overrideAfterNow, // at now the override has not happened yet
        K.legacyResetBeforeAliasRows,
        K.outsideBound, // dated 2024-11-01, tripped 01-14: active at now whatever its date
      ]
        .map(k)
        .sort(),
    );
    // not: overridden, reset, recovered, endsAtNow (until == now: half-open), legacyOverride,
    // halfOpen, unknownProcessor (not a registry processor)
    const simple = rows.find((r) => r.entity_id === "LAL" && r.analysis_date === "2025-01-10")!;
    expect(simple).toEqual({
      processor: "team_defense_zone_analysis",
      entity_id: "LAL",
      analysis_date: "2025-01-10",
      attempt_number: 3,
      completeness_pct: 63,
      skip_reason: "incomplete_upstream_data",
      tripped_at: "2025-01-13T04:00:00.000Z",
      breaker_until: "2025-01-20T04:00:00.000Z",
      hours_remaining: 88, // 01-16T12:00 → 01-20T04:00 = 3 days 16 hours
      notes: "Attempt 3: tripped",
    });
    const aliased = rows.find((r) => r.processor === "ml_feature_store")!;
    expect(aliased.breaker_until).toBe("2025-01-22T04:00:00.000Z"); // no until stored: attempted_at + 7 days
    expect(rows.find((r) => r.entity_id === "BOS" && r.analysis_date === "2025-01-09")!.hours_remaining).toBe(0); // 1 s left
  });

  it("a cooldown ending exactly at now is not active; one millisecond earlier it is", async () => {
    const atNow = await q("active-breakers");
    expect(atNow.some((r) => r.entity_id === K.endsAtNow.entity_id)).toBe(false);
    const before = await q("active-breakers", { ...CTX, now: "2025-01-16T11:59:59.999Z" });
    expect(before.some((r) => r.entity_id === K.endsAtNow.entity_id)).toBe(true);
    expect(before).toEqual(referenceActive("2025-01-16T11:59:59.999Z"));
  });

  it("agrees with deriveBreakerState at other instants (rows after now are not yet written)", async () => {
    for (const now of ["2025-01-13T04:00:00.000Z", "2025-01-14T15:00:00.000Z", "2025-01-17T10:00:00.000Z", "2025-01-25T00:00:00.000Z"]) {
      expect(await q("active-breakers", { ...CTX, now })).toEqual(referenceActive(now));
    }
  });
});

describe("trends", () => {
  it("matches the reference: per date and processor over the 30 dates ending at as_of", async () => {
    const rows = await q("trends");
    expect(rows).toEqual(referenceTrends());
    // by hand: TDZA on as_of — BOS 100, LAL 80, NYK 93.4 (re-run) → avg 91.13, 2 of 3 ready
    expect(rows.find((r) => r.date === AS_OF && r.processor === "team_defense_zone_analysis")).toEqual({
      date: AS_OF,
      processor: "team_defense_zone_analysis",
      avg_completeness_pct: 91.13, // 273.4 / 3 = 91.1333…
      production_ready_pct: 66.67,
      records: 3,
    });
    expect(rows.some((r) => r.date === "2025-01-08")).toBe(true); // inside 30 days, outside health's 7
    expect(rows.some((r) => r.date > AS_OF)).toBe(false);
  });
});

describe("below-threshold", () => {
  it("by hand: every entity evaluated for as_of that is not ready and not bootstrap, written or skipped", async () => {
    expect(await q("below-threshold")).toEqual([
      { processor: "player_shot_zone_analysis", entity_id: "bella", date: AS_OF, completeness_pct: 70, expected_games: 10, actual_games: 7, missing_games: 3, processing_decision_reason: "skipped_circuit_breaker_active" },
      { processor: "upcoming_team_game_context", entity_id: `LAL_${AS_OF}`, date: AS_OF, completeness_pct: 75, expected_games: 8, actual_games: 6, missing_games: 2, processing_decision_reason: "skipped_incomplete_upstream_data" },
      { processor: "player_daily_cache", entity_id: "bella", date: AS_OF, completeness_pct: 80, expected_games: 10, actual_games: 8, missing_games: 2, processing_decision_reason: "skipped_incomplete_upstream_data" },
      { processor: "team_defense_zone_analysis", entity_id: "LAL", date: AS_OF, completeness_pct: 80, expected_games: 15, actual_games: 12, missing_games: 3, processing_decision_reason: "skipped_incomplete_upstream_data" },
      { processor: "upcoming_player_game_context", entity_id: "bella", date: AS_OF, completeness_pct: 88.9, expected_games: 9, actual_games: 8, missing_games: 1, processing_decision_reason: "skipped_incomplete_upstream_data" },
      // complete itself, skipped for its upstream processors (cascade)
      { processor: "player_composite_factors", entity_id: "aaron", date: AS_OF, completeness_pct: 100, expected_games: 10, actual_games: 10, missing_games: 0, processing_decision_reason: "skipped_incomplete_upstream_dependencies" },
      // no games expected (NULL) sorts last
      { processor: "player_composite_factors", entity_id: "fred", date: AS_OF, completeness_pct: null, expected_games: 0, actual_games: 0, missing_games: 0, processing_decision_reason: "skipped_incomplete_upstream_dependencies" },
    ]);
    // not listed: PSZA carl (bootstrap), TDZA NYK and PDC carl / UPGC aaron (their re-runs are ready)
  });
});

describe("breaker-history", () => {
  it("matches the reference: every row attempted in the 30 days ending at now, events as eventOf", async () => {
    const rows = await q("breaker-history");
    expect(rows).toEqual(referenceHistory());
    const events = new Set(rows.map((r) => r.event));
    expect([...events].sort()).toEqual(["failure", "override", "recovery", "reset", "success", "trip"]);
    // by hand: the legacy rows and the operator rows
    const find = (k: { entity_id: string; analysis_date: string }, n: number) =>
      rows.find((r) => r.entity_id === k.entity_id && r.analysis_date === k.analysis_date && r.attempt_number === n)!;
    expect(find(K.legacyFlagOnTrip, 3).event).toBe("trip");
    expect(find(K.legacyOverride, 4).event).toBe("override");
    expect(find(K.legacyResetBeforeAliasRows, 0).event).toBe("reset");
    expect(find(K.legacySuccess, 3).event).toBe("success");
    expect(find(K.overridden, 4)).toMatchObject({ event: "override", actor: "jordan.oncall" });
    expect(find(K.reset, 0)).toMatchObject({ event: "reset", actor: "dana.admin", completeness_pct: null });
    expect(find(K.aliases, 1).processor).toBe("ml_feature_store");
    expect(rows.some((r) => r.processor === "legacy_box_score_processor")).toBe(true); // unknown names kept
    expect(rows.some((r) => r.entity_id === K.oldFailure.entity_id && r.analysis_date === K.oldFailure.analysis_date)).toBe(false); // before the window
    expect(rows.some((r) => r.attempted_at === T("2025-01-17", "09:00:00"))).toBe(false); // after now
  });
});

describe("bootstrap", () => {
  it("by hand: per date and processor in the season of as_of (opening night from the calendar)", async () => {
    expect(await q("bootstrap")).toEqual([
      { date: AS_OF, processor: "player_shot_zone_analysis", bootstrap_records: 1 }, // carl (a backfill run)
      { date: "2024-11-01", processor: "player_shot_zone_analysis", bootstrap_records: 1 },
      { date: "2024-11-01", processor: "team_defense_zone_analysis", bootstrap_records: 1 }, // BOS; LAL's re-run is not bootstrap
      // 2024-10-10 (preseason, before 2024-10-22) belongs to no season range here
    ]);
  });

  it("follows the calendar it is given (the demo database registers a shifted season)", async () => {
    const shifted = { ...CALENDAR, 2024: "2024-11-05" };
    expect(await q("bootstrap", { ...CTX, calendar: shifted })).toEqual([{ date: AS_OF, processor: "player_shot_zone_analysis", bootstrap_records: 1 }]);
    expect(seasonRange(AS_OF, shifted)).toEqual({ date_from: "2024-11-05", date_to: AS_OF });
    // October before opening night: the coming season, from October 1st
    expect(seasonRange("2024-10-10", CALENDAR)).toEqual({ date_from: "2024-10-01", date_to: "2024-10-10" });
    expect(await q("bootstrap", { ...CTX, as_of: "2024-10-10" })).toEqual([{ date: "2024-10-10", processor: "team_defense_zone_analysis", bootstrap_records: 1 }]);
  });
});

describe("multi-window", () => {
  it("by hand: per entity and window, entities of the three multi-window processors not complete on as_of", async () => {
    expect(await q("multi-window")).toEqual([
      { processor: "player_daily_cache", entity_id: "bella", date: AS_OF, window: "l5", completeness_pct: 60, is_complete: false },
      { processor: "player_daily_cache", entity_id: "bella", date: AS_OF, window: "l10", completeness_pct: 80, is_complete: false },
      { processor: "player_daily_cache", entity_id: "bella", date: AS_OF, window: "l7d", completeness_pct: 100, is_complete: true },
      { processor: "player_daily_cache", entity_id: "bella", date: AS_OF, window: "l14d", completeness_pct: null, is_complete: true }, // no games expected
      { processor: "upcoming_player_game_context", entity_id: "bella", date: AS_OF, window: "l5", completeness_pct: 100, is_complete: true },
      { processor: "upcoming_player_game_context", entity_id: "bella", date: AS_OF, window: "l10", completeness_pct: 90, is_complete: true },
      { processor: "upcoming_player_game_context", entity_id: "bella", date: AS_OF, window: "l7d", completeness_pct: 100, is_complete: true },
      { processor: "upcoming_player_game_context", entity_id: "bella", date: AS_OF, window: "l14d", completeness_pct: 85.7, is_complete: false },
      { processor: "upcoming_player_game_context", entity_id: "bella", date: AS_OF, window: "l30d", completeness_pct: 88.9, is_complete: false },
      { processor: "upcoming_team_game_context", entity_id: `LAL_${AS_OF}`, date: AS_OF, window: "l7d", completeness_pct: 50, is_complete: false },
      { processor: "upcoming_team_game_context", entity_id: `LAL_${AS_OF}`, date: AS_OF, window: "l14d", completeness_pct: 75, is_complete: false },
    ]);
    // not listed: PDC carl and UPGC aaron (their latest rows are complete), PDC aaron
  });
});

describe("readiness", () => {
  it("by hand: one row per processor on as_of, status bands on their boundaries, no rows = critical", async () => {
    expect(await q("readiness")).toEqual([
      // no rows: worst first
      { processor: "ml_feature_store", total_records: 0, ready_count: 0, not_ready_count: 0, ready_pct: null, avg_completeness_pct: null, status: "critical" },
      // aaron, bella, carl (bootstrap, not ready), dana (no games expected, ready): 2 / 4
      { processor: "player_shot_zone_analysis", total_records: 4, ready_count: 2, not_ready_count: 2, ready_pct: 50, avg_completeness_pct: 73.33, status: "critical" }, // (100+70+50)/3
      // BOS 100, LAL 80, NYK 93.4 (re-run): 2 / 3
      { processor: "team_defense_zone_analysis", total_records: 3, ready_count: 2, not_ready_count: 1, ready_pct: 66.67, avg_completeness_pct: 91.13, status: "critical" },
      // aaron, bella (80), carl (re-run ready): 2 / 3
      { processor: "player_daily_cache", total_records: 3, ready_count: 2, not_ready_count: 1, ready_pct: 66.67, avg_completeness_pct: 93.33, status: "critical" }, // 280 / 3
      // 4 of 5 = 80 → warning (≥ 80)
      { processor: "upcoming_player_game_context", total_records: 5, ready_count: 4, not_ready_count: 1, ready_pct: 80, avg_completeness_pct: 97.78, status: "warning" }, // (88.9 + 400) / 5
      // 18 of 20 = 90 → good (≥ 90); fred's NULL completeness is not averaged
      { processor: "player_composite_factors", total_records: 20, ready_count: 18, not_ready_count: 2, ready_pct: 90, avg_completeness_pct: 100, status: "good" },
      // 19 of 20 = 95 → excellent (≥ 95)
      { processor: "upcoming_team_game_context", total_records: 20, ready_count: 19, not_ready_count: 1, ready_pct: 95, avg_completeness_pct: 98.75, status: "excellent" }, // (75 + 1900) / 20
    ]);
  });
});

describe("patterns", () => {
  it("matches the reference: attempts of the 7 days ending at now per processor and skip reason", async () => {
    const rows = await q("patterns");
    expect(rows).toEqual(referencePatterns());
    expect(rows.some((r) => r.skip_reason === "MANUAL_OVERRIDE" || r.skip_reason === "RESET")).toBe(false); // operator rows are not attempts
    // by hand: ml_feature_store's aliased key — failure 01-13, failure 01-14, trip 01-15 (61, 62, 63)
    expect(rows.find((r) => r.processor === "ml_feature_store")).toEqual({
      processor: "ml_feature_store",
      skip_reason: "incomplete_upstream_data",
      affected_entities: 1,
      total_attempts: 3,
      avg_attempts_per_entity: 3,
      avg_completeness_pct: 62,
      trips: 1,
    });
    // the successful attempts form the NULL skip-reason group: PDC aaron's recovery (01-10T05:00)
    expect(rows.find((r) => r.processor === "player_daily_cache" && r.skip_reason === null)).toMatchObject({ total_attempts: 1, trips: 0 });
  });
});

describe("data as of", () => {
  it("is the latest output date up to now's date", async () => {
    expect(await latestOutputDate(wh, NOW)).toBe("2025-01-16"); // TDZA BOS 2025-01-16
    expect(await latestOutputDate(wh, "2025-01-15T23:59:59.000Z")).toBe(AS_OF);
    expect(await latestOutputDate(wh, "2020-01-01T00:00:00.000Z")).toBeNull();
    // older than the 400-day lookup: found by the fallback lookup
    expect(await latestOutputDate(wh, "2027-06-01T00:00:00.000Z")).toBe("2025-01-16");
  });
});
