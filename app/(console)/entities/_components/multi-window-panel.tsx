"use client";

import type { ColumnDef } from "@tanstack/react-table";

import { PROCESSORS } from "@/lib/completeness/processors";
import { formatCount, formatDate, formatPct } from "@/lib/format";

import { DataTable } from "@/components/ui/data-table";
import { ClearFilters, SearchFilter, SelectFilter } from "@/components/ui/filters";
import { Pagination } from "@/components/ui/pagination";
import { Panel } from "@/components/ui/panel";
import { PanelStatus, ReadStamp } from "@/components/ui/panel-status";

import { CompletenessFigure, CsvDownload, entityDateColumns, useEntityListView } from "./entity-date-panel";
import { type EntityWindows, type WindowState, type WindowView, windowRequest, windowViewOf } from "./multi-window-view";

const PROCESSOR_OPTIONS = PROCESSORS.filter((p) => p.multiWindow).map((p) => ({ value: p.name, label: p.name }));

const windowLabel = (id: string) => id.toUpperCase().replace(/D$/, " days").replace(/^L(\d+)$/, "L$1 games");

const COLUMNS: ColumnDef<EntityWindows, unknown>[] = [
  ...entityDateColumns<EntityWindows>(),
  {
    id: "windows",
    header: "Windows",
    enableSorting: false,
    cell: (c) => (
      <ul className="windows">
        {c.row.original.windows.map((w) => (
          <li key={w.window} className={w.is_complete ? "tone-ok" : "tone-bad"}>
            <span aria-hidden="true">{w.is_complete ? "✓" : "✕"}</span> {windowLabel(w.window)}{" "}
            <CompletenessFigure pct={w.completeness_pct} />
            <span className="visually-hidden">{w.is_complete ? " complete" : " incomplete"}</span>
          </li>
        ))}
      </ul>
    ),
  },
  { id: "incomplete", accessorKey: "incomplete", header: "Incomplete", meta: { numeric: true, descFirst: true } },
  { id: "worst", accessorKey: "worst", header: "Lowest", meta: { numeric: true }, cell: (c) => formatPct(c.row.original.worst) },
];

/** Entities of the multi-window processors whose windows are not all complete. */
export function MultiWindowPanel({ initial, state }: { initial: WindowView; state: WindowState }) {
  const request = windowRequest(state);
  const query = useEntityListView("multi-window", initial, state, request, windowViewOf);
  const view = query.data;
  return (
    <Panel
      id="multi-window"
      title={`Incomplete windows on ${formatDate(view.meta.as_of)} (${formatCount(view.all)} entities)`}
      testId="multi-window-panel"
      actions={
        <>
          <ReadStamp meta={view.meta} />
          <CsvDownload name="multi-window" meta={view.meta} request={request} count={view.total} />
        </>
      }
    >
      <PanelStatus meta={view.meta} refreshError={query.refreshError} />
      <div className="filters">
        <SelectFilter param="processor" label="Processor" value={state.processor.join(",") || undefined} options={PROCESSOR_OPTIONS} allLabel="All multi-window processors" />
        <SearchFilter param="q" label="Entity" value={state.q} placeholder="e.g. lebronjames" />
        <ClearFilters params={["processor", "q"]} />
      </div>
      <DataTable
        rows={view.rows}
        columns={COLUMNS}
        sort={{ id: state.sort, desc: state.desc }}
        caption={`Entities with incomplete windows on ${view.meta.as_of}`}
        getRowId={(r) => `${r.processor}|${r.entity_id}|${r.date}`}
        empty={view.all === 0 ? `Every multi-window entity has all its windows complete on ${formatDate(view.meta.as_of)}.` : "No entity matches these filters."}
        testId="multi-window-table"
      />
      <Pagination page={view.page} pageSize={view.pageSize} total={view.total} noun="entities" />
    </Panel>
  );
}
