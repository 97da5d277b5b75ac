"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { useMemo } from "react";

import type { AboutToTripRow } from "@/lib/breakers/about-to-trip";
import { formatCode, formatCount, formatDate, formatPct } from "@/lib/format";

import { DataTable } from "@/components/ui/data-table";
import { breakerKeyColumns } from "@/components/breakers/key-links";
import { Panel } from "@/components/ui/panel";
import { UtcTime } from "@/components/ui/time";

import type { AboutSort } from "./about-to-trip-view";
import { VerdictBadge } from "./verdict-badge";

/**
 * The keys failing but not tripped whose next failed attempt trips them, with the verdict: a key
 * whose data has arrived passes on its next run; one still missing games trips on it. Each row
 * links to its entity page (the live recheck, what is missing) and its timeline.
 */
export function AboutToTripPanel({ rows, now, sort }: { rows: AboutToTripRow[]; now: string; sort: { id: AboutSort; desc: boolean } }) {
  const ready = rows.filter((r) => r.verdict?.data === "ready").length;
  const columns = useMemo<ColumnDef<AboutToTripRow, unknown>[]>(
    () => [
      ...breakerKeyColumns<AboutToTripRow>(),
      { id: "analysis_date", accessorKey: "analysis_date", header: "Analysis date", meta: { descFirst: true, nowrap: true }, cell: (c) => formatDate(c.row.original.analysis_date) },
      { id: "consecutive_failures", accessorKey: "consecutive_failures", header: "Failures in a row", meta: { numeric: true, descFirst: true } },
      {
        id: "last_attempt_at",
        accessorKey: "last_attempt_at",
        header: "Last attempt",
        cell: (c) => (c.row.original.last_attempt_at ? <UtcTime value={c.row.original.last_attempt_at} serverNow={now} stacked /> : "—"),
      },
      { id: "last_completeness_pct", accessorKey: "last_completeness_pct", header: "Completeness", meta: { numeric: true }, cell: (c) => formatPct(c.row.original.last_completeness_pct) },
      { id: "last_skip_reason", accessorKey: "last_skip_reason", header: "Skip reason", enableSorting: false, cell: (c) => formatCode(c.row.original.last_skip_reason) },
      { id: "verdict", accessorFn: (r) => r.verdict?.text ?? "", header: "Verdict now", cell: (c) => <VerdictBadge verdict={c.row.original.verdict} /> },
    ],
    [now],
  );
  return (
    <Panel id="about-to-trip" title={`About to trip (${formatCount(rows.length)})`} testId="about-to-trip-panel">
      <p className="muted">
        Failing, not tripped: one more failed attempt trips each of these for 7 days. {formatCount(ready)} of them have their data now and pass on
        their next run.
      </p>
      <DataTable
        rows={rows}
        columns={columns}
        sort={sort}
        caption="Breakers about to trip"
        getRowId={(r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`}
        empty="No key is one failure away from tripping."
        testId="about-to-trip-table"
      />
    </Panel>
  );
}
