/**
 * Bootstrap records per date and processor in the season of the data-as-of date, as a table of
 * dates (rows) by processors (columns); dates without any bootstrap record are left out.
 * Pure and client-safe.
 */
import { PROCESSOR_NAMES, type ProcessorName } from "@/lib/completeness/processors";
import type { MonitoringRow } from "@/lib/monitoring/schemas";
import type { EntitiesSearch } from "@/lib/url-state";

import { type MonitoringResultLike, type PanelMeta, metaOf } from "@/lib/monitoring/query";
import { resolveSort, sortRows } from "@/components/ui/table-view";

export type BootstrapRow = MonitoringRow<"bootstrap">;

export interface BootstrapDay {
  date: string;
  counts: Partial<Record<ProcessorName, number>>;
  total: number;
}

export const BOOTSTRAP_SORTS = ["date", "total", ...PROCESSOR_NAMES] as const;
export type BootstrapSort = (typeof BOOTSTRAP_SORTS)[number];

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

export interface BootstrapView {
  meta: PanelMeta;
  /** The processors shown as columns (the filter's, or all). */
  processors: ProcessorName[];
  days: BootstrapDay[];
  total: number;
}

export function selectBootstrap(rows: readonly BootstrapRow[], state: BootstrapState): { processors: ProcessorName[]; days: BootstrapDay[] } {
  const processors = state.processor.length > 0 ? state.processor : [...PROCESSOR_NAMES];
  const days = new Map<string, BootstrapDay>();
  for (const r of rows) {
    if (!processors.includes(r.processor as ProcessorName) || r.bootstrap_records <= 0) continue;
    let d = days.get(r.date);
    if (!d) {
      d = { date: r.date, counts: {}, total: 0 };
      days.set(r.date, d);
    }
    const p = r.processor as ProcessorName;
    d.counts[p] = (d.counts[p] ?? 0) + r.bootstrap_records;
    d.total += r.bootstrap_records;
  }
  const key = (d: BootstrapDay) => (state.sort === "date" ? d.date : state.sort === "total" ? d.total : (d.counts[state.sort] ?? 0));
  return { processors, days: sortRows([...days.values()], key, state.desc, [(d) => d.date]) };
}

export function buildBootstrapView(result: MonitoringResultLike<"bootstrap">, state: BootstrapState): BootstrapView {
  const { processors, days } = selectBootstrap(result.rows, state);
  return { meta: metaOf(result), processors, days, total: days.reduce((n, d) => n + d.total, 0) };
}
