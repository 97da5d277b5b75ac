"use client";

/**
 * What the entities page's panels (below threshold, incomplete windows, bootstrap) share: each
 * reads one monitoring query at the page's data-as-of date, and the row tables open with the
 * same processor, entity and date columns.
 */
import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";

import { formatDate, formatPct } from "@/lib/format";
import { entityHref } from "@/lib/links";
import type { MonitoringQueryName } from "@/lib/monitoring/schemas";
import { type MonitoringResultLike, type PanelMeta, fetchMonitoring, monitoringKeys, usePanelQuery } from "@/lib/monitoring/query";

import { OverHundredFlag } from "@/components/ui/over-hundred-flag";
import { entityColumn, processorColumn } from "@/components/ui/key-columns";

/**
 * A panel's view of query `name` at `state.as_of`, server-rendered first and refreshed every
 * 5 minutes: rows of one processed date change when the pipeline runs (nightly), not by the minute.
 */
export function useProcessedDateView<N extends MonitoringQueryName, S extends { as_of?: string }, V extends { meta: PanelMeta }>(
  name: N,
  initial: V,
  state: S,
  build: (result: MonitoringResultLike<N>, state: S) => V,
) {
  return usePanelQuery(
    monitoringKeys.panel(name, { ...state }),
    initial,
    async (signal) => build(await fetchMonitoring(name, { as_of: state.as_of }, signal), state),
    { refreshEvery: 5 * 60_000 },
  );
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
