"use client";

import type { ColumnDef } from "@tanstack/react-table";

import { PROCESSORS } from "@/lib/completeness/processors";
import { formatCode, formatCount, formatDate } from "@/lib/format";

import { DataTable } from "@/components/ui/data-table";
import { ClearFilters, SearchFilter, SelectFilter } from "@/components/ui/filters";
import { Pagination } from "@/components/ui/pagination";
import { Panel } from "@/components/ui/panel";
import { PanelStatus, ReadStamp } from "@/components/ui/panel-status";

import { CompletenessFigure, CsvDownload, entityDateColumns, useEntityListView } from "./entity-date-panel";
import { type BelowRow, type BelowState, type BelowView, belowRequest, belowViewOf } from "./below-threshold-view";

const PROCESSOR_OPTIONS = PROCESSORS.map((p) => ({ value: p.name, label: p.name }));
const count = (n: number | null) => formatCount(n);

const COLUMNS: ColumnDef<BelowRow, unknown>[] = [
  ...entityDateColumns<BelowRow>(),
  {
    id: "completeness_pct",
    accessorKey: "completeness_pct",
    header: "Completeness",
    meta: { numeric: true },
    cell: (c) => <CompletenessFigure pct={c.row.original.completeness_pct} />,
  },
  { id: "expected_games", accessorKey: "expected_games", header: "Expected", meta: { numeric: true, descFirst: true }, cell: (c) => count(c.row.original.expected_games) },
  { id: "actual_games", accessorKey: "actual_games", header: "Actual", meta: { numeric: true, descFirst: true }, cell: (c) => count(c.row.original.actual_games) },
  { id: "missing_games", accessorKey: "missing_games", header: "Missing", meta: { numeric: true, descFirst: true }, cell: (c) => count(c.row.original.missing_games) },
  {
    id: "processing_decision_reason",
    accessorKey: "processing_decision_reason",
    header: "Decision",
    cell: (c) => formatCode(c.row.original.processing_decision_reason),
  },
];

/** Entities under their processor's threshold on the data-as-of date, outside bootstrap. */
export function BelowThresholdPanel({ initial, state }: { initial: BelowView; state: BelowState }) {
  const request = belowRequest(state);
  const query = useEntityListView("below-threshold", initial, state, request, belowViewOf);
  const view = query.data;
  return (
    <Panel
      id="below-threshold"
      title={`Below threshold on ${formatDate(view.meta.as_of)} (${formatCount(view.all)})`}
      testId="below-threshold-panel"
      actions={
        <>
          <ReadStamp meta={view.meta} />
          <CsvDownload name="below-threshold" meta={view.meta} request={request} count={view.total} />
        </>
      }
    >
      <PanelStatus meta={view.meta} refreshError={query.refreshError} />
      <div className="filters">
        <SelectFilter
          param="processor"
          label="Processor"
          value={state.processor.join(",") || undefined}
          options={PROCESSOR_OPTIONS.map((o) => ({ ...o, label: `${o.label} (${view.facets.processors.find((f) => f.value === o.value)?.count ?? 0})` }))}
          allLabel="All processors"
        />
        <SelectFilter
          param="reason"
          label="Decision"
          value={state.reason}
          options={view.facets.reasons.map((f) => ({ value: f.value, label: `${formatCode(f.value)} (${f.count})` }))}
          allLabel="Any decision"
        />
        <SearchFilter param="q" label="Entity" value={state.q} placeholder="e.g. lebronjames" />
        <ClearFilters params={["processor", "reason", "q"]} />
      </div>
      <DataTable
        rows={view.rows}
        columns={COLUMNS}
        sort={{ id: state.sort, desc: state.desc }}
        caption={`Entities below threshold on ${view.meta.as_of}`}
        getRowId={(r) => `${r.processor}|${r.entity_id}|${r.date}`}
        empty={view.all === 0 ? `No entity is below its threshold on ${formatDate(view.meta.as_of)} (outside bootstrap).` : "No entity matches these filters."}
        testId="below-threshold-table"
      />
      <Pagination page={view.page} pageSize={view.pageSize} total={view.total} noun="entities" />
    </Panel>
  );
}
