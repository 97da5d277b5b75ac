/** The reprocessing patterns' view (7 days, per processor and skip reason). Pure, client-safe. */
import type { ProcessorName } from "@/lib/completeness/processors";
import type { MonitoringRow } from "@/lib/monitoring/schemas";
import type { BreakersSearch } from "@/lib/url-state";

import { type MonitoringResultLike, type PanelMeta, metaOf } from "@/lib/monitoring/query";
import { resolveSort, sortRows } from "@/components/ui/table-view";

export type PatternRow = MonitoringRow<"patterns">;

export const PATTERN_SORTS = [
  "processor",
  "skip_reason",
  "affected_entities",
  "total_attempts",
  "avg_attempts_per_entity",
  "avg_completeness_pct",
  "trips",
] as const;
export type PatternSort = (typeof PATTERN_SORTS)[number];

export interface PatternsState {
  processor: ProcessorName[];
  sort: PatternSort;
  desc: boolean;
}

export function patternsStateFrom(search: BreakersSearch): PatternsState {
  const { id, desc } = resolveSort(search.sort, search.dir, PATTERN_SORTS, { id: "total_attempts", desc: true });
  return { processor: search.processor, sort: id, desc };
}

export interface PatternsView {
  meta: PanelMeta;
  rows: PatternRow[];
  all: number;
}

export function selectPatterns(rows: readonly PatternRow[], state: PatternsState): PatternRow[] {
  const filtered = rows.filter((r) => state.processor.length === 0 || state.processor.includes(r.processor as ProcessorName));
  return sortRows(filtered, (r) => r[state.sort], state.desc, [(r) => r.processor, (r) => r.skip_reason]);
}

export function buildPatternsView(result: MonitoringResultLike<"patterns">, state: PatternsState): PatternsView {
  return { meta: metaOf(result), rows: selectPatterns(result.rows, state), all: result.rows.length };
}
