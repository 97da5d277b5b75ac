"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { useMemo } from "react";

import { PROCESSORS } from "@/lib/completeness/processors";
import { formatCount, formatDate } from "@/lib/format";

import { DataTable } from "@/components/ui/data-table";
import { ClearFilters, SelectFilter } from "@/components/ui/filters";
import { EmptyState, Panel } from "@/components/ui/panel";
import { PanelStatus, ReadStamp } from "@/components/ui/panel-status";

import { CsvDownload, useEntityListView } from "./entity-date-panel";
import { type BootstrapDay, type BootstrapState, type BootstrapView, bootstrapRequest, bootstrapViewOf } from "./bootstrap-view";

const PROCESSOR_OPTIONS = PROCESSORS.map((p) => ({ value: p.name, label: p.name }));
const SHORT = new Map(PROCESSORS.map((p) => [p.name as string, p.short]));

/** Bootstrap records per date and processor in the season of the data-as-of date. */
export function BootstrapPanel({ initial, state }: { initial: BootstrapView; state: BootstrapState }) {
  const request = bootstrapRequest(state);
  const query = useEntityListView("bootstrap", initial, state, request, bootstrapViewOf);
  const view = query.data;
  const columns = useMemo<ColumnDef<BootstrapDay, unknown>[]>(
    () => [
      { id: "date", accessorKey: "date", header: "Date", meta: { rowHeader: true, descFirst: true }, cell: (c) => formatDate(c.row.original.date) },
      ...view.processors.map<ColumnDef<BootstrapDay, unknown>>((p) => ({
        id: p,
        accessorFn: (d) => d.counts[p] ?? 0,
        header: () => <abbr title={p}>{SHORT.get(p) ?? p}</abbr>,
        meta: { numeric: true, descFirst: true },
        cell: (c) => formatCount(c.row.original.counts[p] ?? 0),
      })),
      { id: "total", accessorKey: "total", header: "Total", meta: { numeric: true, descFirst: true }, cell: (c) => formatCount(c.row.original.total) },
    ],
    [view.processors],
  );
  return (
    <Panel
      id="bootstrap"
      title={`Bootstrap records this season (${formatCount(view.total)})`}
      testId="bootstrap-panel"
      actions={
        <>
          <ReadStamp meta={view.meta} />
          <CsvDownload name="bootstrap" meta={view.meta} request={request} count={view.days.length} />
        </>
      }
    >
      <PanelStatus meta={view.meta} refreshError={query.refreshError} />
      <p className="muted small">
        Bootstrap: the first 30 days from opening night, and explicit backfill runs. Incomplete entities are processed and flagged, never counted as failures.
      </p>
      <div className="filters">
        <SelectFilter param="processor" label="Processor" value={state.processor.join(",") || undefined} options={PROCESSOR_OPTIONS} allLabel="All processors" />
        <ClearFilters params={["processor"]} />
      </div>
      {view.days.length === 0 ? (
        <EmptyState>No bootstrap records this season{state.processor.length ? " for this processor" : ""}.</EmptyState>
      ) : (
        <DataTable
          rows={view.days}
          columns={columns}
          sort={{ id: state.sort, desc: state.desc }}
          caption="Bootstrap records per date and processor"
          getRowId={(d) => d.date}
          testId="bootstrap-table"
        />
      )}
    </Panel>
  );
}
