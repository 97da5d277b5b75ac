/**
 * Production readiness and the per-entity processing decision (corrected rules).
 * Client-safe, pure.
 *
 * Invariants:
 * - Thresholds compare the UNROUNDED percentage: 89.96 is stored as 90.0 and is not ready.
 * - A window with no expected games never blocks (the original called it 0% and not ready).
 * - Multi-window processors are ready only when every window is.
 * - Cascade processors are ready only when each upstream processor's row for the same entity
 *   and date is ready; a missing row is not ready.
 * - Every written decision reason comes from PROCESSING_DECISION_REASONS, every skip reason
 *   written to reprocess_attempts from SKIP_REASONS.
 */
import type { BreakerEventType, BreakerStatus } from "./breaker";
import { type ProcessorDef, type ProcessorName, getProcessor } from "./processors";
import type { EntityCompleteness, WindowResult } from "./windows";

export const DEFAULT_THRESHOLD = 90;

export type ThresholdOverrides = Partial<Record<ProcessorName, number>>;

/** The processor's threshold: an override when given, else the registry's value. */
export function thresholdFor(processor: ProcessorName | ProcessorDef, overrides: ThresholdOverrides = {}): number {
  const def = typeof processor === "string" ? getProcessor(processor) : processor;
  return overrides[def.name] ?? def.threshold;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/**
 * `processing_decision_reason`, the fixed set. One value per decision:
 * - processed_successfully: own windows and upstream processors ready.
 * - processed_no_games_expected: ready only because no window expected any game (a rookie
 *   before his debut, a team during a long break), upstream ready.
 * - processed_in_bootstrap_mode: not ready, processed anyway because of bootstrap (first 30
 *   days of the season, preseason, or an explicit backfill); flagged, not a failure.
 * - processed_after_override: ready, first processing after an operator override.
 * - processed_recovery_attempt: ready, the one attempt allowed after a cooldown (half-open).
 * - skipped_circuit_breaker_active: not attempted, the key's breaker is active.
 * - skipped_incomplete_upstream_data: own completeness below threshold on some window.
 * - skipped_incomplete_upstream_dependencies: own data ready, an upstream processor not.
 * The original wrote only 'processed_successfully' and 'early_season_placeholder';
 * LEGACY_DECISION_REASONS lists what old rows may hold.
 */
export const PROCESSING_DECISION_REASONS = [
  "processed_successfully",
  "processed_no_games_expected",
  "processed_in_bootstrap_mode",
  "processed_after_override",
  "processed_recovery_attempt",
  "skipped_circuit_breaker_active",
  "skipped_incomplete_upstream_data",
  "skipped_incomplete_upstream_dependencies",
] as const;
export type ProcessingDecisionReason = (typeof PROCESSING_DECISION_REASONS)[number];

/** Values the original's rows and docs may contain; read, never written. */
export const LEGACY_DECISION_REASONS = [
  "early_season_placeholder",
  "incomplete_upstream_data",
  "circuit_breaker_active",
] as const;

/** `reprocess_attempts.skip_reason` values we write: the original's vocabulary. */
export const SKIP_REASONS = [
  "incomplete_upstream_data",
  "incomplete_upstream_data_multi_window",
  "incomplete_upstream_dependencies",
  "circuit_breaker_active",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Skip reasons some original processors wrote instead, mapped to ours when reading. */
export const SKIP_REASON_ALIASES: Readonly<Record<string, SkipReason>> = {
  incomplete_own_data: "incomplete_upstream_data", // PCF/MLFS post-seed
  incomplete_multi_window_data: "incomplete_upstream_data_multi_window", // UPGC
};

/** A skip reason as we write it; unknown values (e.g. 'early_season_placeholder') pass through. */
export function normalizeSkipReason(raw: string): string {
  return SKIP_REASON_ALIASES[raw] ?? raw;
}

/**
 * The original's `data_quality_issues` strings for a not-ready upstream processor (its schema
 * docs). ml_feature_store is nobody's upstream; it gets the same pattern for completeness.
 */
export const UPSTREAM_ISSUES: Readonly<Record<ProcessorName, string>> = {
  player_shot_zone_analysis: "upstream_player_shot_zone_incomplete",
  team_defense_zone_analysis: "upstream_team_defense_zone_incomplete",
  upcoming_player_game_context: "upstream_player_context_incomplete",
  upcoming_team_game_context: "upstream_team_context_incomplete",
  player_daily_cache: "upstream_player_daily_cache_incomplete",
  player_composite_factors: "upstream_player_composite_factors_incomplete",
  ml_feature_store: "upstream_ml_feature_store_incomplete",
};

/** `missing_game_2024-11-05`: an own gap, the example of the original's schema docs. */
export function missingGameIssue(gameDate: string): string {
  return `missing_game_${gameDate}`;
}

// ---------------------------------------------------------------------------------------------
// Own readiness

/** Ready: no games expected, or unrounded completeness ≥ threshold. */
export function isWindowReady(window: Pick<WindowResult, "noGamesExpected" | "completenessPct">, threshold: number): boolean {
  if (window.noGamesExpected || window.completenessPct === null) return true;
  return window.completenessPct >= threshold;
}

export interface OwnReadiness {
  ready: boolean;
  threshold: number;
  windows: { id: string; ready: boolean; noGamesExpected: boolean; completenessPct: number | null }[];
  /** Ids of the windows below threshold. */
  blockingWindows: string[];
  /** Every window expected nothing. */
  noGamesExpected: boolean;
  /** `missing_game_<date>` for every missing game of any window, each date once, ascending. */
  issues: string[];
}

export function ownReadiness(completeness: Pick<EntityCompleteness, "windows">, threshold: number): OwnReadiness {
  const windows = completeness.windows.map((w) => ({
    id: w.id,
    ready: isWindowReady(w, threshold),
    noGamesExpected: w.noGamesExpected,
    completenessPct: w.completenessPct,
  }));
  const dates = new Set(completeness.windows.flatMap((w) => w.missingGames.map((g) => g.game_date)));
  return {
    ready: windows.every((w) => w.ready),
    threshold,
    windows,
    blockingWindows: windows.filter((w) => !w.ready).map((w) => w.id),
    noGamesExpected: windows.every((w) => w.noGamesExpected),
    issues: [...dates].sort().map(missingGameIssue),
  };
}

// ---------------------------------------------------------------------------------------------
// Cascade readiness

export interface CascadeReadiness {
  ready: boolean;
  /** Upstream processors not ready (missing row included), in registry order. */
  notReady: ProcessorName[];
  issues: string[];
}

/**
 * `upstream` holds each upstream processor's `is_production_ready` for the same entity and
 * date (for PCF/MLFS the team-level upstreams are looked up for the player's opponent by the
 * caller). Absent or null = no row = not ready. A processor with no dependencies is ready.
 */
export function cascadeReadiness(
  processor: ProcessorName | ProcessorDef,
  upstream: Partial<Record<ProcessorName, boolean | null>>,
): CascadeReadiness {
  const def = typeof processor === "string" ? getProcessor(processor) : processor;
  const notReady = def.dependsOn.filter((name) => upstream[name] !== true);
  return { ready: notReady.length === 0, notReady, issues: notReady.map((name) => UPSTREAM_ISSUES[name]) };
}

/** data_quality_issues: own gaps first (by date), then not-ready upstreams (registry order). */
export function dataQualityIssues(own: Pick<OwnReadiness, "issues">, cascade: Pick<CascadeReadiness, "issues">): string[] {
  return [...own.issues, ...cascade.issues];
}

// ---------------------------------------------------------------------------------------------
// The decision

export const DECISION_ACTIONS = [
  "process",
  "process_bootstrap",
  "process_no_games_expected",
  "skip_breaker_active",
  "skip_incomplete",
  "skip_upstream_not_ready",
] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export interface DecisionInput {
  own: Pick<OwnReadiness, "ready" | "noGamesExpected">;
  cascade: Pick<CascadeReadiness, "ready">;
  bootstrap: boolean;
  breaker: { status: BreakerStatus; lastEvent: BreakerEventType | null };
  /** More than one window: the skip reason says `_multi_window`, as the original's PDC did. */
  multiWindow: boolean;
}

export interface Decision {
  action: DecisionAction;
  reason: ProcessingDecisionReason;
  /** Written to reprocess_attempts.skip_reason for a failed attempt; null when processed. */
  skipReason: SkipReason | null;
  /** The entity's output row is computed and written. */
  processes: boolean;
  /** A failed attempt to record (nextAttemptRow with ok: false). Never in bootstrap. */
  countsAsFailure: boolean;
  /**
   * The data is ready: own ready AND cascade ready (bootstrap does not make data ready). What a
   * live recheck reports; the output row's is_production_ready is `writtenProductionReady`.
   */
  productionReady: boolean;
}

/**
 * `is_production_ready` as written to the output row: the data is ready AND the processor
 * processed the key. A key skipped because its breaker is active was not processed, whatever its
 * data now holds: writing it as ready would let downstream processors (which read this flag as
 * their upstream's readiness) and the readiness figures count a row nobody produced.
 */
export function writtenProductionReady(decision: Pick<Decision, "processes" | "productionReady">): boolean {
  return decision.processes && decision.productionReady;
}

/**
 * One entity, one date. Precedence, top first:
 * 1. Active breaker → skip_breaker_active (checked first, as in the original; not an attempt).
 * 2. Own and cascade ready → process (reason: recovery attempt when half-open, after override
 *    when the last event is an override, no-games-expected when nothing was expected — action
 *    process_no_games_expected — else processed_successfully).
 * 3. Bootstrap → process_bootstrap: processed and flagged, never a failure.
 * 4. Own not ready → skip_incomplete (incomplete_upstream_data[_multi_window]), even when the
 *    upstreams are also not ready: the processor's own data is the first thing to fix.
 * 5. Own ready, upstream not → skip_upstream_not_ready (incomplete_upstream_dependencies).
 */
export function decide(input: DecisionInput): Decision {
  const productionReady = input.own.ready && input.cascade.ready;
  const processed = (action: DecisionAction, reason: ProcessingDecisionReason): Decision => ({
    action,
    reason,
    skipReason: null,
    processes: true,
    countsAsFailure: false,
    productionReady,
  });
  const skipped = (action: DecisionAction, reason: ProcessingDecisionReason, skipReason: SkipReason, countsAsFailure: boolean): Decision => ({
    action,
    reason,
    skipReason,
    processes: false,
    countsAsFailure,
    productionReady,
  });

  if (input.breaker.status === "active") {
    return skipped("skip_breaker_active", "skipped_circuit_breaker_active", "circuit_breaker_active", false);
  }
  if (productionReady) {
    if (input.breaker.status === "half_open") return processed("process", "processed_recovery_attempt");
    if (input.breaker.lastEvent === "override") return processed("process", "processed_after_override");
    if (input.own.noGamesExpected) return processed("process_no_games_expected", "processed_no_games_expected");
    return processed("process", "processed_successfully");
  }
  if (input.bootstrap) return processed("process_bootstrap", "processed_in_bootstrap_mode");
  if (!input.own.ready) {
    const skipReason = input.multiWindow ? "incomplete_upstream_data_multi_window" : "incomplete_upstream_data";
    return skipped("skip_incomplete", "skipped_incomplete_upstream_data", skipReason, true);
  }
  return skipped("skip_upstream_not_ready", "skipped_incomplete_upstream_dependencies", "incomplete_upstream_dependencies", true);
}

// ---------------------------------------------------------------------------------------------
// Output columns

export interface WindowColumnValue {
  /** `l10_completeness_pct`: the rounded stored value; null when no games are expected. */
  completenessPct: number | null;
  /** `l10_is_complete`: the window is production ready (≥ threshold, or nothing expected). */
  isComplete: boolean;
}

/**
 * Values of the multi-window columns. One meaning everywhere (the original wrote ≥ 90% in PDC
 * but actual ≥ expected in UPGC/UTGC): `l<N>_is_complete` = that window is ready,
 * as the schema comments say, and `all_windows_complete` = every window is.
 */
export function windowColumnValues(
  completeness: Pick<EntityCompleteness, "windows">,
  threshold: number,
): { windows: Record<string, WindowColumnValue>; allWindowsComplete: boolean } {
  const windows: Record<string, WindowColumnValue> = {};
  for (const w of completeness.windows) windows[w.id] = { completenessPct: w.pctRounded, isComplete: isWindowReady(w, threshold) };
  return { windows, allWindowsComplete: Object.values(windows).every((w) => w.isComplete) };
}
