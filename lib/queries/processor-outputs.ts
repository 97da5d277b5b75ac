import "server-only";

import { PROCESSORS, type ProcessorDef, type ProcessorName } from "@/lib/completeness/processors";

/**
 * A UNION ALL over processor output tables, generated from the registry (the only source of
 * table and column names, so nothing here comes from user input). Each branch filters its own
 * partition column between `@date_from` and `@date_to`, so BigQuery prunes partitions in every
 * table; the union exposes one shape:
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
