import "server-only";

import type { SeasonCalendar } from "@/lib/completeness/calendar";
import type { IsoDate } from "@/lib/completeness/dates";
import { PROCESSOR_NAMES, type ProcessorName } from "@/lib/completeness/processors";
import {
  type BelowRow,
  type BootstrapDay,
  type EntityListName,
  type EntityWindows,
  type Facet,
  byCount,
  windowOrder,
} from "@/lib/monitoring/entity-lists";
import type { EntityListParams } from "@/lib/monitoring/entity-list-params";
import { monitoringRows } from "@/lib/monitoring/schemas";
import { limitOffset } from "@/lib/paging";
import type { Warehouse } from "@/lib/warehouse/types";

import { belowThreshold, bootstrap, multiWindow, seasonRange } from "./monitoring";
import { type ListFilter, type ListGrouping, type ListOrder, type ListSelection, type ListSource, countByStatement, countStatement, groupPageMembersStatement, pageStatement } from "./paged";
import { lit } from "./processor-outputs";

/**
 * The entity lists paged in the warehouse: below-threshold, multi-window and bootstrap, each its
 * monitoring query (sql/monitoring/*.sql, with its partition filters) filtered, grouped, sorted,
 * counted and paged around it (lib/queries/paged.ts). A page costs a few small queries, whatever
 * the list's length: the page, its total, and what the panel shows beside it (facets, the count
 * before the filters), each grouped and counted in SQL.
 */

export interface EntityListContext {
  as_of: IsoDate;
  calendar?: SeasonCalendar;
}

// ---------------------------------------------------------------------------------------------
// Sources

const BELOW_COLUMNS = Object.keys(monitoringRows["below-threshold"].shape);
const WINDOW_COLUMNS = ["processor", "entity_id", "date", "window_id", "completeness_pct", "is_complete"];
const BOOTSTRAP_COLUMNS = Object.keys(monitoringRows.bootstrap.shape);

function belowSource(ctx: EntityListContext): ListSource {
  const st = belowThreshold.statement({ date_from: ctx.as_of, date_to: ctx.as_of });
  return { sql: st.sql, params: st.params!, types: st.types!, columns: BELOW_COLUMNS, label: "below_threshold_page" };
}

function windowSource(ctx: EntityListContext): ListSource {
  const st = multiWindow.statement({ date_from: ctx.as_of, date_to: ctx.as_of });
  return { sql: st.sql, params: st.params!, types: st.types!, columns: WINDOW_COLUMNS, label: "multi_window_page" };
}

function bootstrapSource(ctx: EntityListContext): ListSource {
  const st = bootstrap.statement(seasonRange(ctx.as_of, ctx.calendar));
  return { sql: st.sql, params: st.params!, types: st.types!, columns: BOOTSTRAP_COLUMNS, label: "bootstrap_page" };
}

async function run(wh: Warehouse, source: ListSource, st: { sql: string; params?: object; types?: object }, label: string) {
  return wh.query(st.sql, { params: st.params as ListSource["params"], types: st.types as ListSource["types"], label: `${source.label}_${label}` });
}

const processorFilter = (processors: readonly ProcessorName[]): ListFilter[] => (processors.length > 0 ? [{ kind: "in", column: "processor", values: processors }] : []);
const entityFilter = (q: string | undefined): ListFilter[] => (q ? [{ kind: "contains", column: "entity_id", value: q }] : []);

const num = (v: unknown): number => Number(v);

// ---------------------------------------------------------------------------------------------
// below-threshold

function belowSelection(params: EntityListParams<"below-threshold">) {
  return {
    filters: [...processorFilter(params.processor), ...(params.reason ? [{ kind: "equals", column: "processing_decision_reason", value: params.reason } as const] : []), ...entityFilter(params.q)],
  };
}

const BELOW_TIE_BREAK = ["processor", "entity_id", "date"];

/** `limit` rows the filters select from `offset`, in the list's order, and how many it selects (null past the last row). */
async function belowRows(wh: Warehouse, ctx: EntityListContext, params: EntityListParams<"below-threshold">, limit: number, offset: number) {
  const source = belowSource(ctx);
  const order: ListOrder = { column: params.sort, dir: params.dir, tieBreak: BELOW_TIE_BREAK };
  const rows = await run(wh, source, pageStatement(source, belowSelection(params), order, { limit, offset }), "rows");
  return { rows: rows.map((r) => monitoringRows["below-threshold"].parse(r)), total: rows.length > 0 ? num(rows[0]!.list_total) : null };
}

/** Every row the filters select, in the list's order, from `offset` (the CSV's chunks). */
export async function readBelowRows(wh: Warehouse, ctx: EntityListContext, params: EntityListParams<"below-threshold">, limit: number, offset: number): Promise<BelowRow[]> {
  return (await belowRows(wh, ctx, params, limit, offset)).rows;
}

/** The selection's size when a page past the last carried none. */
async function totalOf(wh: Warehouse, source: ListSource, selection: ListSelection, total: number | null, offset: number): Promise<number> {
  if (total !== null) return total;
  if (offset === 0) return 0;
  const [count] = await run(wh, source, countStatement(source, selection), "total");
  return num(count!.total);
}

export async function readBelowPage(wh: Warehouse, ctx: EntityListContext, params: EntityListParams<"below-threshold">) {
  const source = belowSource(ctx);
  const { limit, offset } = limitOffset(params);
  const [page, groups] = await Promise.all([
    belowRows(wh, ctx, params, limit, offset),
    run(wh, source, countByStatement(source, {}, ["processor", "processing_decision_reason"]), "facets"),
  ]);
  const processors = new Map<string, number>();
  const reasons = new Map<string, number>();
  let all = 0;
  for (const g of groups) {
    const n = num(g.n);
    all += n;
    processors.set(String(g.processor), (processors.get(String(g.processor)) ?? 0) + n);
    const reason = g.processing_decision_reason;
    if (typeof reason === "string" && reason !== "") reasons.set(reason, (reasons.get(reason) ?? 0) + n);
  }
  const facets = (m: Map<string, number>): Facet[] => [...m].map(([value, count]) => ({ value, count })).sort(byCount);
  const total = await totalOf(wh, source, belowSelection(params), page.total, offset);
  return { rows: page.rows, page: params.page, page_size: params.page_size, total, all, facets: { processors: facets(processors), reasons: facets(reasons) } };
}

// ---------------------------------------------------------------------------------------------
// multi-window: one row per entity (processor, entity_id, date), its windows beside it

const WINDOW_GROUP: ListGrouping = {
  keys: ["processor", "entity_id", "date"],
  aggregates: {
    incomplete: "SUM(CASE WHEN r.is_complete THEN 0 ELSE 1 END)",
    worst: "MIN(r.completeness_pct)",
  },
};
const WINDOW_TIE_BREAK = ["processor", "entity_id", "date"];

function windowSelection(params: EntityListParams<"multi-window">) {
  return { filters: [...processorFilter(params.processor), ...entityFilter(params.q)], group: WINDOW_GROUP };
}

/** The entities of one page of the selection, in the list's order, each with its windows, and how many it selects (null past the last). */
async function windowEntities(wh: Warehouse, ctx: EntityListContext, params: EntityListParams<"multi-window">, limit: number, offset: number) {
  const source = windowSource(ctx);
  const order: ListOrder = { column: params.sort, dir: params.dir, tieBreak: WINDOW_TIE_BREAK };
  const members = await run(wh, source, groupPageMembersStatement(source, windowSelection(params), order, { limit, offset }), "rows");
  const groups = new Map<number, EntityWindows>();
  for (const m of members) {
    const ord = num(m.page_ord);
    let g = groups.get(ord);
    if (!g) {
      g = { processor: String(m.processor), entity_id: String(m.entity_id), date: String(m.date), windows: [], incomplete: num(m.incomplete), worst: m.worst === null ? null : num(m.worst) };
      groups.set(ord, g);
    }
    const row = monitoringRows["multi-window"].parse({ ...m, window: m.window_id });
    g.windows.push({ window: row.window, completeness_pct: row.completeness_pct, is_complete: row.is_complete });
  }
  const out = [...groups].sort(([a], [b]) => a - b).map(([, g]) => g);
  for (const g of out) g.windows.sort((a, b) => windowOrder(a.window) - windowOrder(b.window));
  return { rows: out, total: members.length > 0 ? num(members[0]!.list_total) : null };
}

/** The entities of one page of the selection, in the list's order, each with its windows (the CSV's chunks). */
export async function readWindowEntities(wh: Warehouse, ctx: EntityListContext, params: EntityListParams<"multi-window">, limit: number, offset: number): Promise<EntityWindows[]> {
  return (await windowEntities(wh, ctx, params, limit, offset)).rows;
}

export async function readWindowPage(wh: Warehouse, ctx: EntityListContext, params: EntityListParams<"multi-window">) {
  const source = windowSource(ctx);
  const { limit, offset } = limitOffset(params);
  const [page, [all]] = await Promise.all([windowEntities(wh, ctx, params, limit, offset), run(wh, source, countStatement(source, { group: WINDOW_GROUP }), "all")]);
  const total = await totalOf(wh, source, windowSelection(params), page.total, offset);
  return { rows: page.rows, page: params.page, page_size: params.page_size, total, all: num(all!.total) };
}

// ---------------------------------------------------------------------------------------------
// bootstrap: one row per date, a column per processor

/** The processors a bootstrap page shows as columns: the filter's, or every one. */
export function bootstrapProcessors(params: EntityListParams<"bootstrap">): ProcessorName[] {
  return params.processor.length > 0 ? [...params.processor] : [...PROCESSOR_NAMES];
}

function bootstrapGroup(processors: readonly ProcessorName[]): ListGrouping {
  return {
    keys: ["date"],
    aggregates: {
      total: "SUM(r.bootstrap_records)",
      ...Object.fromEntries(processors.map((p) => [p, `SUM(CASE WHEN r.processor = ${lit(p)} THEN r.bootstrap_records ELSE 0 END)`])),
    },
    having: "SUM(r.bootstrap_records) > 0",
  };
}

function bootstrapSelection(params: EntityListParams<"bootstrap">) {
  return { filters: [{ kind: "in", column: "processor", values: bootstrapProcessors(params) } as const], group: bootstrapGroup(bootstrapProcessors(params)) };
}

/** `limit` dates of the selection from `offset`, in the list's order, with how many dates and records it selects (null past the last). */
async function bootstrapDays(wh: Warehouse, ctx: EntityListContext, params: EntityListParams<"bootstrap">, limit: number, offset: number) {
  const source = bootstrapSource(ctx);
  const processors = bootstrapProcessors(params);
  // Sorting by a processor's column that the filter left out sorts by nothing: every date has 0 there.
  const column = params.sort === "date" || params.sort === "total" || processors.includes(params.sort) ? params.sort : "date";
  const dir = column === params.sort ? params.dir : "asc";
  const order: ListOrder = { column, dir, tieBreak: ["date"] };
  const rows = await run(wh, source, pageStatement(source, bootstrapSelection(params), order, { limit, offset }, ["total"]), "rows");
  const days: BootstrapDay[] = rows.map((r) => {
    const counts: Partial<Record<ProcessorName, number>> = {};
    for (const p of processors) if (num(r[p]) > 0) counts[p] = num(r[p]);
    return { date: String(r.date), counts, total: num(r.total) };
  });
  return { rows: days, totals: rows.length > 0 ? { total: num(rows[0]!.list_total), records: num(rows[0]!.list_sum_total) } : null };
}

/** `limit` dates of the selection from `offset`, in the list's order (the CSV's chunks). */
export async function readBootstrapDays(wh: Warehouse, ctx: EntityListContext, params: EntityListParams<"bootstrap">, limit: number, offset: number): Promise<BootstrapDay[]> {
  return (await bootstrapDays(wh, ctx, params, limit, offset)).rows;
}

export async function readBootstrapPage(wh: Warehouse, ctx: EntityListContext, params: EntityListParams<"bootstrap">) {
  const source = bootstrapSource(ctx);
  const { limit, offset } = limitOffset(params);
  const selection = bootstrapSelection(params);
  const page = await bootstrapDays(wh, ctx, params, limit, offset);
  let totals = page.totals ?? { total: 0, records: 0 };
  if (page.totals === null && offset > 0) {
    // Past the last date: the dates and records of the whole selection, counted and summed.
    const [sums] = await run(wh, source, countStatement(source, selection, ["total"]), "total");
    totals = { total: num(sums!.total), records: num(sums!.sum_total) };
  }
  return { rows: page.rows, page: params.page, page_size: params.page_size, total: totals.total, processors: bootstrapProcessors(params), records: totals.records };
}

// ---------------------------------------------------------------------------------------------

export type EntityListPageData = {
  "below-threshold": Awaited<ReturnType<typeof readBelowPage>>;
  "multi-window": Awaited<ReturnType<typeof readWindowPage>>;
  bootstrap: Awaited<ReturnType<typeof readBootstrapPage>>;
};

/** One page of list `name`, with what its panel shows beside the rows. */
export function readEntityListPage<N extends EntityListName>(wh: Warehouse, name: N, ctx: EntityListContext, params: EntityListParams<N>): Promise<EntityListPageData[N]> {
  const p = params as never;
  const read = name === "below-threshold" ? readBelowPage(wh, ctx, p) : name === "multi-window" ? readWindowPage(wh, ctx, p) : readBootstrapPage(wh, ctx, p);
  return read as Promise<EntityListPageData[N]>;
}
