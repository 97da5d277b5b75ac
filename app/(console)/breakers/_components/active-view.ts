/**
 * The active-breakers table's view: filter by processor, analysis date, skip reason, entity and
 * verdict (safe to override now or not), sort by any column (the verdict too), one page. Pure and client-safe: the server page and the client refresh
 * both call `buildActiveView`.
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import { verdictRank } from "@/lib/completeness/verdict";
import type { ActiveBreakerRow, SafeFilter } from "@/lib/monitoring/schemas";
import type { BreakersSearch } from "@/lib/url-state";

import { type MonitoringResultLike, type PanelMeta, metaOf } from "@/lib/monitoring/query";
import { type Facet, facet, matchesText, paginate, resolveSort, sortRows } from "@/components/ui/table-view";

export type ActiveRow = ActiveBreakerRow;

export const ACTIVE_SORTS = [
  "processor",
  "entity_id",
  "analysis_date",
  "attempt_number",
  "completeness_pct",
  "skip_reason",
  "tripped_at",
  "breaker_until",
  "verdict",
] as const;
export type ActiveSort = (typeof ACTIVE_SORTS)[number];

export const ACTIVE_PAGE_SIZE = 50;

export interface ActiveState {
  processor: ProcessorName[];
  date?: string;
  reason?: string;
  q?: string;
  /** Only keys whose verdict is safe to override now (`yes`) or not (`no`). */
  safe?: SafeFilter;
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
    safe: search.safe,
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
  /** Some filter is set: the heading then says "total of all". */
  filtered: boolean;
  /** Active keys safe to override now (before filtering). */
  safe: number;
  /** The verdicts could not be computed (the rows carry none). */
  verdictError: string | null;
  facets: { dates: Facet[]; reasons: Facet[] };
}

/** A result the view is built from: the active breakers with their verdicts. */
export interface ActiveResult extends Omit<MonitoringResultLike<"active-breakers">, "rows"> {
  rows: ActiveRow[];
  verdict_error?: string;
}

export function isFiltered(state: ActiveState): boolean {
  return state.processor.length > 0 || Boolean(state.date || state.reason || state.q || state.safe);
}

/** "Active breakers (2,047)", or "(2 of 2,047)" when filters select fewer. */
export function activeHeading(total: number, all: number, filtered: boolean, format: (n: number) => string): string {
  return `Active breakers (${filtered ? `${format(total)} of ${format(all)}` : format(all)})`;
}

/** Every row the filters select, sorted (what the CSV export writes). */
export function selectActive(rows: readonly ActiveRow[], state: ActiveState): ActiveRow[] {
  const filtered = rows.filter(
    (r) =>
      (state.processor.length === 0 || state.processor.includes(r.processor as ProcessorName)) &&
      (!state.date || r.analysis_date === state.date) &&
      (!state.reason || (r.skip_reason ?? "") === state.reason) &&
      matchesText(r.entity_id, state.q) &&
      (!state.safe || (r.verdict !== null && r.verdict.safe === (state.safe === "yes"))),
  );
  return sortRows(filtered, (r) => (state.sort === "verdict" ? verdictRank(r.verdict) : r[state.sort]), state.desc, [(r) => r.processor, (r) => r.entity_id, (r) => r.analysis_date]);
}

export function buildActiveView(result: ActiveResult, state: ActiveState): ActiveView {
  const selected = selectActive(result.rows, state);
  const page = paginate(selected, state.page, ACTIVE_PAGE_SIZE);
  return {
    meta: metaOf(result as MonitoringResultLike<"active-breakers">),
    ...page,
    all: result.rows.length,
    filtered: isFiltered(state),
    safe: result.rows.filter((r) => r.verdict?.safe).length,
    verdictError: result.verdict_error ?? null,
    facets: {
      dates: facet(result.rows, (r) => r.analysis_date, "value-desc"),
      reasons: facet(result.rows, (r) => r.skip_reason, "count"),
    },
  };
}
