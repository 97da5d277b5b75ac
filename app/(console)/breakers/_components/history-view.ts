/**
 * The breaker history's view: the attempt timeline of each key (processor, entity, analysis
 * date), filtered by processor, entity, analysis date and event, keys sorted, one page of keys —
 * grouped, filtered, sorted and paged on the server (the API, or the data layer on the server
 * page). Pure and client-safe (server render and client refresh share it).
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import {
  type BreakerHistoryPage,
  type FacetCount,
  HISTORY_DEFAULT_SORT,
  HISTORY_PAGE_SIZE,
  HISTORY_SORTS,
  type HistoryListQuery,
  type HistoryRow,
  type HistorySort,
  type KeyTimeline,
} from "@/lib/monitoring/lists";
import type { BreakersSearch } from "@/lib/url-state";

import { type PagedView, pagedView } from "@/lib/monitoring/query";
import type { BreakerEvent } from "@/components/ui/status";
import { resolveSort } from "@/components/ui/table-view";

export { HISTORY_PAGE_SIZE, HISTORY_SORTS, type HistoryRow, type HistorySort, type KeyTimeline };

export interface HistoryState {
  processor: ProcessorName[];
  entity?: string;
  q?: string;
  date?: string;
  event?: BreakerEvent;
  sort: HistorySort;
  desc: boolean;
  page: number;
}

export function historyStateFrom(search: BreakersSearch): HistoryState {
  const { id, desc } = resolveSort(search.sort, search.dir, HISTORY_SORTS, { id: HISTORY_DEFAULT_SORT.sort, desc: HISTORY_DEFAULT_SORT.dir === "desc" });
  return {
    processor: search.processor,
    entity: search.entity,
    q: search.q,
    date: search.date,
    event: search.event,
    sort: id,
    desc,
    page: search.page,
  };
}

/** The list request of a state: its filters, sort and page of keys, the panel's page size. */
export function historyQuery(state: HistoryState, page = state.page): HistoryListQuery {
  return {
    processor: state.processor,
    entity: state.entity,
    q: state.q,
    date: state.date,
    event: state.event,
    sort: state.sort,
    dir: state.desc ? "desc" : "asc",
    page,
    page_size: HISTORY_PAGE_SIZE,
  };
}

export interface HistoryView extends PagedView {
  keys: KeyTimeline[];
  /** Events of those keys. */
  totalEvents: number;
  /** Rows in the query's 30 days before filtering. */
  all: number;
  facets: { events: FacetCount[] };
  /** True when the filters pin exactly one key: the page shows its timeline. */
  singleKey: boolean;
}

/** A page as the data layer or the API answers it, with when it was read. */
export type HistoryResult = BreakerHistoryPage & { read_at?: string; stale?: boolean; error?: unknown };

export function buildHistoryView(result: HistoryResult, state: HistoryState): HistoryView {
  return {
    ...pagedView(result),
    keys: result.rows,
    totalEvents: result.total_events,
    all: result.all,
    facets: result.facets,
    singleKey: state.processor.length === 1 && Boolean(state.entity) && Boolean(state.date),
  };
}
