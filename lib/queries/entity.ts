import "server-only";

import { z } from "zod";

import { isoDate } from "@/lib/completeness/dates";

import {
  type EntityKind,
  type ProcessorDef,
  PROCESSORS,
  STANDARD_COMPLETENESS_COLUMNS,
  windowColumns,
} from "@/lib/completeness/processors";

import { defineQuery } from "./define-query";
import { canonicalProcessorSql, lit, writtenAtSql } from "./processor-outputs";

/**
 * The entity page's reads of the processor output tables (the original `check-completeness`
 * script, done right): one entity's latest stored row per processor on a date, and the dates
 * the entity has output on.
 *
 * The SQL is generated from the processor registry (the only source of table and column names)
 * as a UNION ALL with one branch per processor that applies to the entity's kind. Each branch
 * filters its OWN partition column (analysis_date, cache_date or game_date — the original
 * filtered `analysis_date` on four tables that do not have it) and its own entity
 * column, so BigQuery prunes partitions and clusters in every table. The entity is always a
 * parameter, never text in the SQL.
 *
 * `@entity` is the value of the entity column: a player_lookup, or a team tricode for both team
 * processors — the team-game processor (UTGC) stores `team_abbr` and its breaker key
 * `LAL_2024-12-15` is rebuilt in SQL as `entity_id`.
 */

/** The entity kinds the page looks up, and the processors each one shows. */
export type EntityLookupKind = EntityKind;

export function processorsForKind(kind: EntityLookupKind): ProcessorDef[] {
  if (kind === "player") return PROCESSORS.filter((p) => p.entityKind === "player");
  if (kind === "team_game") return PROCESSORS.filter((p) => p.entityKind === "team_game");
  // A team: its own processors (tricode) and its team-game rows (LAL_<date>) on that date.
  return PROCESSORS.filter((p) => p.entityKind === "team" || p.entityKind === "team_game");
}

function entityIdExpression(def: ProcessorDef): string {
  return def.entityKind === "team_game"
    ? `CONCAT(${def.entityColumn}, '_', CAST(${def.dateColumn} AS STRING))`
    : def.entityColumn;
}

/** Window column names used by any of these processors, in registry order, each once. */
function windowColumnNames(defs: readonly ProcessorDef[]): string[] {
  return [...new Set(defs.flatMap((d) => windowColumns(d).map((c) => c.name)))];
}

/**
 * One branch per processor of the kind: processor, entity_id, date, processed_at, the 14
 * standard columns, then every window column any branch has (NULL where a table lacks it, so
 * the branches line up; each such column is typed by at least one branch).
 */
export function entityOutputsSql(kind: EntityLookupKind): string {
  const defs = processorsForKind(kind);
  const windows = windowColumnNames(defs);
  return defs
    .map((def) => {
      const own = new Set(windowColumns(def).map((c) => c.name));
      const cols = [
        ...STANDARD_COMPLETENESS_COLUMNS.map((c) => c.name),
        ...windows.map((w) => (own.has(w) ? w : `NULL AS ${w}`)),
      ];
      return (
        `  SELECT '${def.name}' AS processor, ${entityIdExpression(def)} AS entity_id, ${def.dateColumn} AS date, ${writtenAtSql(def)} AS processed_at,\n` +
        `    ${cols.join(", ")}\n` +
        `  FROM ${def.table}\n` +
        `  WHERE ${def.dateColumn} = @date AND ${def.entityColumn} = @entity`
      );
    })
    .join("\n  UNION ALL\n");
}

/**
 * The dates in a range the pipeline evaluated the entity on: one branch per processor of the kind
 * (its output rows), and one over reprocess_attempts (the key's breaker rows, under any of the
 * processor's names). The Python processors write no output row for an entity they skip, so an
 * entity skipped every night (the one on-call is looking for) has breaker rows only.
 */
export function entityOutputDatesSql(kind: EntityLookupKind): string {
  const defs = processorsForKind(kind);
  const outputs = defs.map(
    (def) =>
      `  SELECT DISTINCT '${def.name}' AS processor, ${def.dateColumn} AS date\n` +
      `  FROM ${def.table}\n` +
      `  WHERE ${def.dateColumn} BETWEEN @date_from AND @date_to AND ${def.entityColumn} = @entity`,
  );
  const keyOf = (def: ProcessorDef) => (def.entityKind === "team_game" ? `CONCAT(@entity, '_', CAST(date AS STRING))` : "@entity");
  const keyed = defs.map((def) => `(processor = ${lit(def.name)} AND entity_id = ${keyOf(def)})`);
  const attempts =
    `  SELECT DISTINCT processor, date\n` +
    `  FROM (\n` +
    `    SELECT ${canonicalProcessorSql()} AS processor, entity_id, analysis_date AS date\n` +
    `    FROM nba_orchestration.reprocess_attempts\n` +
    `    WHERE analysis_date BETWEEN @date_from AND @date_to\n` +
    `  ) AS attempts\n` +
    `  WHERE ${keyed.join("\n    OR ")}`;
  return [...outputs, attempts].join("\n  UNION ALL\n");
}

const KINDS: readonly EntityLookupKind[] = ["player", "team", "team_game"];

const ts = z.string();
const pct = z.number().nullable().optional();
const flag = z.boolean().nullable().optional();

/** A stored output row: the 14 standard columns and the window columns of its variant. */
export const entityOutputRow = z.object({
  processor: z.string(),
  entity_id: z.string(),
  date: isoDate,
  processed_at: ts.nullable(),
  expected_games_count: z.number().int().nullable(),
  actual_games_count: z.number().int().nullable(),
  completeness_percentage: z.number().nullable(),
  missing_games_count: z.number().int().nullable(),
  is_production_ready: z.boolean().nullable(),
  // BigQuery returns an empty array for a NULL ARRAY; DuckDB may return null.
  data_quality_issues: z.array(z.string()).nullable(),
  last_reprocess_attempt_at: ts.nullable(),
  reprocess_attempt_count: z.number().int().nullable(),
  circuit_breaker_active: z.boolean().nullable(),
  circuit_breaker_until: ts.nullable(),
  manual_override_required: z.boolean().nullable(),
  season_boundary_detected: z.boolean().nullable(),
  backfill_bootstrap_mode: z.boolean().nullable(),
  processing_decision_reason: z.string().nullable(),
  l5_completeness_pct: pct,
  l5_is_complete: flag,
  l10_completeness_pct: pct,
  l10_is_complete: flag,
  l7d_completeness_pct: pct,
  l7d_is_complete: flag,
  l14d_completeness_pct: pct,
  l14d_is_complete: flag,
  l30d_completeness_pct: pct,
  l30d_is_complete: flag,
  all_windows_complete: flag,
});
export type EntityOutputRow = z.infer<typeof entityOutputRow>;

export const entityOutputs = defineQuery({
  name: "entity_outputs",
  file: "completeness/entity_outputs.sql",
  params: z.object({ entity: z.string().min(1), date: isoDate }),
  types: { entity: "STRING", date: "DATE" },
  row: entityOutputRow,
  fragments: { entity_outputs: KINDS.map(entityOutputsSql) },
});

export const entityOutputDates = defineQuery({
  name: "entity_output_dates",
  file: "completeness/entity_output_dates.sql",
  params: z.object({ entity: z.string().min(1), date_from: isoDate, date_to: isoDate }),
  types: { entity: "STRING", date_from: "DATE", date_to: "DATE" },
  row: z.object({ date: isoDate, processors: z.number().int() }),
  fragments: { entity_output_dates: KINDS.map(entityOutputDatesSql) },
});

export const knownEntities = defineQuery({
  name: "known_entities",
  file: "completeness/known_entities.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate }),
  types: { date_from: "DATE", date_to: "DATE" },
  row: z.object({ entity_id: z.string() }),
});
