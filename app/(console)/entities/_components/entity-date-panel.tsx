"use client";

/**
 * What the entities page's panels (below threshold, incomplete windows, bootstrap) share: each
 * shows one page of an entity list at the page's data-as-of date, read from the monitoring API
 * (which filters, sorts and pages in the warehouse), exports it as the API's CSV, and the row
 * tables open with the same processor, entity and date columns.
 */
import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";

import { formatDate, formatPct } from "@/lib/format";
import { entityHref } from "@/lib/links";
import { type EntityListName, type EntityListPage, entityListUrl } from "@/lib/monitoring/entity-lists";
import { type ListRead, type PanelMeta, fetchJson, monitoringKeys, usePanelQuery } from "@/lib/monitoring/query";
import { lastPage } from "@/lib/paging";

import { CsvLink } from "@/components/ui/csv-button";
import { OverHundredFlag } from "@/components/ui/over-hundred-flag";
import { entityColumn, processorColumn } from "@/components/ui/key-columns";

import type { ListRequest } from "./entity-list-meta";

type PageRead<N extends EntityListName> = ListRead<EntityListPage<N>>;

/**
 * `GET /api/v1/monitoring/<name>` for one page of the list at `as_of`; a page past the last (the
 * list shrank since the link was made) is asked again for the last, as the server render shows it.
 */
async function fetchListPage<N extends EntityListName>(name: N, as_of: string | undefined, request: ListRequest, signal: AbortSignal): Promise<PageRead<N>> {
  const page = await fetchJson<EntityListPage<N>>(entityListUrl(name, { as_of, ...request }), signal);
  const last = lastPage(page.total, page.page_size);
  if (page.page <= last) return page;
  return fetchJson<EntityListPage<N>>(entityListUrl(name, { as_of: page.as_of, ...request, page: last }), signal);
}

/**
 * A panel's view of list `name` at `state.as_of`: the page the server rendered first, then the
 * same page asked of the API every 5 minutes (rows of one processed date change when the
 * pipeline runs, nightly, not by the minute). The warehouse filters, sorts and pages.
 */
export function useEntityListView<N extends EntityListName, S extends { as_of?: string }, V extends { meta: PanelMeta }>(
  name: N,
  initial: V,
  state: S,
  request: ListRequest,
  viewOf: (page: PageRead<N>) => V,
) {
  return usePanelQuery(
    monitoringKeys.panel(name, { ...state }),
    initial,
    async (signal) => viewOf(await fetchListPage(name, state.as_of, request, signal)),
    { refreshEvery: 5 * 60_000 },
  );
}

/**
 * The CSV of every row the panel's filters select, in its order: a download of the API's
 * stream, at the page's `as_of` and `now`, so it holds the rows the page was read from.
 */
export function CsvDownload({ name, meta, request, count }: { name: EntityListName; meta: PanelMeta; request: ListRequest; count: number }) {
  const { page: _page, page_size: _size, ...selection } = request;
  const href = entityListUrl(name, { as_of: meta.as_of, now: meta.now, ...selection, format: "csv" });
  return <CsvLink href={href} filename={`${name}_${meta.as_of}.csv`} count={count} />;
}

/** Processor, then the entity (the row's header, linking to its page at the row's date), then the date. */
export function entityDateColumns<Row extends { processor: string; entity_id: string; date: string }>(): ColumnDef<Row, unknown>[] {
  return [
    processorColumn<Row>(),
    entityColumn<Row>((row) => <Link href={entityHref(row.entity_id, row.date)}>{row.entity_id}</Link>),
    { id: "date", accessorKey: "date", header: "Date", meta: { nowrap: true }, cell: (c) => formatDate(c.row.original.date) } as ColumnDef<Row, unknown>,
  ];
}

/** A completeness figure as written, flagged above 100%; null: no games were expected. */
export function CompletenessFigure({ pct }: { pct: number | null }) {
  if (pct === null) return "no games expected";
  return (
    <>
      {formatPct(pct)}
      <OverHundredFlag pct={pct} />
    </>
  );
}
