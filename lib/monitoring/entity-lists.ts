/**
 * The entity lists (below-threshold, multi-window, bootstrap) as the monitoring API pages them:
 * each list's filters, sorts and defaults, the page it answers and what it carries beside the
 * rows. The warehouse filters, sorts, pages and counts (lib/queries/entity-lists.ts); the pages,
 * the API and the CSV export take the same parameters. Client-safe: zod and the registry.
 *
 * - below-threshold: rows are the contract's rows; `all` counts every row before the filters,
 *   `facets` the rows per processor and per decision reason (before the filters: the filter
 *   menus show what is there to choose).
 * - multi-window: a row is one entity (processor, entity id, date) with its windows, how many
 *   are incomplete and the lowest figure; `total` and `all` count entities.
 * - bootstrap: a row is one date with its records per processor (the filter's processors, or
 *   all) and their sum; `total` counts dates, `records` sums every selected date's records.
 */
import { PROCESSOR_NAMES, type ProcessorName } from "@/lib/completeness/processors";
import type { ListPage, SortDir } from "@/lib/paging";

import { type MonitoringParams, type MonitoringRow } from "./schemas";

export const ENTITY_LIST_NAMES = ["below-threshold", "multi-window", "bootstrap"] as const;
export type EntityListName = (typeof ENTITY_LIST_NAMES)[number];

export function isEntityList(name: string): name is EntityListName {
  return (ENTITY_LIST_NAMES as readonly string[]).includes(name);
}

export const BELOW_SORTS = [
  "processor",
  "entity_id",
  "date",
  "completeness_pct",
  "expected_games",
  "actual_games",
  "missing_games",
  "processing_decision_reason",
] as const;
export type BelowSort = (typeof BELOW_SORTS)[number];

export const WINDOW_SORTS = ["processor", "entity_id", "date", "incomplete", "worst"] as const;
export type WindowSort = (typeof WINDOW_SORTS)[number];

export const BOOTSTRAP_SORTS = ["date", "total", ...PROCESSOR_NAMES] as const;
export type BootstrapSort = (typeof BOOTSTRAP_SORTS)[number];

/** Each list's sorts and the order it opens in. */
export const ENTITY_LIST_SORTS = {
  "below-threshold": { sorts: BELOW_SORTS, default: { sort: "completeness_pct", dir: "asc" } },
  "multi-window": { sorts: WINDOW_SORTS, default: { sort: "worst", dir: "asc" } },
  bootstrap: { sorts: BOOTSTRAP_SORTS, default: { sort: "date", dir: "desc" } },
} as const satisfies Record<EntityListName, { sorts: readonly string[]; default: { sort: string; dir: SortDir } }>;

/** Rows per page on the entities page (the API's default is lib/paging's). A season has fewer dates than a bootstrap page. */
export const ENTITY_PANEL_PAGE_SIZE: Record<EntityListName, number> = { "below-threshold": 50, "multi-window": 50, bootstrap: 500 };

// ---------------------------------------------------------------------------------------------
// What a page carries

export interface Facet {
  value: string;
  count: number;
}

export type BelowRow = MonitoringRow<"below-threshold">;

export interface EntityWindows {
  processor: string;
  entity_id: string;
  date: string;
  /** In window order: games windows by size, then days windows by size (l5, l10, l7d, l14d). */
  windows: { window: string; completeness_pct: number | null; is_complete: boolean }[];
  incomplete: number;
  /** Lowest completeness among the windows (null when none has one). */
  worst: number | null;
}

export interface BootstrapDay {
  date: string;
  counts: Partial<Record<ProcessorName, number>>;
  total: number;
}

interface Evaluated {
  as_of: string;
  now: string;
}

export interface EntityListPages {
  "below-threshold": ListPage<BelowRow> & Evaluated & { all: number; facets: { processors: Facet[]; reasons: Facet[] } };
  "multi-window": ListPage<EntityWindows> & Evaluated & { all: number };
  bootstrap: ListPage<BootstrapDay> & Evaluated & { processors: ProcessorName[]; records: number };
}
export type EntityListPage<N extends EntityListName> = EntityListPages[N];

/** Window ids in a natural order: games windows by size, then days windows by size (l5, l10, l7d, l14d). */
export function windowOrder(id: string): number {
  const m = /^l(\d+)(d?)$/.exec(id);
  if (!m) return 10_000;
  return (m[2] ? 1_000 : 0) + Number(m[1]);
}

/** Facets ordered as the filter menus list them: most rows first, then by value. */
export function byCount(a: Facet, b: Facet): number {
  return b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// URLs

/** The request of a page (or, with `format: "csv"`, of every selected row): only the values given, defaults left out. */
export function entityListUrl(
  name: EntityListName,
  params: MonitoringParams & {
    page?: number;
    page_size?: number;
    sort?: string;
    dir?: SortDir;
    processor?: readonly string[];
    reason?: string;
    q?: string;
    format?: "csv";
  },
): string {
  const query = new URLSearchParams();
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== "") query.set(key, String(value));
  };
  set("as_of", params.as_of);
  set("now", params.now);
  set("processor", params.processor?.join(","));
  set("reason", params.reason);
  set("q", params.q);
  set("sort", params.sort);
  set("dir", params.dir);
  set("page", params.page);
  set("page_size", params.page_size);
  set("format", params.format);
  const qs = query.toString();
  return `/api/v1/monitoring/${name}${qs ? `?${qs}` : ""}`;
}
