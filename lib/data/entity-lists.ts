import "server-only";

import { type Actor, requireRole } from "@/lib/auth/session";
import type { IsoDate } from "@/lib/completeness/dates";
import { type EntityListParams, entityListParams } from "@/lib/monitoring/entity-list-params";
import type { EntityListName, EntityListPage, EntityWindows } from "@/lib/monitoring/entity-lists";
import type { MonitoringParams } from "@/lib/monitoring/schemas";
import { lastPage } from "@/lib/paging";
import { readBelowRows, readBootstrapDays, readEntityListPage, readWindowEntities } from "@/lib/queries/entity-lists";
import { getWarehouse } from "@/lib/warehouse";

import { getSeasonCalendar, readAtEvaluationPoint } from "./monitoring";

/**
 * The entity lists' pages (below-threshold, multi-window, bootstrap): the viewer role is
 * checked on every call, then a page is read through the monitoring reads' per-process cache
 * (readAtEvaluationPoint: keyed by the list, its parameters and the resolved evaluation points,
 * for the cache TTL, forgotten on any write, the last good page served stale when the warehouse
 * fails). The warehouse filters, sorts and pages (lib/queries/entity-lists.ts); nothing here
 * holds more than a page.
 */

export type EntityListRead<N extends EntityListName> = EntityListPage<N> & {
  read_at: string;
  stale?: true;
  error?: string;
};

/** The cache's name for a page: the list and its parameters in a fixed order (the evaluation points are added by the cache). */
function pageKey(name: EntityListName, params: EntityListParams<EntityListName>): string {
  const p = params as Record<string, unknown>;
  return `entity-list|${name}|${Object.keys(p)
    .sort()
    .map((k) => `${k}=${Array.isArray(p[k]) ? (p[k] as unknown[]).join(",") : String(p[k] ?? "")}`)
    .join("&")}`;
}

async function readPage<N extends EntityListName>(name: N, at: MonitoringParams, params: EntityListParams<N>): Promise<EntityListRead<N>> {
  return (await readAtEvaluationPoint(pageKey(name, params), at, ({ as_of }) =>
    readEntityListPage(getWarehouse(), name, { as_of, calendar: getSeasonCalendar() }, params),
  )) as unknown as EntityListRead<N>;
}

/**
 * One page of list `name` at `as_of` / `now` (both optional, defaults as every monitoring read),
 * filtered and sorted by `params` (parsed with the list's schema). A page past the last answers
 * no rows with the total.
 */
export async function getEntityListPage<N extends EntityListName>(
  name: N,
  at: MonitoringParams,
  params: EntityListParams<N>,
  actor?: Actor | null,
): Promise<EntityListRead<N>> {
  await requireRole("viewer", actor);
  return readPage(name, at, params);
}

/**
 * The page a panel shows: as getEntityListPage, but a page past the last (a stale link, a list
 * that shrank) shows the last page, as the tables always have.
 */
export async function getEntityListPanel<N extends EntityListName>(
  name: N,
  at: MonitoringParams,
  params: EntityListParams<N>,
  actor?: Actor | null,
): Promise<EntityListRead<N>> {
  const read = await getEntityListPage(name, at, params, actor);
  const last = lastPage(read.total, read.page_size);
  if (read.page <= last) return read;
  return getEntityListPage(name, { as_of: read.as_of, now: at.now === undefined ? undefined : read.now }, { ...params, page: last }, actor);
}

/** The list's parameters for a panel from its URL state (the schema's defaults for the rest). */
export function entityListParamsOf<N extends EntityListName>(name: N, raw: Record<string, string | number | undefined>): EntityListParams<N> {
  const input: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(raw)) input[k] = v === undefined ? undefined : String(v);
  return entityListParams[name].parse(input) as EntityListParams<N>;
}

/**
 * Every row list `name` selects at `as_of`, read from the warehouse `chunkSize` at a time, in the
 * list's order (the CSV export): a chunk is a page of the same total order, so no row repeats or
 * goes missing across chunks. The caller resolved `as_of` (getEntityListPage) and checked the role.
 * Rows: below-threshold's rows; multi-window's entities' windows, one row each; bootstrap's dates.
 */
export function entityListChunks<N extends EntityListName>(
  name: N,
  asOf: IsoDate,
  params: EntityListParams<N>,
): (limit: number, offset: number) => Promise<readonly unknown[]> {
  const wh = getWarehouse();
  const ctx = { as_of: asOf, calendar: getSeasonCalendar() };
  const p = params as never;
  if (name === "below-threshold") return (limit, offset) => readBelowRows(wh, ctx, p, limit, offset);
  if (name === "bootstrap") return (limit, offset) => readBootstrapDays(wh, ctx, p, limit, offset);
  return (limit, offset) => readWindowEntities(wh, ctx, p, limit, offset);
}

/** An entity's windows as the CSV's rows: one per window. */
export function windowCsvRows(entities: readonly EntityWindows[]) {
  return entities.flatMap((g) => g.windows.map((w) => ({ processor: g.processor, entity_id: g.entity_id, date: g.date, ...w })));
}
