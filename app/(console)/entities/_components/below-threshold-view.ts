/**
 * Entities below their processor's threshold on the data-as-of date (outside bootstrap),
 * written or skipped: filter by processor, decision reason and entity, sort, one page.
 * Pure and client-safe.
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import type { MonitoringRow } from "@/lib/monitoring/schemas";
import type { EntitiesSearch } from "@/lib/url-state";

import { type MonitoringResultLike, type PanelMeta, metaOf } from "@/lib/monitoring/query";
import { type Facet, facet, matchesText, paginate, resolveSort, sortRows } from "@/components/ui/table-view";

export type BelowRow = MonitoringRow<"below-threshold">;

export const BELOW_SORTS = [
  "processor",
  "entity_id",
  "date",
  "completeness_pct",
  "expected_games",
  "actual_games",
  "missing_games",
  "processing_decision_reason",
] as const;
export type BelowSort = (typeof BELOW_SORTS)[number];
export const BELOW_PAGE_SIZE = 50;

export interface BelowState {
  processor: ProcessorName[];
  reason?: string;
  q?: string;
  sort: BelowSort;
  desc: boolean;
  page: number;
  as_of?: string;
}

export function belowStateFrom(search: EntitiesSearch): BelowState {
  const { id, desc } = resolveSort(search.sort, search.dir, BELOW_SORTS, { id: "completeness_pct", desc: false });
  return { processor: search.processor, reason: search.reason, q: search.q, sort: id, desc, page: search.page, as_of: search.as_of };
}

export interface BelowView {
  meta: PanelMeta;
  rows: BelowRow[];
  page: number;
  pageSize: number;
  total: number;
  all: number;
  facets: { reasons: Facet[]; processors: Facet[] };
}

export function selectBelow(rows: readonly BelowRow[], state: BelowState): BelowRow[] {
  const filtered = rows.filter(
    (r) =>
      (state.processor.length === 0 || state.processor.includes(r.processor as ProcessorName)) &&
      (!state.reason || (r.processing_decision_reason ?? "") === state.reason) &&
      matchesText(r.entity_id, state.q),
  );
  return sortRows(filtered, (r) => r[state.sort], state.desc, [(r) => r.processor, (r) => r.entity_id]);
}

export function buildBelowView(result: MonitoringResultLike<"below-threshold">, state: BelowState): BelowView {
  const selected = selectBelow(result.rows, state);
  return {
    meta: metaOf(result),
    ...paginate(selected, state.page, BELOW_PAGE_SIZE),
    all: result.rows.length,
    facets: {
      reasons: facet(result.rows, (r) => r.processing_decision_reason, "count"),
      processors: facet(result.rows, (r) => r.processor, "count"),
    },
  };
}
