"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";

import { PROCESSORS } from "@/lib/completeness/processors";
import type { MonitoringParams } from "@/lib/monitoring/schemas";
import { formatCode, formatCount, formatNumber, formatPct, toCsv } from "@/lib/format";

import { CsvButton } from "@/components/ui/csv-button";
import { ProcessorLabel } from "@/components/ui/processor-label";
import { DataTable } from "@/components/ui/data-table";
import { ClearFilters, SelectFilter } from "@/components/ui/filters";
import { breakersHref } from "@/lib/links";
import { fetchMonitoring, monitoringKeys, usePanelQuery } from "@/lib/monitoring/query";
import { Panel } from "@/components/ui/panel";
import { PanelStatus, ReadStamp } from "@/components/ui/panel-status";

import { type PatternRow, type PatternsState, type PatternsView, buildPatternsView } from "./patterns-view";

const CSV_COLUMNS = [
  { header: "processor", value: (r: PatternRow) => r.processor },
  { header: "skip_reason", value: (r: PatternRow) => r.skip_reason },
  { header: "affected_entities", value: (r: PatternRow) => r.affected_entities },
  { header: "total_attempts", value: (r: PatternRow) => r.total_attempts },
  { header: "avg_attempts_per_entity", value: (r: PatternRow) => r.avg_attempts_per_entity },
  { header: "avg_completeness_pct", value: (r: PatternRow) => r.avg_completeness_pct },
  { header: "trips", value: (r: PatternRow) => r.trips },
];

const PROCESSOR_OPTIONS = PROCESSORS.map((p) => ({ value: p.name, label: p.name }));

const COLUMNS: ColumnDef<PatternRow, unknown>[] = [
  { id: "processor", accessorKey: "processor", header: "Processor", meta: { rowHeader: true }, cell: (c) => <ProcessorLabel name={c.row.original.processor} /> },
  { id: "skip_reason", accessorKey: "skip_reason", header: "Skip reason", cell: (c) => c.row.original.skip_reason ? formatCode(c.row.original.skip_reason) : <span className="muted">none (processed)</span> },
  {
    id: "affected_entities",
    accessorKey: "affected_entities",
    header: "Entities",
    meta: { numeric: true, descFirst: true },
    cell: (c) => formatCount(c.row.original.affected_entities),
  },
  { id: "total_attempts", accessorKey: "total_attempts", header: "Attempts", meta: { numeric: true, descFirst: true }, cell: (c) => formatCount(c.row.original.total_attempts) },
  {
    id: "avg_attempts_per_entity",
    accessorKey: "avg_attempts_per_entity",
    header: "Attempts / entity",
    meta: { numeric: true, descFirst: true },
    cell: (c) => formatNumber(c.row.original.avg_attempts_per_entity),
  },
  { id: "avg_completeness_pct", accessorKey: "avg_completeness_pct", header: "Avg completeness", meta: { numeric: true }, cell: (c) => formatPct(c.row.original.avg_completeness_pct) },
  {
    id: "trips",
    accessorKey: "trips",
    header: "Trips",
    meta: { numeric: true, descFirst: true },
    cell: (c) => {
      const r = c.row.original;
      return r.trips > 0 ? (
        <Link href={breakersHref({ tab: "history", processor: r.processor, event: "trip" })} aria-label={`${r.trips} trips of ${r.processor}: their timelines`}>
          {formatCount(r.trips)}
        </Link>
      ) : (
        "0"
      );
    },
  },
];

/** Reprocessing patterns over the last 7 days, per processor and skip reason. */
export function PatternsPanel({ initial, state, params }: { initial: PatternsView; state: PatternsState; params: MonitoringParams }) {
  const query = usePanelQuery(monitoringKeys.panel("patterns", { ...state, ...params }), initial, async (signal) =>
    buildPatternsView(await fetchMonitoring("patterns", params, signal), state),
  );
  const view = query.data;
  return (
    <Panel
      id="patterns"
      title="Reprocessing patterns (7 days)"
      testId="patterns-panel"
      actions={
        <>
          <ReadStamp meta={view.meta} />
          <CsvButton filename={`patterns_${view.meta.now.slice(0, 10)}.csv`} count={view.rows.length} load={async () => toCsv(CSV_COLUMNS, view.rows)} />
        </>
      }
    >
      <PanelStatus meta={view.meta} refreshError={query.refreshError} />
      <div className="filters">
        <SelectFilter param="processor" label="Processor" value={state.processor.join(",") || undefined} options={PROCESSOR_OPTIONS} allLabel="All processors" />
        <ClearFilters params={["processor"]} />
      </div>
      <DataTable
        rows={view.rows}
        columns={COLUMNS}
        sort={{ id: state.sort, desc: state.desc }}
        caption="Reprocessing patterns per processor and skip reason, last 7 days"
        getRowId={(r) => `${r.processor}|${r.skip_reason ?? ""}`}
        empty={view.all === 0 ? "No reprocessing attempts in the last 7 days." : "No pattern matches this processor."}
        testId="patterns-table"
      />
    </Panel>
  );
}
