/**
 * Entities below their processor's threshold on the data-as-of date (outside bootstrap),
 * written or skipped: filter by processor, decision reason and entity, sort, one page — all
 * done by the warehouse (`GET /api/v1/monitoring/below-threshold`); this is the panel's state
 * and the view of the page it is answered. Pure and client-safe.
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import { type BelowRow, type BelowSort, BELOW_SORTS, ENTITY_PANEL_PAGE_SIZE, type EntityListPage, type Facet } from "@/lib/monitoring/entity-lists";
import { type PagedView, pagedView } from "@/lib/monitoring/query";
import type { EntitiesSearch } from "@/lib/url-state";

import { resolveSort } from "@/components/ui/table-view";

import type { ListRequest } from "./entity-list-meta";

export { BELOW_SORTS, type BelowRow, type BelowSort };
export const BELOW_PAGE_SIZE = ENTITY_PANEL_PAGE_SIZE["below-threshold"];

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

/** The API request of the state's page (the filters, the sort, the page). */
export function belowRequest(state: BelowState): ListRequest {
  return {
    processor: state.processor,
    reason: state.reason,
    q: state.q,
    sort: state.sort,
    dir: state.desc ? "desc" : "asc",
    page: state.page,
    page_size: BELOW_PAGE_SIZE,
  };
}

export interface BelowView extends PagedView {
  rows: BelowRow[];
  /** Rows before the filters. */
  all: number;
  facets: { reasons: Facet[]; processors: Facet[] };
}

export function belowViewOf(result: EntityListPage<"below-threshold"> & { read_at?: string; stale?: boolean; error?: unknown }): BelowView {
  return {
    ...pagedView(result),
    rows: result.rows,
    all: result.all,
    facets: result.facets,
  };
}
