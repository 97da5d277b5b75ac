/**
 * The active-breakers table's view: filter by processor, analysis date, skip reason and entity,
 * sort by any column, one page. Pure and client-safe: the server page and the client refresh
 * both call `buildActiveView`.
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import type { MonitoringRow } from "@/lib/monitoring/schemas";
import type { BreakersSearch } from "@/lib/url-state";

import { type MonitoringResultLike, type PanelMeta, metaOf } from "@/components/ui/monitoring-query";
import { type Facet, facet, matchesText, paginate, resolveSort, sortRows } from "@/components/ui/table-view";

export type ActiveRow = MonitoringRow<"active-breakers">;

export const ACTIVE_SORTS = [
  "processor",
  "entity_id",
  "analysis_date",
  "attempt_number",
  "completeness_pct",
  "skip_reason",
  "tripped_at",
  "breaker_until",
] as const;
export type ActiveSort = (typeof ACTIVE_SORTS)[number];

export const ACTIVE_PAGE_SIZE = 50;

export interface ActiveState {
  processor: ProcessorName[];
  date?: string;
  reason?: string;
  q?: string;
  sort: ActiveSort;
  desc: boolean;
  page: number;
  as_of?: string;
}

export function activeStateFrom(search: BreakersSearch): ActiveState {
  const { id, desc } = resolveSort(search.sort, search.dir, ACTIVE_SORTS, { id: "tripped_at", desc: true });
  return {
    processor: search.processor,
    date: search.date,
    reason: search.reason,
    q: search.q,
    sort: id,
    desc,
    page: search.page,
    as_of: search.as_of,
  };
}

export interface ActiveView {
  meta: PanelMeta;
  rows: ActiveRow[];
  page: number;
  pageSize: number;
  /** Rows the filters select (all pages). */
  total: number;
  /** Active keys before filtering. */
  all: number;
  facets: { dates: Facet[]; reasons: Facet[] };
}

/** Every row the filters select, sorted (what the CSV export writes). */
export function selectActive(rows: readonly ActiveRow[], state: ActiveState): ActiveRow[] {
  const filtered = rows.filter(
    (r) =>
      (state.processor.length === 0 || state.processor.includes(r.processor as ProcessorName)) &&
      (!state.date || r.analysis_date === state.date) &&
      (!state.reason || (r.skip_reason ?? "") === state.reason) &&
      matchesText(r.entity_id, state.q),
  );
  return sortRows(filtered, (r) => r[state.sort], state.desc, [(r) => r.processor, (r) => r.entity_id, (r) => r.analysis_date]);
}

export function buildActiveView(result: MonitoringResultLike<"active-breakers">, state: ActiveState): ActiveView {
  const selected = selectActive(result.rows, state);
  const page = paginate(selected, state.page, ACTIVE_PAGE_SIZE);
  return {
    meta: metaOf(result),
    ...page,
    all: result.rows.length,
    facets: {
      dates: facet(result.rows, (r) => r.analysis_date, "value-desc"),
      reasons: facet(result.rows, (r) => r.skip_reason, "count"),
    },
  };
}
