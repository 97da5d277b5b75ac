/**
 * The active-breakers table's view: the page the API (or the data layer, on the server) answers
 * for the URL's filters (processor, analysis date, skip reason, entity, verdict), sort and page —
 * filtered, sorted and paged on the server, never in the browser. Pure and client-safe: the
 * server page and the client refresh both call `buildActiveView`.
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import { ACTIVE_DEFAULT_SORT, ACTIVE_PAGE_SIZE, ACTIVE_SORTS, type ActiveBreakersPage, type ActiveListQuery, type ActiveSort, type FacetCount } from "@/lib/monitoring/lists";
import type { ActiveBreakerRow, SafeFilter } from "@/lib/monitoring/schemas";
import type { BreakersSearch } from "@/lib/url-state";

import { type PagedView, pagedView } from "@/lib/monitoring/query";
import { resolveSort } from "@/components/ui/table-view";

export type ActiveRow = ActiveBreakerRow;
export { ACTIVE_PAGE_SIZE, ACTIVE_SORTS, type ActiveSort };

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
  const { id, desc } = resolveSort(search.sort, search.dir, ACTIVE_SORTS, { id: ACTIVE_DEFAULT_SORT.sort, desc: ACTIVE_DEFAULT_SORT.dir === "desc" });
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

/** The list request of a state: its filters, sort and page, the panel's page size. */
export function activeQuery(state: ActiveState, page = state.page): ActiveListQuery {
  return {
    processor: state.processor,
    date: state.date,
    reason: state.reason,
    q: state.q,
    safe: state.safe,
    sort: state.sort,
    dir: state.desc ? "desc" : "asc",
    page,
    page_size: ACTIVE_PAGE_SIZE,
  };
}

export interface ActiveView extends PagedView {
  rows: ActiveRow[];
  /** Active keys before filtering. */
  all: number;
  /** Some filter is set: the heading then says "total of all". */
  filtered: boolean;
  /** Active keys safe to override now (before filtering). */
  safe: number;
  /** The verdicts could not be computed (the rows carry none). */
  verdictError: string | null;
  facets: { dates: FacetCount[]; reasons: FacetCount[] };
}

/** A page as the data layer or the API answers it, with when it was read. */
export type ActiveResult = ActiveBreakersPage & { read_at?: string; stale?: boolean; error?: unknown };

export function isFiltered(state: ActiveState): boolean {
  return state.processor.length > 0 || Boolean(state.date || state.reason || state.q || state.safe);
}

/** "Active breakers (2,047)", or "(2 of 2,047)" when filters select fewer. */
export function activeHeading(total: number, all: number, filtered: boolean, format: (n: number) => string): string {
  return `Active breakers (${filtered ? `${format(total)} of ${format(all)}` : format(all)})`;
}

export function buildActiveView(result: ActiveResult, state: ActiveState): ActiveView {
  return {
    ...pagedView(result),
    rows: result.rows,
    all: result.all,
    filtered: isFiltered(state),
    safe: result.safe,
    verdictError: result.verdict_error ?? null,
    facets: result.facets,
  };
}
