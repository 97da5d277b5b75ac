/**
 * The processor registry: the seven processors as data, in one place. SQL generation, checks,
 * pages and the CLI all read it. Client-safe: no imports.
 *
 * Names: the console speaks of each processor by one canonical name (pages, API, CLI, metrics).
 * In `reprocess_attempts` a processor's rows carry the name its PIPELINE writes and reads —
 * the original Python processors write their `table_name`: `ml_feature_store_v2` for the
 * feature store and `nba_analytics.upcoming_player_game_context` for the upcoming player
 * context. Reads accept every known name (`resolveProcessorName`); writes use the name the
 * deployment's pipeline reads (`pipelineName`, configurable per deployment among the known
 * names: lib/completeness/deployment.ts), or the processor would never see them.
 */

export const PROCESSOR_NAMES = [
  "team_defense_zone_analysis",
  "player_shot_zone_analysis",
  "player_daily_cache",
  "player_composite_factors",
  "ml_feature_store",
  "upcoming_player_game_context",
  "upcoming_team_game_context",
] as const;

export type ProcessorName = (typeof PROCESSOR_NAMES)[number];

/** `team`: a tricode (LAL). `player`: a player_lookup (lebronjames). `team_game`: LAL_2024-12-15. */
export type EntityKind = "team" | "player" | "team_game";

export interface WindowSpec {
  /** Column prefix in the output table, e.g. `l10` or `l7d`. */
  id: string;
  kind: "games" | "days";
  size: number;
}

export interface UpstreamSource {
  /**
   * `box_score`: a per-game table with one row per entity and game; a game is present for an
   * entity when its row is there. `schedule`: the schedule itself is the upstream (UTGC): a final
   * game in the schedule is by definition present, so only missing schedule data can lower it.
   */
  kind: "box_score" | "schedule";
  /** `dataset.table` */
  table: string;
  /** The column holding the entity in the upstream table. */
  entityColumn: string;
  /** The column holding the team, used to tell a DNP (team box score present) from a data gap. */
  teamColumn: string;
}

export interface ProcessorDef {
  name: ProcessorName;
  /** Short label for narrow places (tables, chart legends). */
  short: string;
  /** Other names seen in `reprocess_attempts` rows for this processor. */
  aliases: readonly string[];
  /**
   * The name the original pipeline writes and reads in `reprocess_attempts` (its processor's
   * `table_name`): the default the console writes under. One of `name` and `aliases`.
   */
  pipelineName: string;
  /** `dataset.table` of the output table. */
  table: string;
  /**
   * The output table's columns that say when a row was written, first non-NULL wins: the
   * feature store has no `processed_at` (only `updated_at` and `created_at`), the other six
   * tables have `processed_at` (nullable in some, so `created_at` backs it up).
   */
  writtenAt: readonly string[];
  /** The output table's partition (date) column. */
  dateColumn: "analysis_date" | "cache_date" | "game_date";
  /** The output table's entity column. */
  entityColumn: "team_abbr" | "player_lookup";
  entityKind: EntityKind;
  windows: readonly WindowSpec[];
  /** The window whose figures fill the four standard metric columns. */
  primaryWindow: string;
  /** True when the table carries `l<N>_completeness_pct` / `l<N>_is_complete` / `all_windows_complete`. */
  multiWindow: boolean;
  upstream: UpstreamSource;
  /** Cascade: this processor is ready only when these processors' rows for the entity and date are. */
  dependsOn: readonly ProcessorName[];
  /** Production-ready threshold in percent (configurable per processor; 90 by default). */
  threshold: number;
}

const games = (size: number): WindowSpec => ({ id: `l${size}`, kind: "games", size });
const days = (size: number): WindowSpec => ({ id: `l${size}d`, kind: "days", size });

const PLAYER_GAME_SUMMARY: UpstreamSource = {
  kind: "box_score",
  table: "nba_analytics.player_game_summary",
  entityColumn: "player_lookup",
  teamColumn: "team_abbr",
};

export const PROCESSORS: readonly ProcessorDef[] = [
  {
    name: "team_defense_zone_analysis",
    short: "TDZA",
    aliases: ["nba_precompute.team_defense_zone_analysis"],
    table: "nba_precompute.team_defense_zone_analysis",
    pipelineName: "team_defense_zone_analysis",
    writtenAt: ["processed_at", "created_at"],
    dateColumn: "analysis_date",
    entityColumn: "team_abbr",
    entityKind: "team",
    windows: [games(15)],
    primaryWindow: "l15",
    multiWindow: false,
    upstream: {
      kind: "box_score",
      table: "nba_analytics.team_defense_game_summary",
      entityColumn: "defending_team_abbr",
      teamColumn: "defending_team_abbr",
    },
    dependsOn: [],
    threshold: 90,
  },
  {
    name: "player_shot_zone_analysis",
    short: "PSZA",
    aliases: ["nba_precompute.player_shot_zone_analysis"],
    table: "nba_precompute.player_shot_zone_analysis",
    pipelineName: "player_shot_zone_analysis",
    writtenAt: ["processed_at", "created_at"],
    dateColumn: "analysis_date",
    entityColumn: "player_lookup",
    entityKind: "player",
    windows: [games(10)],
    primaryWindow: "l10",
    multiWindow: false,
    upstream: PLAYER_GAME_SUMMARY,
    dependsOn: [],
    threshold: 90,
  },
  {
    name: "player_daily_cache",
    short: "PDC",
    aliases: ["nba_precompute.player_daily_cache"],
    table: "nba_precompute.player_daily_cache",
    pipelineName: "player_daily_cache",
    writtenAt: ["processed_at", "created_at"],
    dateColumn: "cache_date",
    entityColumn: "player_lookup",
    entityKind: "player",
    windows: [games(5), games(10), days(7), days(14)],
    primaryWindow: "l10",
    multiWindow: true,
    upstream: PLAYER_GAME_SUMMARY,
    dependsOn: [],
    threshold: 90,
  },
  {
    name: "player_composite_factors",
    short: "PCF",
    aliases: ["nba_precompute.player_composite_factors"],
    table: "nba_precompute.player_composite_factors",
    pipelineName: "player_composite_factors",
    writtenAt: ["processed_at", "created_at"],
    dateColumn: "game_date",
    entityColumn: "player_lookup",
    entityKind: "player",
    windows: [games(10)],
    primaryWindow: "l10",
    multiWindow: false,
    upstream: PLAYER_GAME_SUMMARY,
    dependsOn: [
      "player_shot_zone_analysis",
      "team_defense_zone_analysis",
      "upcoming_player_game_context",
      "upcoming_team_game_context",
    ],
    threshold: 90,
  },
  {
    name: "ml_feature_store",
    short: "MLFS",
    aliases: ["ml_feature_store_v2", "nba_predictions.ml_feature_store_v2", "nba_predictions.ml_feature_store"],
    table: "nba_predictions.ml_feature_store_v2",
    pipelineName: "ml_feature_store_v2",
    writtenAt: ["updated_at", "created_at"],
    dateColumn: "game_date",
    entityColumn: "player_lookup",
    entityKind: "player",
    windows: [games(10)],
    primaryWindow: "l10",
    multiWindow: false,
    upstream: PLAYER_GAME_SUMMARY,
    dependsOn: [
      "player_daily_cache",
      "player_composite_factors",
      "player_shot_zone_analysis",
      "team_defense_zone_analysis",
    ],
    threshold: 90,
  },
  {
    name: "upcoming_player_game_context",
    short: "UPGC",
    aliases: ["nba_analytics.upcoming_player_game_context"],
    table: "nba_analytics.upcoming_player_game_context",
    pipelineName: "nba_analytics.upcoming_player_game_context",
    writtenAt: ["processed_at", "created_at"],
    dateColumn: "game_date",
    entityColumn: "player_lookup",
    entityKind: "player",
    windows: [games(5), games(10), days(7), days(14), days(30)],
    primaryWindow: "l30d",
    multiWindow: true,
    upstream: { kind: "box_score", table: "nba_raw.bdl_player_boxscores", entityColumn: "player_lookup", teamColumn: "team_abbr" },
    dependsOn: [],
    threshold: 90,
  },
  {
    name: "upcoming_team_game_context",
    short: "UTGC",
    aliases: ["nba_analytics.upcoming_team_game_context"],
    table: "nba_analytics.upcoming_team_game_context",
    pipelineName: "nba_analytics.upcoming_team_game_context",
    writtenAt: ["processed_at", "created_at"],
    dateColumn: "game_date",
    entityColumn: "team_abbr",
    entityKind: "team_game",
    windows: [days(7), days(14)],
    primaryWindow: "l14d",
    multiWindow: true,
    // The original read `home_team_abbr` (no such column), later `home_team_tricode`, which
    // counted only home games; a team's games are its home and away games.
    upstream: { kind: "schedule", table: "nba_raw.nbac_schedule", entityColumn: "home_team_tricode", teamColumn: "home_team_tricode" },
    dependsOn: [],
    threshold: 90,
  },
];

const BY_NAME = new Map<string, ProcessorDef>();
for (const p of PROCESSORS) {
  BY_NAME.set(p.name, p);
  for (const alias of p.aliases) BY_NAME.set(alias, p);
}

export function isProcessorName(value: string): value is ProcessorName {
  return (PROCESSOR_NAMES as readonly string[]).includes(value);
}

/** The canonical processor for a canonical name or a known alias, or undefined. */
export function resolveProcessorName(value: string): ProcessorName | undefined {
  return BY_NAME.get(value.trim())?.name;
}

export function getProcessor(name: ProcessorName): ProcessorDef {
  const def = BY_NAME.get(name);
  if (!def) throw new Error(`Unknown processor: ${name}`);
  return def;
}

/** The 14 standard completeness columns every output table of the original pipeline carries, in its order. */
export const STANDARD_COMPLETENESS_COLUMNS = [
  { name: "expected_games_count", type: "INT64" },
  { name: "actual_games_count", type: "INT64" },
  { name: "completeness_percentage", type: "FLOAT64" },
  { name: "missing_games_count", type: "INT64" },
  { name: "is_production_ready", type: "BOOL" },
  { name: "data_quality_issues", type: "ARRAY<STRING>" },
  { name: "last_reprocess_attempt_at", type: "TIMESTAMP" },
  { name: "reprocess_attempt_count", type: "INT64" },
  { name: "circuit_breaker_active", type: "BOOL" },
  { name: "circuit_breaker_until", type: "TIMESTAMP" },
  { name: "manual_override_required", type: "BOOL" },
  { name: "season_boundary_detected", type: "BOOL" },
  { name: "backfill_bootstrap_mode", type: "BOOL" },
  { name: "processing_decision_reason", type: "STRING" },
] as const;

/** Window columns of a multi-window processor (`<window>_completeness_pct`, `<window>_is_complete`), in table order. */
export function windowColumns(def: ProcessorDef): { name: string; type: "FLOAT64" | "BOOL" }[] {
  if (!def.multiWindow) return [];
  return [
    ...def.windows.flatMap((w) => [
      { name: `${w.id}_completeness_pct`, type: "FLOAT64" as const },
      { name: `${w.id}_is_complete`, type: "BOOL" as const },
    ]),
    { name: "all_windows_complete", type: "BOOL" as const },
  ];
}
