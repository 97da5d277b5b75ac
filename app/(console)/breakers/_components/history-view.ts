/**
 * The breaker history's view: the attempt timeline of each key (processor, entity, analysis
 * date), filtered by processor, entity, analysis date and event, keys sorted, one page of keys.
 * Pure and client-safe (server render and client refresh share it).
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import type { MonitoringRow } from "@/lib/monitoring/schemas";
import type { BreakersSearch } from "@/lib/url-state";

import { type MonitoringResultLike, type PanelMeta, metaOf } from "@/lib/monitoring/query";
import type { BreakerEvent } from "@/components/ui/status";
import { type Facet, compareValues, facet, matchesText, paginate, resolveSort, sortRows } from "@/components/ui/table-view";

export type HistoryRow = MonitoringRow<"breaker-history">;

export const HISTORY_SORTS = ["latest", "processor", "entity_id", "analysis_date", "events"] as const;
export type HistorySort = (typeof HISTORY_SORTS)[number];
export const HISTORY_PAGE_SIZE = 20;

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
  const { id, desc } = resolveSort(search.sort, search.dir, HISTORY_SORTS, { id: "latest", desc: true });
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

export interface KeyTimeline {
  processor: string;
  entity_id: string;
  analysis_date: string;
  /** In attempt order. */
  events: HistoryRow[];
  latest: string;
}

export interface HistoryView {
  meta: PanelMeta;
  keys: KeyTimeline[];
  page: number;
  pageSize: number;
  /** Keys the filters select. */
  total: number;
  /** Events of those keys. */
  totalEvents: number;
  /** Rows in the query's 30 days before filtering. */
  all: number;
  facets: { events: Facet[] };
  /** True when the filters pin exactly one key: the page shows its timeline. */
  singleKey: boolean;
}

const eventOrder = (a: HistoryRow, b: HistoryRow) =>
  compareValues(a.attempted_at, b.attempted_at) || a.attempt_number - b.attempt_number;

/** Every key the filters select, sorted, each with its events in order. */
export function selectHistory(rows: readonly HistoryRow[], state: HistoryState): KeyTimeline[] {
  const groups = new Map<string, KeyTimeline>();
  for (const r of rows) {
    if (state.processor.length > 0 && !state.processor.includes(r.processor as ProcessorName)) continue;
    if (state.entity && r.entity_id !== state.entity) continue;
    if (!matchesText(r.entity_id, state.q)) continue;
    if (state.date && r.analysis_date !== state.date) continue;
    const id = `${r.processor}|${r.entity_id}|${r.analysis_date}`;
    let group = groups.get(id);
    if (!group) {
      group = { processor: r.processor, entity_id: r.entity_id, analysis_date: r.analysis_date, events: [], latest: r.attempted_at };
      groups.set(id, group);
    }
    group.events.push(r);
    if (r.attempted_at > group.latest) group.latest = r.attempted_at;
  }
  let keys = [...groups.values()];
  if (state.event) keys = keys.filter((k) => k.events.some((e) => e.event === state.event));
  for (const k of keys) k.events.sort(eventOrder);
  const sortKey: Record<HistorySort, (k: KeyTimeline) => string | number> = {
    latest: (k) => k.latest,
    processor: (k) => k.processor,
    entity_id: (k) => k.entity_id,
    analysis_date: (k) => k.analysis_date,
    events: (k) => k.events.length,
  };
  return sortRows(keys, sortKey[state.sort], state.desc, [(k) => k.processor, (k) => k.entity_id, (k) => k.analysis_date]);
}

export function buildHistoryView(result: MonitoringResultLike<"breaker-history">, state: HistoryState): HistoryView {
  const keys = selectHistory(result.rows, state);
  const page = paginate(keys, state.page, HISTORY_PAGE_SIZE);
  return {
    meta: metaOf(result),
    keys: page.rows,
    page: page.page,
    pageSize: page.pageSize,
    total: page.total,
    totalEvents: keys.reduce((n, k) => n + k.events.length, 0),
    all: result.rows.length,
    facets: { events: facet(result.rows, (r) => r.event, "count") },
    singleKey: state.processor.length === 1 && Boolean(state.entity) && Boolean(state.date),
  };
}
