/**
 * Multi-window detail on the data-as-of date: entities of the multi-window processors whose
 * windows are not all complete, one line per entity with each window's completeness.
 * Pure and client-safe.
 */
import type { ProcessorName } from "@/lib/completeness/processors";
import type { MonitoringRow } from "@/lib/monitoring/schemas";
import type { EntitiesSearch } from "@/lib/url-state";

import { type MonitoringResultLike, type PanelMeta, metaOf } from "@/lib/monitoring/query";
import { matchesText, paginate, resolveSort, sortRows } from "@/components/ui/table-view";

export type WindowRow = MonitoringRow<"multi-window">;

export interface EntityWindows {
  processor: string;
  entity_id: string;
  date: string;
  windows: { window: string; completeness_pct: number | null; is_complete: boolean }[];
  incomplete: number;
  /** Lowest completeness among the windows (null when none has one). */
  worst: number | null;
}

export const WINDOW_SORTS = ["processor", "entity_id", "date", "incomplete", "worst"] as const;
export type WindowSort = (typeof WINDOW_SORTS)[number];
export const WINDOW_PAGE_SIZE = 50;

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

export interface WindowView {
  meta: PanelMeta;
  rows: EntityWindows[];
  page: number;
  pageSize: number;
  total: number;
  all: number;
}

/** Window ids in a natural order: games windows by size, then days windows by size (l5, l10, l7d, l14d). */
function windowOrder(id: string): number {
  const m = /^l(\d+)(d?)$/.exec(id);
  if (!m) return 10_000;
  return (m[2] ? 1_000 : 0) + Number(m[1]);
}

export function groupWindows(rows: readonly WindowRow[]): EntityWindows[] {
  const groups = new Map<string, EntityWindows>();
  for (const r of rows) {
    const id = `${r.processor}|${r.entity_id}|${r.date}`;
    let g = groups.get(id);
    if (!g) {
      g = { processor: r.processor, entity_id: r.entity_id, date: r.date, windows: [], incomplete: 0, worst: null };
      groups.set(id, g);
    }
    g.windows.push({ window: r.window, completeness_pct: r.completeness_pct, is_complete: r.is_complete });
    if (!r.is_complete) g.incomplete += 1;
    if (r.completeness_pct !== null && (g.worst === null || r.completeness_pct < g.worst)) g.worst = r.completeness_pct;
  }
  for (const g of groups.values()) g.windows.sort((a, b) => windowOrder(a.window) - windowOrder(b.window));
  return [...groups.values()];
}

export function selectWindows(rows: readonly WindowRow[], state: WindowState): EntityWindows[] {
  const grouped = groupWindows(rows).filter(
    (g) => (state.processor.length === 0 || state.processor.includes(g.processor as ProcessorName)) && matchesText(g.entity_id, state.q),
  );
  return sortRows(grouped, (g) => g[state.sort], state.desc, [(g) => g.processor, (g) => g.entity_id]);
}

export function buildWindowView(result: MonitoringResultLike<"multi-window">, state: WindowState): WindowView {
  const selected = selectWindows(result.rows, state);
  return { meta: metaOf(result), ...paginate(selected, state.page, WINDOW_PAGE_SIZE), all: groupWindows(result.rows).length };
}
