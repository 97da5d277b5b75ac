/**
 * Multi-window detail on the data-as-of date: entities of the multi-window processors whose
 * windows are not all complete, one line per entity with each window's completeness. The
 * warehouse groups the windows by entity, filters, sorts and pages
 * (`GET /api/v1/monitoring/multi-window`); this is the panel's state and the view of the page it
 * is answered. Pure and client-safe.
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import { ENTITY_PANEL_PAGE_SIZE, type EntityListPage, type EntityWindows, WINDOW_SORTS, type WindowSort } from "@/lib/monitoring/entity-lists";
import { type PagedView, pagedView } from "@/lib/monitoring/query";
import type { EntitiesSearch } from "@/lib/url-state";

import { resolveSort } from "@/components/ui/table-view";

import type { ListRequest } from "./entity-list-meta";

export { type EntityWindows, WINDOW_SORTS, type WindowSort };
export const WINDOW_PAGE_SIZE = ENTITY_PANEL_PAGE_SIZE["multi-window"];

export interface WindowState {
  processor: ProcessorName[];
  q?: string;
  sort: WindowSort;
  desc: boolean;
  page: number;
  as_of?: string;
}

export function windowStateFrom(search: EntitiesSearch): WindowState {
  const { id, desc } = resolveSort(search.sort, search.dir, WINDOW_SORTS, { id: "worst", desc: false });
  return { processor: search.processor, q: search.q, sort: id, desc, page: search.page, as_of: search.as_of };
}

/** The API request of the state's page. */
export function windowRequest(state: WindowState): ListRequest {
  return { processor: state.processor, q: state.q, sort: state.sort, dir: state.desc ? "desc" : "asc", page: state.page, page_size: WINDOW_PAGE_SIZE };
}

export interface WindowView extends PagedView {
  rows: EntityWindows[];
  /** Entities before the filters. */
  all: number;
}

export function windowViewOf(result: EntityListPage<"multi-window"> & { read_at?: string; stale?: boolean; error?: unknown }): WindowView {
  return { ...pagedView(result), rows: result.rows, all: result.all };
}
