/**
 * Bootstrap records per date and processor in the season of the data-as-of date, as a table of
 * dates (rows) by processors (columns); dates without any bootstrap record are left out. The
 * warehouse pivots, sums and sorts the dates (`GET /api/v1/monitoring/bootstrap`); a season's
 * dates fit one page. Pure and client-safe.
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import { BOOTSTRAP_SORTS, type BootstrapDay, type BootstrapSort, ENTITY_PANEL_PAGE_SIZE, type EntityListPage } from "@/lib/monitoring/entity-lists";
import { type PanelMeta, pageMeta } from "@/lib/monitoring/query";
import type { EntitiesSearch } from "@/lib/url-state";

import { resolveSort } from "@/components/ui/table-view";

import type { ListRequest } from "./entity-list-meta";

export { BOOTSTRAP_SORTS, type BootstrapDay, type BootstrapSort };

export interface BootstrapState {
  processor: ProcessorName[];
  sort: BootstrapSort;
  desc: boolean;
  as_of?: string;
}

export function bootstrapStateFrom(search: EntitiesSearch): BootstrapState {
  const { id, desc } = resolveSort(search.sort, search.dir, BOOTSTRAP_SORTS, { id: "date", desc: true });
  return { processor: search.processor, sort: id, desc, as_of: search.as_of };
}

/** The API request of the state's dates (one page: a season has fewer dates than a page holds). */
export function bootstrapRequest(state: BootstrapState): ListRequest {
  return { processor: state.processor, sort: state.sort, dir: state.desc ? "desc" : "asc", page: 1, page_size: ENTITY_PANEL_PAGE_SIZE.bootstrap };
}

export interface BootstrapView {
  meta: PanelMeta;
  /** The processors shown as columns (the filter's, or all). */
  processors: ProcessorName[];
  days: BootstrapDay[];
  /** Records over every selected date. */
  total: number;
}

export function bootstrapViewOf(result: EntityListPage<"bootstrap"> & { read_at?: string; stale?: boolean; error?: unknown }): BootstrapView {
  return { meta: pageMeta(result), processors: result.processors, days: result.rows, total: result.records };
}
