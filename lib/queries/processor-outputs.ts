import "server-only";

import { BREAKER_COOLDOWN_DAYS, OVERRIDE_SKIP_REASON, RESET_SKIP_REASON } from "@/lib/completeness/breaker";
import { PROCESSORS, type ProcessorDef, type ProcessorName } from "@/lib/completeness/processors";

/**
 * SQL fragments generated from the processor registry and the breaker rules (the only source of
 * table and column names and of the constants inlined here, so nothing comes from user input).
 */

const SAFE_LITERAL = /^[A-Za-z0-9_.]+$/;
/** A registry value as a SQL string literal (refuses anything but names). */
export function lit(value: string): string {
  if (!SAFE_LITERAL.test(value)) throw new Error(`Refusing to inline ${JSON.stringify(value)} as a SQL literal`);
  return `'${value}'`;
}

/**
 * A UNION ALL over processor output tables. Each branch filters its own partition column
 * between `@date_from` and `@date_to`, so BigQuery prunes partitions in every table; the union
 * exposes one shape:
 *   processor, entity_id, date, processed_at, <columns…>
 * where `processed_at` is when the row was written, from the columns the registry names for
 * the table (`writtenAt`: the feature store has no processed_at, only updated_at/created_at).
 * `entity_id` is the breaker key's entity: a tricode, a player_lookup, or for the upcoming team
 * game context the `LAL_2024-12-15` team-game key.
 */
export function processorOutputsSql(options: {
  columns: readonly string[];
  processors?: readonly ProcessorName[];
}): string {
  const defs = options.processors ? PROCESSORS.filter((p) => options.processors!.includes(p.name)) : PROCESSORS;
  return defs.map((def) => branch(def, options.columns)).join("\n  UNION ALL\n");
}

function entityExpression(def: ProcessorDef): string {
  return def.entityKind === "team_game"
    ? `CONCAT(${def.entityColumn}, '_', CAST(${def.dateColumn} AS STRING))`
    : def.entityColumn;
}

/** When an output row was written: the first non-NULL of the table's written-at columns. */
export function writtenAtSql(def: ProcessorDef): string {
  return def.writtenAt.length === 1 ? def.writtenAt[0]! : `COALESCE(${def.writtenAt.join(", ")})`;
}

function branch(def: ProcessorDef, columns: readonly string[]): string {
  const cols = columns.map((c) => `, ${c}`).join("");
  return (
    `  SELECT '${def.name}' AS processor, ${entityExpression(def)} AS entity_id, ${def.dateColumn} AS date, ${writtenAtSql(def)} AS processed_at${cols}\n` +
    `  FROM ${def.table}\n` +
    `  WHERE ${def.dateColumn} BETWEEN @date_from AND @date_to`
  );
}

// ---------------------------------------------------------------------------------------------
// reprocess_attempts

/**
 * The canonical processor of a reprocess_attempts row: canonical names and every registry alias
 * (`ml_feature_store_v2`, dataset-prefixed names) map to the canonical name, trimmed as
 * `resolveProcessorName` trims; an unknown name is kept as stored.
 */
export function canonicalProcessorSql(): string {
  const whens = PROCESSORS.flatMap((p) => [p.name, ...p.aliases].map((n) => `WHEN ${lit(n)} THEN ${lit(p.name)}`));
  return `CASE TRIM(processor_name) ${whens.join(" ")} ELSE processor_name END`;
}

/**
 * The event a reprocess_attempts row records, exactly as `eventOf` (lib/completeness/breaker.ts)
 * derives it: event_type when set (an empty string counts as unset, as it is falsy there), else
 * from the flags, which is all the Python processors and the original scripts write: RESET →
 * reset, MANUAL_OVERRIDE → override, tripped → trip (even with the original's
 * manual_override_applied flag on it: that flag never unblocked anything), no skip reason →
 * success, else failure.
 */
export function breakerEventSql(): string {
  return (
    `CASE WHEN event_type IS NOT NULL AND event_type <> '' THEN event_type ` +
    `WHEN skip_reason = ${lit(RESET_SKIP_REASON)} THEN 'reset' ` +
    `WHEN skip_reason = ${lit(OVERRIDE_SKIP_REASON)} THEN 'override' ` +
    `WHEN circuit_breaker_tripped THEN 'trip' ` +
    `WHEN skip_reason IS NULL THEN 'success' ` +
    `ELSE 'failure' END`
  );
}

/** The end of a trip's cooldown: its circuit_breaker_until, else attempted_at + 7 days (as deriveBreakerState). */
export function tripUntilSql(): string {
  return `COALESCE(circuit_breaker_until, attempted_at + INTERVAL ${BREAKER_COOLDOWN_DAYS} DAY)`;
}

// ---------------------------------------------------------------------------------------------
// Evaluated entities: output rows AND skip attempts

/**
 * What a skip attempt stands for in each output column an evaluated-entities read may ask for.
 * A skipped entity is not production ready, not bootstrap (bootstrap entities are processed,
 * never skipped), has the completeness the attempt recorded, and its decision reason is the
 * skip reason with the console's `skipped_` prefix (`incomplete_upstream_data` →
 * `skipped_incomplete_upstream_data`). Game counts are not recorded on attempts: NULL.
 */
const SKIP_ATTEMPT_VALUES: Readonly<Record<string, string>> = {
  completeness_percentage: "completeness_pct",
  is_production_ready: "FALSE",
  backfill_bootstrap_mode: "FALSE",
  expected_games_count: "CAST(NULL AS INT64)",
  actual_games_count: "CAST(NULL AS INT64)",
  missing_games_count: "CAST(NULL AS INT64)",
  processing_decision_reason: "IF(skip_reason IS NULL, CAST(NULL AS STRING), CONCAT('skipped_', skip_reason))",
};

/** The output columns an evaluated-entities read can carry (a skip attempt has a value for each). */
export const EVALUATED_COLUMNS = Object.keys(SKIP_ATTEMPT_VALUES);

/**
 * The entities each processor EVALUATED for the dates `@date_from` … `@date_to`, one row per
 * (processor, entity_id, date): the latest of the key's events, where an event is an output row
 * (written at its written-at columns) or a skip attempt in reprocess_attempts (a `failure` or
 * `trip` row, events from event_type or else the flags, attempted at attempted_at) for that
 * analysis date. The Python processors never write skipped entities to their output tables, so
 * without the attempts a skipped entity would vanish from every count; the console's engine
 * writes both (same instant), and on a tie the output row wins (it carries the game counts).
 * Override, reset, success and recovery rows are not evaluations and are left out.
 *
 * Shape: processor, entity_id, date, processed_at (when the winning event was written),
 * source ('output' | 'attempt'), <columns…> (each of EVALUATED_COLUMNS). Partition filters:
 * every output table on its date column, reprocess_attempts on analysis_date — same bounds.
 * Only registry processors' attempts are kept (an unknown name has no output table).
 */
export function evaluatedEntitiesSql(options: { columns: readonly string[]; processors?: readonly ProcessorName[] }): string {
  for (const c of options.columns) {
    if (!(c in SKIP_ATTEMPT_VALUES)) throw new Error(`${c} is not a column an evaluated-entities read can carry`);
  }
  const defs = options.processors ? PROCESSORS.filter((p) => options.processors!.includes(p.name)) : PROCESSORS;
  const outputCols = options.columns.map((c) => `, ${c}`).join("");
  const attemptCols = options.columns.map((c) => `, ${SKIP_ATTEMPT_VALUES[c]} AS ${c}`).join("");
  const outputs = defs
    .map(
      (def) =>
        `    SELECT '${def.name}' AS processor, ${entityExpression(def)} AS entity_id, ${def.dateColumn} AS date, ${writtenAtSql(def)} AS processed_at, 1 AS source_rank${outputCols}\n` +
        `    FROM ${def.table}\n` +
        `    WHERE ${def.dateColumn} BETWEEN @date_from AND @date_to`,
    )
    .join("\n    UNION ALL\n");
  const names = defs.map((d) => lit(d.name)).join(", ");
  return (
    `  SELECT processor, entity_id, date, processed_at, IF(source_rank = 1, 'output', 'attempt') AS source${outputCols}\n` +
    `  FROM (\n` +
    `${outputs}\n` +
    `    UNION ALL\n` +
    `    SELECT processor, entity_id, date, processed_at, source_rank${outputCols}\n` +
    `    FROM (\n` +
    `      SELECT ${canonicalProcessorSql()} AS processor, entity_id, analysis_date AS date, attempted_at AS processed_at, 2 AS source_rank, ${breakerEventSql()} AS event${attemptCols}\n` +
    `      FROM nba_orchestration.reprocess_attempts\n` +
    `      WHERE analysis_date BETWEEN @date_from AND @date_to\n` +
    `    ) AS attempts\n` +
    `    WHERE event IN ('failure', 'trip') AND processor IN (${names})\n` +
    `  ) AS events\n` +
    `  WHERE TRUE\n` +
    `  QUALIFY ROW_NUMBER() OVER (PARTITION BY processor, entity_id, date ORDER BY processed_at DESC NULLS LAST, source_rank) = 1`
  );
}

/**
 * The dates each processor evaluated in `@date_from` … `@date_to`: the date column of every
 * output row and the analysis_date of every skip attempt (failure or trip) of a registry
 * processor. One column, `date`, one row per event (the caller aggregates): data-as-of reads
 * only these columns.
 */
export function evaluatedDatesSql(): string {
  const outputs = PROCESSORS.map(
    (def) => `  SELECT ${def.dateColumn} AS date\n  FROM ${def.table}\n  WHERE ${def.dateColumn} BETWEEN @date_from AND @date_to`,
  ).join("\n  UNION ALL\n");
  const names = PROCESSORS.map((d) => lit(d.name)).join(", ");
  return (
    `${outputs}\n  UNION ALL\n` +
    `  SELECT analysis_date AS date\n` +
    `  FROM nba_orchestration.reprocess_attempts\n` +
    `  WHERE analysis_date BETWEEN @date_from AND @date_to\n` +
    `    AND ${canonicalProcessorSql()} IN (${names})\n` +
    `    AND ${breakerEventSql()} IN ('failure', 'trip')`
  );
}
